package fr.rempart.password;

import fr.rempart.breach.CampaignFact;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.LocalDate;
import java.util.Map;

/** Flagged members who chose a new password after being flagged. */
@ApplicationScoped
public class PasswordResetFact implements CampaignFact {

    @Inject
    Jdbc jdbc;

    @Override
    public String name() {
        return "passwordReset";
    }

    @Override
    public long count(String incident) {
        return jdbc.one("select count(*) from member_flag f where f.incident = ? and exists "
                + "(select 1 from password_history h where h.member_id = f.member_id and h.created_at > f.flagged_at)", r -> r.getLong(1), incident)
                .orElse(0L);
    }

    @Override
    public Map<LocalDate, Long> daily(String incident) {
        return CampaignFact.daily(jdbc, "select cast(first_at as date), count(*) from (select min(h.created_at) as first_at from member_flag f "
                + "join password_history h on h.member_id = f.member_id and h.created_at > f.flagged_at where f.incident = ? group by f.member_id) t "
                + "group by cast(first_at as date)", incident);
    }
}
