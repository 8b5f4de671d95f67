package fr.rempart.notify;

import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
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

    /**
     * What a genuine message was: when, by which channel, for what, for which incident (null: none);
     * {@code codeHash} names the stored message (the checks are counted against it).
     */
    public record Sent(Instant sentAt, String channel, String purpose, String incident, String codeHash) {
    }

    /**
     * The outcome of a check. {@code COPIED}: the code was really issued, but checked from so many
     * addresses that it has surely been printed on messages the mutual did not send
     * ({@link MessageCheckCounts}).
     */
    public enum Verdict { GENUINE, UNKNOWN, MISTYPED, COPIED }

    public record Check(Verdict verdict, Sent sent) {
    }

    static final String ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789";
    /** Unpredictable codes; a test may draw from a seeded generator to make two draws meet. */
    java.util.random.RandomGenerator random = new SecureRandom();

    @Inject
    Jdbc jdbc;

    /** A new code for a message sent now; stored in the caller's transaction (the notice and its code go together). */
    public String issue(String channel, String purpose, Instant at) {
        String code = fresh(1).get(0);
        issued(java.util.List.of(code), java.util.List.of(channel), purpose, null, at);
        return code;
    }

    /**
     * {@code count} new codes, distinct and never issued before, not yet stored: {@link #issued}
     * stores them. Nine random characters make 2·10¹³ codes: among the 33 million of a large breach
     * some would meet by chance (the birthday bound), so the ones already issued are drawn again.
     */
    public List<String> fresh(int count) {
        java.util.Set<String> codes = new java.util.LinkedHashSet<>();
        while (codes.size() < count) {
            java.util.Set<String> drawn = new java.util.LinkedHashSet<>();
            while (drawn.size() < count - codes.size()) {
                String code = next();
                if (!codes.contains(code)) {
                    drawn.add(code);
                }
            }
            java.util.Set<String> taken = new java.util.HashSet<>(jdbc.list("select code_hash from sent_message where code_hash = any(?)",
                    r -> r.getString(1), Jdbc.array("varchar", drawn.stream().map(MessageCodes::hash).toList())));
            drawn.stream().filter(c -> !taken.contains(hash(c))).forEach(codes::add);
        }
        return List.copyOf(codes);
    }

    private static String hash(String code) {
        return Secrets.sha256Hex(code.replace("-", ""));
    }

    /** A code drawn at random, perhaps already issued: {@link #fresh} makes sure it is not. */
    String next() {
        StringBuilder raw = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            raw.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        raw.append(checkCharacter(raw));
        return raw.substring(0, 4) + "-" + raw.substring(4, 8) + "-" + raw.substring(8);
    }

    /**
     * Stores codes (each with its channel) with their purpose, incident (null: none) and time, in one
     * statement in the caller's transaction.
     */
    public void issued(java.util.List<String> codes, java.util.List<String> channels, String purpose, String incident, Instant at) {
        jdbc.update("insert into sent_message (code_hash, channel, purpose, incident, sent_at) select t.h, t.c, ?, ?, ? from unnest(?, ?) as t(h, c)",
                purpose, incident, at, Jdbc.array("varchar", codes.stream().map(MessageCodes::hash).toList()), Jdbc.array("varchar", channels));
    }

    /** The code as printed ({@code K7QM-3XWD-R8}) whatever the spaces, dashes and case typed; meaningful only for a well-formed code. */
    static String canonical(String typed) {
        String code = typed.toUpperCase(Locale.ROOT).replaceAll("[\\s\\-]", "");
        return code.length() != 10 ? code : code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8);
    }

    /** Spaces, dashes and case do not matter; the check character catches a mistyped character. */
    public Check check(String typed) {
        String code = typed == null ? "" : typed.toUpperCase(Locale.ROOT).replaceAll("[\\s\\-]", "");
        boolean wellFormed = code.length() == 10 && code.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)
                && checkCharacter(code.substring(0, 9)) == code.charAt(9);
        // The lookup runs for every input, well formed or not, so that the answer takes the same time.
        Optional<Sent> sent = jdbc.one("select sent_at, channel, purpose, incident, code_hash from sent_message where code_hash = ?",
                r -> new Sent(Jdbc.instant(r, "sent_at"), r.getString(2), r.getString(3), r.getString(4), r.getString(5)), Secrets.sha256Hex(code));
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
