package fr.rempart.totp;

import fr.rempart.breach.CampaignFact;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.LocalDate;
import java.util.Map;

/** Flagged members with a confirmed second factor (enrolled before or after the flag: either protects them). */
@ApplicationScoped
public class TotpEnrolledFact implements CampaignFact {

    @Inject
    Jdbc jdbc;

    @Override
    public String name() {
        return "totpEnrolled";
    }

    @Override
    public long count(String incident) {
        return jdbc.one("select count(*) from member_flag f join totp_credential t on t.member_id = f.member_id and t.confirmed = true "
                + "where f.incident = ?", r -> r.getLong(1), incident).orElse(0L);
    }

    @Override
    public Map<LocalDate, Long> daily(String incident) {
        return CampaignFact.daily(jdbc, "select cast(t.confirmed_at as date), count(*) from member_flag f join totp_credential t "
                + "on t.member_id = f.member_id and t.confirmed = true and t.confirmed_at > f.flagged_at where f.incident = ? "
                + "group by cast(t.confirmed_at as date)", incident);
    }
}
