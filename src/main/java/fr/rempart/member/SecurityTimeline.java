package fr.rempart.member;

import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;

/** The member's own security timeline: what happened to the account, shown to the member and the helpdesk. */
@ApplicationScoped
public class SecurityTimeline {

    public record Event(Instant at, String type, String ip, String detail) {
    }

    private Jdbc jdbc;

    protected SecurityTimeline() {
    }

    @Inject
    public SecurityTimeline(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void record(MemberId member, String type, String ip, String detail) {
        jdbc.update("insert into member_event (member_id, at, type, ip, detail) values (?, ?, ?, ?, ?)",
                member.value(), Instant.now(), type, ip, detail == null || detail.length() <= 500 ? detail : detail.substring(0, 500));
    }

    /** The same entry for many members at once (an incident's hardening): one batch of inserts. */
    public void recordAll(java.util.Collection<MemberId> members, String type, String detail) {
        Instant now = Instant.now();
        jdbc.batch("insert into member_event (member_id, at, type, ip, detail) values (?, ?, ?, null, ?)",
                members.stream().map(m -> new Object[]{m.value(), now, type, detail}).toList());
    }

    public List<Event> recent(MemberId member, int limit) {
        return jdbc.list("select at, type, ip, detail from member_event where member_id = ? order by at desc, id desc fetch first "
                        + Math.max(1, Math.min(limit, 500)) + " rows only",
                r -> new Event(Jdbc.instant(r, "at"), r.getString("type"), r.getString("ip"), r.getString("detail")), member.value());
    }
}
