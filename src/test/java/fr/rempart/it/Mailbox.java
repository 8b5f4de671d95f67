package fr.rempart.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** The messages the server sent: from the SMTP test server (PostgreSQL run) or the .eml outbox (H2 run). */
final class Mailbox {

    private Mailbox() {
    }

    /**
     * The first message to this recipient containing the text: received by the SMTP server (PostgreSQL
     * run) or written to the server's outbox as an .eml file (H2 run, no SMTP configured).
     */
    static String await(RempartServer server, String recipient, String containing) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            java.util.Optional<String> found = messages(server).stream().filter(m -> m.contains("To: " + recipient) && m.contains(containing)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(250); // the server (another process) works in the background: poll
        }
        throw new AssertionError("No message to " + recipient + " containing " + containing);
    }

    /** How many messages to this recipient contain the text, now. */
    static long count(RempartServer server, String recipient, String containing) throws IOException {
        return messages(server).stream().filter(m -> m.contains("To: " + recipient) && m.contains(containing)).count();
    }

    /** Every message to this recipient containing the text, now. */
    static java.util.List<String> all(RempartServer server, String recipient, String containing) throws IOException {
        return messages(server).stream().filter(m -> m.contains("To: " + recipient) && m.contains(containing)).toList();
    }

    /** Every message so far, decoded: from the SMTP server (PostgreSQL run) or the outbox's .eml files (H2 run). */
    private static java.util.List<String> messages(RempartServer server) throws IOException {
        java.util.List<String> all = new java.util.ArrayList<>();
        if (server.smtp().isPresent()) {
            for (var received : server.smtp().get().getReceivedMessages()) {
                java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
                try {
                    received.writeTo(raw);
                } catch (jakarta.mail.MessagingException e) {
                    throw new IOException(e);
                }
                all.add(decoded(raw.toString(java.nio.charset.StandardCharsets.ISO_8859_1)));
            }
        } else {
            Path outbox = server.dataDir().resolve("outbox");
            if (Files.isDirectory(outbox)) {
                try (var files = Files.list(outbox)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".eml")).toList()) {
                        all.add(decoded(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)));
                    }
                }
            }
        }
        return all;
    }

    private static String decoded(String raw) {
        try {
            var session = jakarta.mail.Session.getInstance(new java.util.Properties());
            var message = new jakarta.mail.internet.MimeMessage(session, new java.io.ByteArrayInputStream(raw.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            return "To: " + message.getHeader("To", ",") + "\n" + message.getSubject() + "\n" + message.getContent();
        } catch (Exception e) {
            return raw;
        }
    }
}
