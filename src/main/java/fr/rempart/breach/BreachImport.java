package fr.rempart.breach;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.AccountEvent;
import fr.rempart.member.AccountsCompromised;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.NirProtector;
import fr.rempart.member.StandaloneListener;
import fr.rempart.notify.NoticeQueue;
import fr.rempart.platform.cli.DirectEvent;
import fr.rempart.platform.cli.EnvironmentConfig;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Database;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.ProblemException;
import fr.rempart.signin.HardeningProofs;
import fr.rempart.signin.SessionStore;
import fr.rempart.totp.TotpEnrolments;
import java.util.ServiceLoader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code deploy/rempart import-breach-list <incident> <file> [--dry-run]}: the breach-list import for
 * an operator who receives the list on a server, without the web server. The same job as
 * {@code POST /api/v1/incidents/{id}/breach-lists}: the list is kept under the data directory until
 * the job ends (an interrupted import is resumed by the service at its next start, or by running the
 * command again: nobody is flagged twice), members matched, flagged and hardened batch by batch —
 * their grants revoked and the security events written to the outbox — and the notices queued; the
 * service renders and sends them. Prints the counts, writes the rejected rows and the rows to review
 * next to the list ({@code .rejects.csv}, {@code .review.csv}). Exit status 0 when the job is done,
 * 1 when it failed or the list was refused, 2 for a usage error. With the embedded H2 database, stop
 * the service first.
 */
public final class BreachImport {

    private BreachImport() {
    }

    public static void main(String[] args) {
        List<String> options = List.of(args);
        List<String> positional = options.stream().filter(a -> !a.startsWith("--")).toList();
        if (positional.size() != 2 || options.stream().anyMatch(a -> a.startsWith("--") && !a.equals("--dry-run"))) {
            System.err.println("usage: deploy/rempart import-breach-list <incident-id> <file.csv> [--dry-run]");
            System.exit(2);
        }
        Path list = Path.of(positional.get(1));
        if (!Files.isRegularFile(list)) {
            System.err.println("No such file: " + list);
            System.exit(2);
        }
        Settings settings = new Settings(new EnvironmentConfig());
        Database database = new Database(settings);
        int status;
        try {
            database.migrate();
            status = run(database, settings, positional.get(0), list, options.contains("--dry-run"));
        } finally {
            database.close();
        }
        System.exit(status);
    }

    static int run(Database database, Settings settings, String incident, Path list, boolean dryRun) {
        BreachJobs jobs = wire(database, settings);
        String id;
        try (InputStream in = Files.newInputStream(list)) {
            id = jobs.create(incident, in, dryRun, new Actor("operator", System.getProperty("user.name", "operator")));
        } catch (ProblemException e) {
            System.err.println(Messages.get(Locale.FRENCH, e.key(), e.arguments()) + " / " + Messages.get(Locale.ENGLISH, e.key(), e.arguments()));
            return 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("Job " + id + (dryRun ? " (dry run: nothing changes)" : "") + ": reading " + list);
        jobs.run(id);
        BreachJobs.Job job = jobs.find(id).orElseThrow();
        System.out.println(BreachListResource.view(job).build());
        Path rejects = list.resolveSibling(list.getFileName() + ".rejects.csv");
        Path review = list.resolveSibling(list.getFileName() + ".review.csv");
        try (Writer r = Files.newBufferedWriter(rejects, StandardCharsets.UTF_8); Writer v = Files.newBufferedWriter(review, StandardCharsets.UTF_8)) {
            jobs.writeRejects(id, r);
            jobs.writeReview(id, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("Rejected rows: " + rejects + "; rows to review: " + review);
        return "DONE".equals(job.status()) ? 0 : 1;
    }

    /** The import job and what it calls, wired by hand: the commands run without a container. */
    private static BreachJobs wire(Database database, Settings settings) {
        Jdbc jdbc = new Jdbc(database);
        KeyRing keyRing = new KeyRing(settings, database, jdbc, java.time.Clock.systemUTC());
        keyRing.open();
        AuditTrail audit = new AuditTrail(keyRing, jdbc, java.time.Clock.systemUTC());
        // The OpenID provider's security events, found without importing the provider (a sibling of breach).
        List<StandaloneListener> listeners = ServiceLoader.load(StandaloneListener.class).stream().map(ServiceLoader.Provider::get).toList();
        listeners.forEach(l -> l.open(database, jdbc, settings, keyRing, audit));
        BreachJobs jobs = new BreachJobs();
        jobs.clock = java.time.Clock.systemUTC();
        jobs.jdbc = jdbc;
        jobs.settings = settings;
        jobs.incidents = Incidents.reader(jdbc);
        jobs.members = new MemberRepository(jdbc, java.time.Clock.systemUTC());
        jobs.nirs = new NirProtector(keyRing);
        jobs.sessions = new SessionStore(jdbc, settings, DirectEvent.to((AccountEvent e) -> listeners.forEach(l -> l.on(e))), java.time.Clock.systemUTC());
        jobs.enrolments = new TotpEnrolments(jdbc);
        jobs.proofs = HardeningProofs.standalone(jdbc, settings);
        jobs.audit = audit;
        jobs.compromised = DirectEvent.to((AccountsCompromised c) -> listeners.forEach(l -> l.on(c)));
        jobs.notices = NoticeQueue.standalone(jdbc, settings, jobs.members);
        return jobs;
    }
}
