package fr.rempart.notify;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.HardeningGate;
import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Postal breach letters, printed in batches for the print shop: one PDF of up to
 * {@code rempart.notify.letter-batch-size} letters and its manifest (sequence, member number, first
 * page, pages, name, address) per batch, under {@code <data dir>/letters}. A batch is printed when
 * a full one is waiting, or when the oldest letter has waited a minute (a small incident is not
 * held back). The letters are marked printed in the batch's transaction: a failure prints nothing
 * and the next round tries again.
 */
@ApplicationScoped
public class LetterBatches {

    static final Duration HOLD = Duration.ofMinutes(1);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    /** A printed batch, as the print shop fetches it. */
    public record Batch(String id, String incident, int letters, int pages, Path pdf, Path manifest, String sha256, Instant createdAt) {
    }

    @Inject
    Clock clock;
    @Inject
    Jdbc jdbc;
    @Inject
    Settings settings;
    @Inject
    MemberRepository members;
    @Inject
    Notices notices;
    @Inject
    NoticeQueue queue;
    @Inject
    HardeningGate proofs;
    @Inject
    AuditTrail audit;

    /** Prints every batch that is due; returns how many. */
    public int printDue() {
        int printed = 0;
        while (true) {
            record Waiting(long count, Instant oldest) {
            }
            Waiting waiting = jdbc.one("select count(*), min(created_at) as oldest from notice where channel = 'LETTER' and done_at is null",
                    r -> new Waiting(r.getLong(1), Jdbc.instant(r, "oldest"))).orElseThrow();
            if (waiting.count() == 0 || waiting.count() < settings.letterBatchSize() && waiting.oldest().isAfter(clock.instant().minus(HOLD))) {
                return printed;
            }
            print(null);
            printed++;
        }
    }

    /**
     * Prints the next batch of queued letters now, whatever its size, for the incident (or the one
     * waiting longest when null); empty when none is waiting.
     */
    public Optional<Batch> print(String incident) {
        Path dir = settings.dataDir().resolve("letters");
        String id = "LTR-" + STAMP.format(clock.instant()) + "-" + Secrets.token(3);
        Path pdf = dir.resolve(id + ".pdf");
        Path manifest = dir.resolve(id + ".csv");
        try {
            Files.createDirectories(dir);
            return jdbc.transaction(c -> {
                // One incident per batch, the one waiting longest, so the print shop's batches belong to one campaign;
                // activation letters, which belong to none, make batches of their own.
                Optional<String> next = incident != null ? Optional.of(incident) : jdbc.one("select coalesce(incident, ?) from notice where channel = 'LETTER' "
                        + "and done_at is null order by id fetch first 1 rows only", r -> r.getString(1), NoticeQueue.NO_INCIDENT);
                List<NoticeQueue.Queued> due = next.isEmpty() ? List.of() : queue.claim("LETTER", next.get(), settings.letterBatchSize(), id);
                if (due.isEmpty()) {
                    return Optional.<Batch>empty();
                }
                Map<MemberId, Member> byId = members.byIds(due.stream().map(NoticeQueue.Queued::member).toList());
                Map<String, Optional<NoticeFacts.Breach>> cache = new HashMap<>();
                LetterRenderer renderer = new LetterRenderer(pdf, manifest);
                for (NoticeQueue.Queued notice : due) {
                    Member member = byId.get(notice.member());
                    if (member == null || member.address() == null || member.address().line1() == null) {
                        continue; // deleted, or the address was removed since it was queued
                    }
                    Locale locale = queue.locale(member);
                    // Without e-mail, the letter carries the proof that finishing the hardening asks for (minted only for a letter printed).
                    boolean needsCode = member.email() == null && proofs.required(member.id());
                    if (NoticeQueue.ACTIVATION.equals(notice.purpose())) {
                        if (needsCode) {
                            renderer.add(notices.activationLetter(member, locale, notice.code(), proofs.letterCode(member.id())));
                        }
                    } else {
                        queue.breachFacts(notice.incident(), locale, cache).ifPresent(f -> renderer.add(notices.breachLetter(member, locale, f,
                                notice.code(), needsCode ? proofs.letterCode(member.id()) : null)));
                    }
                }
                LetterRenderer.Batch printed = renderer.close();
                Instant now = clock.instant();
                String batchIncident = NoticeQueue.NO_INCIDENT.equals(next.get()) ? null : next.get();
                jdbc.update("insert into letter_batch (id, incident, letters, pages, pdf_path, manifest_path, sha256, created_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?)", id, batchIncident, printed.letters(), printed.pages(), pdf.toString(), manifest.toString(),
                        printed.sha256(), now);
                audit.record(Actor.SYSTEM, "letters.printed", id, null, "letters=" + printed.letters() + " pages=" + printed.pages()
                        + " sha256=" + printed.sha256());
                return Optional.of(new Batch(id, batchIncident, printed.letters(), printed.pages(), pdf, manifest, printed.sha256(), now));
            });
        } catch (IOException | RuntimeException e) {
            delete(pdf);
            delete(manifest);
            throw e instanceof IOException io ? new java.io.UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    public List<Batch> list(String incident) {
        return jdbc.list("select * from letter_batch where incident = ? order by created_at", LetterBatches::batch, incident);
    }

    /** The latest batches of every kind (activation letters belong to no incident), newest first. */
    public List<Batch> recent(int limit) {
        return jdbc.list("select * from letter_batch order by created_at desc fetch first " + limit + " rows only", LetterBatches::batch);
    }

    public Optional<Batch> find(String id) {
        return id == null || id.length() > 40 ? Optional.empty() : jdbc.one("select * from letter_batch where id = ?", LetterBatches::batch, id);
    }

    private static Batch batch(java.sql.ResultSet r) throws java.sql.SQLException {
        return new Batch(r.getString("id"), r.getString("incident"), r.getInt("letters"), r.getInt("pages"), Path.of(r.getString("pdf_path")),
                Path.of(r.getString("manifest_path")), r.getString("sha256"), Jdbc.instant(r, "created_at"));
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // nothing was recorded for it: a stray file at worst
        }
    }
}
