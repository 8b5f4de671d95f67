package fr.rempart.report;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.MemberId;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.validation.InvalidInputException;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Evidence uploaded while the form is filled in: five at most, all or none, taken back, purged after a day. */
class ReportEvidenceTest {

    private static final Actor ANONYMOUS = new Actor("public", "anonymous");
    private static final String KEY = "draft-0123456789abcdef";
    private static final ReportEvidence.Uploader WHO = new ReportEvidence.Uploader("address-mac", java.util.Optional.empty());
    private TestDatabase db;
    private ReportEvidence evidence;
    private byte[] png;

    @BeforeEach
    void open() throws Exception {
        db = new TestDatabase("rempart.report.max-file-bytes", "4096");
        evidence = new ReportEvidence(db.jdbc, new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC()), db.settings, java.time.Clock.systemUTC());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", out);
        png = out.toByteArray();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private ReportEvidence.Incoming file(String name, byte[] content) {
        return new ReportEvidence.Incoming(name, new ByteArrayInputStream(content));
    }

    private long stored() throws Exception {
        Path dir = db.settings.reportFilesDir();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void fiveFilesAtMostAndOneRefusedFileKeepsNoneOfItsRequest() throws Exception {
        assertThat(evidence.upload(KEY, List.of(file("a.png", png), file("b.png", png), file("c.png", png)), WHO, ANONYMOUS, Locale.FRENCH)).hasSize(3);
        assertThatThrownBy(() -> evidence.upload(KEY, List.of(file("d.png", png), file("e.png", png), file("f.png", png)), WHO, ANONYMOUS, Locale.FRENCH))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("files");
        assertThatThrownBy(() -> evidence.upload(KEY, List.of(file("d.png", png), file("notes.png", "du texte".getBytes())), WHO, ANONYMOUS, Locale.ENGLISH))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(error -> assertThat(error.message()).contains("notes.png")));
        assertThat(evidence.drafts(KEY)).extracting(ReportEvidence.StoredFile::fileName).containsExactly("a.png", "b.png", "c.png");
        assertThat(stored()).isEqualTo(3);
    }

    @Test
    void aFileOverTheLimitIsRefusedWithoutReadingItWhole() throws Exception {
        byte[] big = new byte[4097];
        System.arraycopy(png, 0, big, 0, png.length);
        assertThatThrownBy(() -> evidence.upload(KEY, List.of(file("grand.png", big)), WHO, ANONYMOUS, Locale.FRENCH))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors().get(0).code()).isEqualTo("too-large"));
        assertThat(stored()).isZero();
        assertThat(Files.list(db.settings.reportFilesDir().resolve("incoming")).count()).isZero();
    }

    @Test
    void aFileTakenBackAndDraftsOlderThanADayAreDeletedWithTheirBytes() throws Exception {
        List<ReportEvidence.StoredFile> files = evidence.upload(KEY, List.of(file("../../a.png", png), file("b.png", png)), WHO, ANONYMOUS, Locale.FRENCH);
        assertThat(files.get(0).fileName()).isEqualTo("a.png");
        assertThat(evidence.removeDraft("another-key-0123456789", files.get(0).id(), ANONYMOUS)).isFalse();
        assertThat(evidence.removeDraft(KEY, files.get(0).id(), ANONYMOUS)).isTrue();
        assertThat(stored()).isEqualTo(1);
        assertThat(evidence.purgeDrafts(Instant.now())).isZero();
        assertThat(evidence.purgeDrafts(Instant.now().plus(Duration.ofHours(25)))).isEqualTo(1);
        assertThat(evidence.drafts(KEY)).isEmpty();
        assertThat(stored()).isZero();
        List<String> audited = new ArrayList<>(db.jdbc.list("select action from audit_event order by seq", r -> r.getString(1)));
        assertThat(audited).containsExactly("report.evidence-uploaded", "report.evidence-removed", "report.evidence-purged");
    }

    @Test
    void twoHundredUploadsPastTheDailyQuotaAreRefusedAndTheDiskStaysBounded() throws Exception {
        try (TestDatabase small = new TestDatabase("rempart.report.upload.files-per-day", "7")) {
            ReportEvidence limited = new ReportEvidence(small.jdbc, new AuditTrail(small.keys, small.jdbc, java.time.Clock.systemUTC()), small.settings, java.time.Clock.systemUTC());
            int accepted = 0;
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                try {
                    limited.upload("key-" + i + "-0123456789abcdef", List.of(file("a.png", png)), WHO, ANONYMOUS, Locale.FRENCH);
                    accepted++;
                } catch (InvalidInputException refused) {
                    codes.add(refused.errors().get(0).code());
                    assertThat(refused.errors().get(0).message()).contains("7");
                }
            }
            assertThat(accepted).isEqualTo(7);
            assertThat(codes).hasSize(193).containsOnly("quota");
            try (Stream<Path> files = Files.list(small.settings.reportFilesDir())) {
                assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(7);
            }
            // Another address still may; the same member from another address may not.
            ReportEvidence.Uploader member = new ReportEvidence.Uploader("elsewhere", java.util.Optional.of(new MemberId(java.util.UUID.randomUUID())));
            small.jdbc.transaction(c -> Jdbc.execute(c, "update report_upload_ledger set member_id = ?", member.member().get().value()));
            assertThatThrownBy(() -> limited.upload("member-key-0123456789abcdef", List.of(file("a.png", png)), member, ANONYMOUS, Locale.FRENCH))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors().get(0).code()).isEqualTo("quota"));
            assertThat(limited.upload("other-key-0123456789abcdef", List.of(file("a.png", png)), new ReportEvidence.Uploader("other", java.util.Optional.empty()),
                    ANONYMOUS, Locale.FRENCH)).hasSize(1);
            // A day later (the ledger's dates moved back, no sleeping) the quota is free again.
            small.jdbc.transaction(c -> Jdbc.execute(c, "update report_upload_ledger set created_at = ?",
                    Instant.now().minus(Duration.ofHours(25))));
            assertThat(limited.upload("later-key-0123456789abcdef", List.of(file("a.png", png)), WHO, ANONYMOUS, Locale.FRENCH)).hasSize(1);
        }
    }

    @Test
    void aFullStoreOrADiskBelowItsFloorRefusesUploadsWithAClearMessage() throws Exception {
        try (TestDatabase full = new TestDatabase("rempart.report.upload.total-bytes", "10");
             TestDatabase floor = new TestDatabase("rempart.report.upload.min-free-bytes", String.valueOf(Long.MAX_VALUE / 4))) {
            for (TestDatabase d : List.of(full, floor)) {
                ReportEvidence refused = new ReportEvidence(d.jdbc, new AuditTrail(d.keys, d.jdbc, java.time.Clock.systemUTC()), d.settings, java.time.Clock.systemUTC());
                assertThatThrownBy(() -> refused.upload("full-key-0123456789abcdef", List.of(file("a.png", png)), WHO, ANONYMOUS, Locale.ENGLISH))
                        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                            assertThat(e.errors().get(0).code()).isEqualTo("storage-full");
                            assertThat(e.errors().get(0).message()).contains("without");
                        });
                assertThat(refused.drafts("full-key-0123456789abcdef")).isEmpty();
            }
        }
    }
}
