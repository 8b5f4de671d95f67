package fr.rempart.signin;

import fr.rempart.breach.CampaignFact;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.LocalDate;
import java.util.Map;

/** Flagged members who signed in after being flagged (from their security timeline). */
@ApplicationScoped
public class SignedInSinceFact implements CampaignFact {

    @Inject
    Jdbc jdbc;

    @Override
    public String name() {
        return "signedInSince";
    }

    @Override
    public long count(String incident) {
        return jdbc.one("select count(*) from member_flag f where f.incident = ? and exists (select 1 from member_event e "
                + "where e.member_id = f.member_id and e.type = 'signin.succeeded' and e.at > f.flagged_at)", r -> r.getLong(1), incident).orElse(0L);
    }

    @Override
    public Map<LocalDate, Long> daily(String incident) {
        return CampaignFact.daily(jdbc, "select cast(first_at as date), count(*) from (select min(e.at) as first_at from member_flag f "
                + "join member_event e on e.member_id = f.member_id and e.type = 'signin.succeeded' and e.at > f.flagged_at "
                + "where f.incident = ? group by f.member_id) t group by cast(first_at as date)", incident);
    }
}
