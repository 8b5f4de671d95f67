package fr.rempart.bench;

import fr.rempart.audit.AuditTrail;
import fr.rempart.member.Member;
import fr.rempart.member.MemberNumber;
import fr.rempart.member.SecondFactor;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.platform.limits.FailureCounter;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.totp.TotpCodes;
import fr.rempart.totp.TotpService;

import java.lang.reflect.Field;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

import static fr.rempart.bench.TotpBenchStats.line;
import static fr.rempart.bench.TotpBenchStats.longProperty;

/**
 * The whole {@link TotpService#verify} as the sign-in page calls it, without the web server, on one
 * database per JVM ({@code h2} or {@code postgresql}): read and unseal the credential, take an attempt
 * from the member's failure counter, match the code (three HMACs), the replay check, and reset the
 * counter; a replayed code also writes the audit trail and the member's security timeline. The service
 * is wired by hand with the real classes (what CDI would inject). Each round submits one current code
 * per member (accepted), then the same codes again (replayed); between rounds the last steps go back
 * to -1, outside the timing. System properties: bench.members (1000), bench.rounds (3, after one warm-up round).
 */
public final class TotpVerifyBench {

    private TotpVerifyBench() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args[0];
        int count = (int) longProperty("bench.members", 1000);
        int rounds = (int) longProperty("bench.rounds", 3);
        try (TotpBenchDatabase database = TotpBenchDatabase.open(backend)) {
            database.enrol(count);
            var db = database.db;
            TotpService service = new TotpService();
            inject(service, "clock", java.time.Clock.systemUTC());
            inject(service, "jdbc", db.jdbc);
            inject(service, "keys", db.keys);
            inject(service, "settings", db.settings);
            inject(service, "failures", new FailureCounter(db.jdbc, db.settings, java.time.Clock.systemUTC()));
            inject(service, "audit", new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC()));
            inject(service, "timeline", new SecurityTimeline(db.jdbc, java.time.Clock.systemUTC()));
            // members and notices serve enrolment and the helpdesk reset only, not verify.

            Member[] members = database.members.stream().map(m -> new Member(m.id(), new MemberNumber(m.number()), null, null, null, null,
                    null, null, null, null, "fr", Set.of(), Instant.now(), Instant.now())).toArray(Member[]::new);
            ClientInfo client = new ClientInfo("127.0.0.1", false, "bench");
            TotpCodes codes = new TotpCodes("SHA1", 6, 30);

            line("== TotpService.verify end to end on %s, %,d members ==", backend, count);
            database.describe();
            TotpBenchStats.Rounds acceptedRate = new TotpBenchStats.Rounds();
            TotpBenchStats.Rounds replayedRate = new TotpBenchStats.Rounds();
            TotpBenchStats.Samples accepted = new TotpBenchStats.Samples();
            TotpBenchStats.Samples replayed = new TotpBenchStats.Samples();
            Map<SecondFactor.Outcome, Integer> outcomes = new EnumMap<>(SecondFactor.Outcome.class);
            TotpBenchStats.CpuWindow cpu = null;
            String[] typed = new String[count];
            for (int r = -1; r < rounds; r++) {
                boolean measure = r >= 0;
                db.jdbc.update("update totp_credential set last_step = -1");
                db.jdbc.update("delete from signin_failure");
                if (r == 0) {
                    cpu = TotpBenchStats.CpuWindow.start();
                }
                long spent = 0;
                for (int i = 0; i < count; i++) {
                    // The code of the current step, computed outside the timing, just before it is typed.
                    typed[i] = codes.code(database.members.get(i).secret(), codes.step(Instant.now().getEpochSecond()));
                    long t0 = System.nanoTime();
                    SecondFactor.Result result = service.verify(members[i], typed[i], client);
                    long t = System.nanoTime() - t0;
                    spent += t;
                    if (measure) {
                        accepted.add(t);
                        outcomes.merge(result.outcome(), 1, Integer::sum);
                    }
                    if (result.outcome() != SecondFactor.Outcome.ACCEPTED) {
                        throw new AssertionError("a current code was not accepted: " + result.outcome());
                    }
                }
                if (measure) {
                    acceptedRate.add(count, spent);
                }
                spent = 0;
                for (int i = 0; i < count; i++) {
                    long t0 = System.nanoTime();
                    SecondFactor.Result result = service.verify(members[i], typed[i], client);
                    long t = System.nanoTime() - t0;
                    spent += t;
                    if (measure) {
                        replayed.add(t);
                        outcomes.merge(result.outcome(), 1, Integer::sum);
                    }
                    if (result.outcome() != SecondFactor.Outcome.REPLAYED) {
                        throw new AssertionError("a replayed code was not refused as such: " + result.outcome());
                    }
                }
                if (measure) {
                    replayedRate.add(count, spent);
                }
            }
            line("[verify %s] accepted: %s (one thread, back to back)", backend, acceptedRate.summary());
            line("[verify %s] accepted: latency: %s", backend, accepted.latencies());
            line("[verify %s] replayed (refused, audited): %s", backend, replayedRate.summary());
            line("[verify %s] replayed: latency: %s", backend, replayed.latencies());
            line("[verify %s] outcomes: %s", backend, outcomes);
            line("[verify %s] %s", backend, cpu.stop());
            line("RESULT verify db=%s phase=accepted opsPerSecond=%.0f p50us=%.1f p99us=%.1f", backend, acceptedRate.median(),
                    accepted.percentile(0.5) / 1e3, accepted.percentile(0.99) / 1e3);
            line("RESULT verify db=%s phase=replayed opsPerSecond=%.0f p50us=%.1f p99us=%.1f", backend, replayedRate.median(),
                    replayed.percentile(0.5) / 1e3, replayed.percentile(0.99) / 1e3);
        }
    }

    private static void inject(Object target, String field, Object value) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }
}
