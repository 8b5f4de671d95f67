package fr.rempart.member;

import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** The member's own security timeline: what happened to the account, shown to the member and the helpdesk. */
@ApplicationScoped
public class SecurityTimeline {

    private Clock clock;

    public record Event(Instant at, String type, String ip, String detail) {
    }

    private Jdbc jdbc;

    protected SecurityTimeline() {
    }

    @Inject
    public SecurityTimeline(Jdbc jdbc, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
    }

    public void record(MemberId member, String type, String ip, String detail) {
        jdbc.update("insert into member_event (member_id, at, type, ip, detail) values (?, ?, ?, ?, ?)",
                member.value(), clock.instant(), type, ip, detail == null || detail.length() <= 500 ? detail : detail.substring(0, 500));
    }

    /**
     * The member's latest events, newest first. An incident's flag is an event too, read from
     * {@code member_flag} ({@code breach.flagged}, the incident as detail): flagging half a million
     * members writes their flags, not the same fact a second time.
     */
    public List<Event> recent(MemberId member, int limit) {
        return jdbc.list("select at, type, ip, detail from (select at, type, ip, detail, id from member_event where member_id = ? "
                        + "union all select flagged_at, 'breach.flagged', null, incident, 0 from member_flag where member_id = ?) e "
                        + "order by at desc, id desc fetch first " + Math.max(1, Math.min(limit, 500)) + " rows only",
                r -> new Event(Jdbc.instant(r, "at"), r.getString("type"), r.getString("ip"), r.getString("detail")), member.value(), member.value());
    }

    /** How many members the incident flagged signed in after being flagged (the campaign view): the timeline and the flags are both the member's. */
    public long countSignedInSinceFlagged(String incident) {
        return jdbc.one("select count(*) from member_flag f where f.incident = ? and exists (select 1 from member_event e "
                + "where e.member_id = f.member_id and e.type = 'signin.succeeded' and e.at > f.flagged_at)", r -> r.getLong(1), incident).orElse(0L);
    }

    /** The same, by the day of each member's first sign-in after the flag. */
    public java.util.SortedMap<java.time.LocalDate, Long> dailySignedInSinceFlagged(String incident) {
        return jdbc.daily("select cast(first_at as date), count(*) from (select min(e.at) as first_at from member_flag f "
                + "join member_event e on e.member_id = f.member_id and e.type = 'signin.succeeded' and e.at > f.flagged_at "
                + "where f.incident = ? group by f.member_id) t group by cast(first_at as date)", incident);
    }
}
