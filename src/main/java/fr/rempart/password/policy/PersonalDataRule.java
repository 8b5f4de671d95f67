package fr.rempart.password.policy;

import org.passay.FailureRuleResult;
import org.passay.PasswordData;
import org.passay.RuleResult;
import org.passay.RuleResultDetail;
import org.passay.SuccessRuleResult;
import org.passay.rule.Rule;

import java.text.Normalizer;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Refuses a password containing the member's own data, which the attackers hold: last and first
 * name, birth date in its usual forms ({@code 01031980}, {@code 1980-03-01}, {@code 010380},
 * {@code 1er mars}…), the NIR or any 6 consecutive characters of it, the member number, the e-mail's
 * local part — also reversed, ignoring case, accents and separators, and through the common
 * substitutions ({@code @}→a, {@code $}→s, {@code 0}→o, {@code 1}→i or l, {@code 3}→e).
 * Error code {@code PERSONAL_DATA} with the parameter {@code kind} (never the matched data itself).
 */
public final class PersonalDataRule implements Rule {

    public static final String ERROR_CODE = "PERSONAL_DATA";
    private static final int MIN_WORD = 3;

    /** kind → normalised tokens; letters are compared through substitutions, digits as typed. */
    private final Map<String, Set<String>> tokens = new LinkedHashMap<>();

    public PersonalDataRule(PasswordContext context) {
        words("lastName", context.lastName());
        words("firstName", context.firstName());
        words("email", context.emailLocalPart());
        if (context.memberNumber() != null) {
            add("memberNumber", fold(context.memberNumber()));
        }
        if (context.birthDate() != null) {
            birthDate(context.birthDate());
        }
        if (context.nir() != null) {
            String nir = context.nir().value().toLowerCase(Locale.ROOT);
            add("nir", nir);
            for (int i = 0; i + 6 <= nir.length(); i++) {
                add("nir", nir.substring(i, i + 6));
            }
        }
    }

    @Override
    public RuleResult validate(PasswordData data) {
        String folded = fold(data.getPassword().toString());
        List<String> forms = substitutions(folded);
        List<RuleResultDetail> failures = new ArrayList<>();
        for (var kind : tokens.entrySet()) {
            if (kind.getValue().stream().anyMatch(token -> contains(folded, forms, token))) {
                failures.add(new RuleResultDetail(ERROR_CODE, Map.of("kind", kind.getKey())));
            }
        }
        return failures.isEmpty() ? new SuccessRuleResult() : new FailureRuleResult(failures);
    }

    private static boolean contains(String folded, List<String> forms, String token) {
        String reversed = new StringBuilder(token).reverse().toString();
        if (token.chars().anyMatch(Character::isDigit)) {
            return folded.contains(token) || folded.contains(reversed);
        }
        return forms.stream().anyMatch(f -> f.contains(token) || f.contains(reversed));
    }

    private void words(String kind, String value) {
        if (value == null) {
            return;
        }
        String whole = fold(value);
        if (whole.length() >= MIN_WORD) {
            add(kind, whole);
        }
        // Split on separators before folding, so "Lefèvre" stays one word.
        for (String part : Normalizer.normalize(value, Normalizer.Form.NFC).split("[^\\p{L}\\p{M}\\p{N}]+")) {
            String p = fold(part);
            if (p.length() >= MIN_WORD) {
                add(kind, p);
            }
        }
    }

    private void birthDate(LocalDate date) {
        String d = two(date.getDayOfMonth());
        String m = two(date.getMonthValue());
        String y = String.valueOf(date.getYear());
        String yy = y.substring(2);
        for (String form : List.of(d + m + y, y + m + d, d + m + yy, yy + m + d, m + d + y, d + m, m + y)) {
            add("birthDate", form);
        }
        for (Locale locale : List.of(Locale.FRENCH, Locale.ENGLISH)) {
            String month = fold(date.getMonth().getDisplayName(TextStyle.FULL, locale));
            String day = String.valueOf(date.getDayOfMonth());
            List<String> days = date.getDayOfMonth() == 1 ? List.of("1er", "01", "1") : List.of(day, d);
            for (String dd : days) {
                add("birthDate", dd + month);
            }
            add("birthDate", month + y);
            add("birthDate", month + yy);
        }
    }

    private void add(String kind, String token) {
        if (!token.isEmpty()) {
            tokens.computeIfAbsent(kind, k -> new LinkedHashSet<>()).add(token);
        }
    }

    /** Lower case, no accents, {@code @}→a and {@code $}→s, nothing but letters and digits. */
    static String fold(String s) {
        String decomposed = Normalizer.normalize(s, Normalizer.Form.NFKD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT)
                .replace("œ", "oe").replace("æ", "ae").replace('@', 'a').replace('$', 's');
        return decomposed.replaceAll("[^\\p{L}\\p{N}]", "");
    }

    /** The folded password read with digits as letters: 0→o, 3→e, and 1 as i or as l. */
    static List<String> substitutions(String folded) {
        String base = folded.replace('0', 'o').replace('3', 'e');
        return List.of(folded, base.replace('1', 'i'), base.replace('1', 'l'));
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : String.valueOf(n);
    }
}
