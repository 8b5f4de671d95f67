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
        Path outbox = server.dataDir().resolve("outbox");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (server.smtp().isPresent()) {
                for (var received : server.smtp().get().getReceivedMessages()) {
                    java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
                    try {
                        received.writeTo(raw);
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IOException(e);
                    }
                    String mail = decoded(raw.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
                    if (mail.contains("To: " + recipient) && mail.contains(containing)) {
                        return mail;
                    }
                }
            } else if (Files.isDirectory(outbox)) {
                try (var files = Files.list(outbox)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".eml")).toList()) {
                        String mail = decoded(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1));
                        if (mail.contains("To: " + recipient) && mail.contains(containing)) {
                            return mail;
                        }
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("No message to " + recipient + " containing " + containing);
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
