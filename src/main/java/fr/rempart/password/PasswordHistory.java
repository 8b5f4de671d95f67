package fr.rempart.password;

import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Dated;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.text.Normalizer;
import java.time.Instant;
import java.util.List;

/** The member's last passwords as keyed MACs, for the history rule; only the last N are kept. */
@ApplicationScoped
public class PasswordHistory {

    private Clock clock;

    private Jdbc jdbc;
    private KeyRing keys;
    private int depth;

    protected PasswordHistory() {
    }

    @Inject
    public PasswordHistory(Jdbc jdbc, KeyRing keys, Settings settings, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.keys = keys;
        this.depth = settings.passwordHistory();
    }

    public String mac(String password) {
        return keys.macHex(KeyRing.Purpose.PASSWORD_HISTORY, Normalizer.normalize(password, Normalizer.Form.NFKC));
    }

    public List<String> recent(MemberId member) {
        return jdbc.list("select mac from password_history where member_id = ? order by created_at desc, id desc fetch first "
                + Math.max(1, depth) + " rows only", r -> r.getString(1), member.value());
    }

    /** Records a password just set, and forgets those beyond the depth. */
    /** When the member last chose a password (imports and hash upgrades do not count). */
    public java.util.Optional<Instant> lastChosenAt(MemberId member) {
        return jdbc.one("select created_at from password_history where member_id = ? order by created_at desc fetch first 1 rows only",
                r -> Jdbc.instant(r, "created_at"), member.value());
    }

    public void record(MemberId member, String password) {
        jdbc.transaction(c -> {
            Jdbc.execute(c, "insert into password_history (member_id, mac, created_at) values (?, ?, ?)", member.value(), mac(password), clock.instant());
            Jdbc.execute(c, "delete from password_history where member_id = ? and id not in (select id from password_history where member_id = ? "
                    + "order by created_at desc, id desc fetch first " + Math.max(1, depth) + " rows only)", member.value(), member.value());
            return null;
        });
    }

    /** The times these members chose a password, earliest first, with their days (the campaign view counts those after a flag). */
    public java.util.Map<MemberId, List<Dated>> chosenAt(java.util.Collection<MemberId> members) {
        java.util.Map<MemberId, List<Dated>> chosen = new java.util.HashMap<>();
        if (!members.isEmpty()) {
            jdbc.list("select member_id, created_at, cast(created_at as date) as chosen_on from password_history where member_id = any(?) order by created_at",
                    r -> java.util.Map.entry(new MemberId(r.getObject(1, java.util.UUID.class)),
                            new Dated(Jdbc.instant(r, "created_at"), r.getDate(3).toLocalDate())),
                    MemberRepository.uuids(members))
                    .forEach(e -> chosen.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>()).add(e.getValue()));
        }
        return chosen;
    }
}
