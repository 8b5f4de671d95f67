package fr.rempart.notify;

import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Verification codes printed on every notice ({@code K7QM-3XWD-R8}): nine random characters and a
 * check character, from an alphabet without look-alikes, so a member who reads a message can ask
 * whether the mutual really sent it — and a typo is told apart from a code that was never issued.
 * Only the SHA-256 of a code is stored, with the channel, the purpose and the time: never the
 * recipient.
 */
@ApplicationScoped
public class MessageCodes {

    /** What a genuine message was: when, by which channel, for what. */
    public record Sent(Instant sentAt, String channel, String purpose) {
    }

    /** The outcome of a check. */
    public enum Verdict { GENUINE, UNKNOWN, MISTYPED }

    public record Check(Verdict verdict, Sent sent) {
    }

    static final String ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Jdbc jdbc;

    /** A new code for a message sent now; stored in the caller's transaction (the notice and its code go together). */
    public String issue(String channel, String purpose, Instant at) {
        String code = next();
        issued(java.util.List.of(code), java.util.List.of(channel), purpose, at);
        return code;
    }

    /** A fresh code, not yet stored: {@link #issued} stores a batch of them at once (an incident's notices). */
    public static String next() {
        StringBuilder raw = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            raw.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        raw.append(checkCharacter(raw));
        return raw.substring(0, 4) + "-" + raw.substring(4, 8) + "-" + raw.substring(8);
    }

    /** Stores codes (each with its channel) with their purpose and time, in one statement in the caller's transaction. */
    public void issued(java.util.List<String> codes, java.util.List<String> channels, String purpose, Instant at) {
        jdbc.update("insert into sent_message (code_hash, channel, purpose, sent_at) select t.h, t.c, ?, ? from unnest(?, ?) as t(h, c)", purpose, at,
                Jdbc.array("varchar", codes.stream().map(code -> Secrets.sha256Hex(code.replace("-", ""))).toList()), Jdbc.array("varchar", channels));
    }

    /** Spaces, dashes and case do not matter; the check character catches a mistyped character. */
    public Check check(String typed) {
        String code = typed == null ? "" : typed.toUpperCase(Locale.ROOT).replaceAll("[\\s\\-]", "");
        boolean wellFormed = code.length() == 10 && code.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)
                && checkCharacter(code.substring(0, 9)) == code.charAt(9);
        // The lookup runs for every input, well formed or not, so that the answer takes the same time.
        Optional<Sent> sent = jdbc.one("select sent_at, channel, purpose from sent_message where code_hash = ?",
                r -> new Sent(Jdbc.instant(r, "sent_at"), r.getString(2), r.getString(3)), Secrets.sha256Hex(code));
        if (!wellFormed) {
            return new Check(Verdict.MISTYPED, null);
        }
        return sent.map(s -> new Check(Verdict.GENUINE, s)).orElse(new Check(Verdict.UNKNOWN, null));
    }

    static char checkCharacter(CharSequence nine) {
        int sum = 0;
        for (int i = 0; i < nine.length(); i++) {
            sum += (i + 1) * ALPHABET.indexOf(nine.charAt(i));
        }
        return ALPHABET.charAt(sum % ALPHABET.length());
    }
}
