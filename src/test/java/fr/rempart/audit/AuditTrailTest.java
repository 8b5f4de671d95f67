package fr.rempart.audit;

import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuditTrailTest {

    private static void fill(AuditTrail trail) {
        for (int i = 1; i <= 5; i++) {
            trail.record(Actor.member("1000000" + i), "signin.failed", "1000000" + i, i % 2 == 0 ? null : "", "ip=192.0.2." + i);
        }
    }

    @Test
    void anUntouchedChainVerifies() throws Exception {
        try (TestDatabase db = new TestDatabase()) {
            AuditTrail trail = new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC());
            fill(trail);
            assertThat(trail.verify()).isEqualTo(new AuditTrail.Verification(5, true, null, null));
        }
    }

    @Test
    void anEditedEntryIsTheFirstBrokenLink() throws Exception {
        try (TestDatabase db = new TestDatabase()) {
            AuditTrail trail = new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC());
            fill(trail);
            db.jdbc.update("update audit_event set subject = '99999999' where seq = 3");
            AuditTrail.Verification v = trail.verify();
            assertThat(v.intact()).isFalse();
            assertThat(v.firstBrokenSeq()).isEqualTo(3L);
            assertThat(v.checked()).isEqualTo(2);
        }
    }

    @Test
    void aNullReasonAndAnEmptyOneDoNotHashTheSame() throws Exception {
        try (TestDatabase db = new TestDatabase()) {
            AuditTrail trail = new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC());
            fill(trail);
            db.jdbc.update("update audit_event set reason = '' where seq = 2");
            assertThat(trail.verify().firstBrokenSeq()).isEqualTo(2L);
        }
    }

    @Test
    void aDeletedEntryIsReportedMissing() throws Exception {
        try (TestDatabase db = new TestDatabase()) {
            AuditTrail trail = new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC());
            fill(trail);
            db.jdbc.update("delete from audit_event where seq = 4");
            AuditTrail.Verification v = trail.verify();
            assertThat(v.intact()).isFalse();
            assertThat(v.firstBrokenSeq()).isEqualTo(4L);
            assertThat(v.problem()).isEqualTo("missing entry");
        }
    }

    @Test
    void entriesCutFromTheEndAreNoticed() throws Exception {
        try (TestDatabase db = new TestDatabase()) {
            AuditTrail trail = new AuditTrail(db.keys, db.jdbc, java.time.Clock.systemUTC());
            fill(trail);
            db.jdbc.update("delete from audit_event where seq = 5");
            assertThat(trail.verify().problem()).isEqualTo("entries removed from the end");
        }
    }
}
