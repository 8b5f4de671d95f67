package fr.rempart.notify;

import com.sun.net.httpserver.HttpServer;
import fr.rempart.member.PhoneNumber;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Text messages: to the gateway with its token, retried when it fails, as files when there is none; the text blanked once sent. */
class SmsSenderTest {

    private TestDatabase db;
    private HttpServer gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.stop(0);
        }
        db.close();
    }

    @Test
    void theGatewayGetsEachMessageOnceWithItsTokenAndAFailureIsRetriedLater() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicInteger status = new AtomicInteger(500);
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/sms", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("Authorization") + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        gateway.start();
        db = new TestDatabase("rempart.sms.gateway-url", "http://127.0.0.1:" + gateway.getAddress().getPort() + "/sms",
                "rempart.sms.gateway-token", "gateway-secret");
        new Outbox(db.jdbc, java.time.Clock.systemUTC()).enqueueSms(PhoneNumber.parse("06 12 34 56 78").orElseThrow(), "Mutuelle : code 123456");
        SmsSender sender = new SmsSender(db.jdbc, db.settings, java.time.Clock.systemUTC());

        sender.deliverDue();
        assertThat(received).hasSize(1);
        assertThat(db.jdbc.one("select attempts from outbox_sms", r -> r.getInt(1))).hasValue(1);
        assertThat(db.jdbc.one("select count(*) from outbox_sms where sent_at is null and next_attempt_at > current_timestamp", r -> r.getLong(1)))
                .as("retried later, not at once").hasValue(1L);
        sender.deliverDue();
        assertThat(received).hasSize(1);

        status.set(202);
        db.jdbc.update("update outbox_sms set next_attempt_at = current_timestamp");
        sender.deliverDue();
        assertThat(received).hasSize(2);
        assertThat(received.get(1)).isEqualTo("Bearer gateway-secret {\"to\":\"+33612345678\",\"text\":\"Mutuelle : code 123456\"}");
        assertThat(db.jdbc.one("select body from outbox_sms where sent_at is not null", r -> r.getString(1))).hasValue("");
        sender.deliverDue();
        assertThat(received).hasSize(2);
    }

    @Test
    void withoutAGatewayMessagesAreWrittenAsFiles() throws Exception {
        db = new TestDatabase();
        new Outbox(db.jdbc, java.time.Clock.systemUTC()).enqueueSms(PhoneNumber.parse("+33 7 00 11 22 33").orElseThrow(), "Mutuelle : code 654321");
        new SmsSender(db.jdbc, db.settings, java.time.Clock.systemUTC()).deliverDue();
        Path dir = db.settings.dataDir().resolve("outbox-sms");
        try (var files = Files.list(dir)) {
            List<Path> written = files.toList();
            assertThat(written).singleElement().satisfies(f -> assertThat(f.getFileName().toString()).endsWith(".sms"));
            assertThat(Files.readString(written.get(0))).isEqualTo("To: +33700112233\n\nMutuelle : code 654321\n");
        }
    }
}
