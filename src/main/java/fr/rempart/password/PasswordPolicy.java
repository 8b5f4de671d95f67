package fr.rempart.password;

import fr.rempart.password.corpus.PwnedPasswords;
import fr.rempart.password.policy.AzertySequenceData;
import fr.rempart.password.policy.BreachedPasswordRule;
import fr.rempart.password.policy.CommonPasswordRule;
import fr.rempart.password.policy.GuessabilityRule;
import fr.rempart.password.policy.HistoryRule;
import fr.rempart.password.policy.PasswordContext;
import fr.rempart.password.policy.PersonalDataRule;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.web.Messages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.passay.DefaultPasswordValidator;
import org.passay.PasswordData;
import org.passay.RuleResultDetail;
import org.passay.ValidationResult;
import org.passay.data.EnglishCharacterData;
import org.passay.data.EnglishSequenceData;
import org.passay.dictionary.ArrayWordList;
import org.passay.dictionary.WordListDictionary;
import org.passay.dictionary.sort.ArraysSort;
import org.passay.rule.CharacterCharacteristicsRule;
import org.passay.rule.CharacterRule;
import org.passay.rule.DictionaryRule;
import org.passay.rule.IllegalSequenceRule;
import org.passay.rule.LengthRule;
import org.passay.rule.RepeatCharactersRule;
import org.passay.rule.Rule;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The password policy, as Passay rules (NIST SP 800-63B rev. 4 by default): length 15–128 code
 * points after NFKC (12 with a second factor), never truncated; no composition rules unless the
 * {@code cnil} profile is chosen; no alphabetical, numerical, QWERTY or AZERTY run of 5; no run of
 * 4 identical characters; not a common French or English word or password, nor containing one of
 * the most common passwords; none of the member's data; not one of their last passwords; not in
 * the breached corpus; and enough estimated guesses. Every broken rule is reported, each with its
 * code and a message in the member's language.
 */
@ApplicationScoped
public class PasswordPolicy {

    /** A broken rule: its code and what to tell the member. */
    public record Violation(String code, String message) {
    }

    /** The verdict: acceptable or not, every broken rule, and the estimated guesses (log10). */
    public record Verdict(boolean acceptable, List<Violation> violations, double estimatedGuessesLog10) {
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

    private int minLength;
    private int minLengthWithSecondFactor;
    private int maxLength;
    private boolean cnil;
    private double floorLog10;
    private PwnedPasswords corpus;
    private PasswordHistory history;
    private List<Rule> fixedRules;

    protected PasswordPolicy() {
    }

    @Inject
    public PasswordPolicy(Settings settings, PwnedPasswords corpus, PasswordHistory history) {
        this.cnil = "cnil".equalsIgnoreCase(settings.passwordProfile());
        this.minLength = cnil ? Math.min(12, settings.passwordMinLength()) : settings.passwordMinLength();
        this.minLengthWithSecondFactor = Math.min(minLength, settings.passwordMinLengthWithSecondFactor());
        this.maxLength = settings.passwordMaxLength();
        this.floorLog10 = settings.passwordMinGuessesLog10();
        this.corpus = corpus;
        this.history = history;
        this.fixedRules = fixedRules(cnil);
    }

    public Verdict check(String password, PasswordContext context, Locale locale) {
        String raw = password == null ? "" : password;
        List<Violation> violations = new ArrayList<>();
        // Cheap refusals first: nothing expensive ever runs on absurd input.
        if (raw.isEmpty()) {
            violations.add(violation("REQUIRED", Map.of(), locale));
            return new Verdict(false, violations, 0);
        }
        if (raw.length() > 4 * maxLength) {
            violations.add(violation(LengthRule.ERROR_CODE_MAX, Map.of("maximumLength", maxLength), locale));
            return new Verdict(false, violations, 0);
        }
        if (hasUnpairedSurrogate(raw)) {
            violations.add(violation("INVALID_UNICODE", Map.of(), locale));
            return new Verdict(false, violations, 0);
        }
        if (raw.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL)) {
            violations.add(violation("CONTROL_CHARACTER", Map.of(), locale));
        }
        String normalised = Normalizer.normalize(raw, Normalizer.Form.NFKC);
        if (normalised.isBlank()) {
            violations.add(violation("BLANK", Map.of(), locale));
        }
        double estimate = GuessabilityRule.guessesLog10(normalised);
        List<Rule> rules = new ArrayList<>();
        rules.add(new LengthRule(context.secondFactor() ? minLengthWithSecondFactor : minLength, maxLength));
        rules.addAll(fixedRules);
        rules.add(new PersonalDataRule(context));
        rules.add(new HistoryRule(context.historyMacs(), history::mac));
        rules.add(new BreachedPasswordRule(corpus));
        rules.add(new GuessabilityRule(floorLog10, estimate));
        ValidationResult result = new DefaultPasswordValidator(rules).validate(new PasswordData(normalised));
        Set<String> seen = new LinkedHashSet<>();
        for (RuleResultDetail detail : result.getDetails()) {
            String key = detail.getErrorCode() + detail.getParameters().getOrDefault("kind", "");
            if (seen.add(key)) {
                violations.add(violation(detail.getErrorCode(), detail.getParameters(), locale));
            }
        }
        // The breached corpus also answers for the password exactly as typed, as HIBP hashed it.
        if (!raw.equals(normalised) && seen.stream().noneMatch(k -> k.startsWith(BreachedPasswordRule.ERROR_CODE)) && corpus.occurrences(raw) > 0) {
            violations.add(violation(BreachedPasswordRule.ERROR_CODE, Map.of("count", corpus.occurrences(raw)), locale));
        }
        return new Verdict(violations.isEmpty(), List.copyOf(violations), Math.round(estimate * 10) / 10.0);
    }

    public int minLength(PasswordContext context) {
        return context.secondFactor() ? minLengthWithSecondFactor : minLength;
    }

    public int maxLength() {
        return maxLength;
    }

    private Violation violation(String code, Map<String, Object> parameters, Locale locale) {
        String key = "password.rule." + code + (parameters.containsKey("kind") ? "." + parameters.get("kind") : "");
        String pattern = Messages.get(locale, key);
        Matcher m = PLACEHOLDER.matcher(pattern);
        StringBuilder message = new StringBuilder();
        while (m.find()) {
            Object value = switch (m.group(1)) {
                case "min" -> minLength;
                case "max" -> maxLength;
                default -> parameters.getOrDefault(m.group(1), "");
            };
            m.appendReplacement(message, Matcher.quoteReplacement(String.valueOf(value)));
        }
        m.appendTail(message);
        return new Violation(code, message.toString());
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static List<Rule> fixedRules(boolean cnil) {
        List<Rule> rules = new ArrayList<>();
        if (cnil) {
            rules.add(new CnilCompositionRule());
        }
        rules.add(new IllegalSequenceRule(EnglishSequenceData.Alphabetical, 5, false));
        rules.add(new IllegalSequenceRule(EnglishSequenceData.Numerical, 5, false));
        rules.add(new IllegalSequenceRule(EnglishSequenceData.USQwerty, 5, false));
        rules.add(new IllegalSequenceRule(AzertySequenceData.ROWS, 5, false));
        rules.add(new RepeatCharactersRule(4, 1));
        rules.add(new DictionaryRule(Dictionaries.WHOLE));
        rules.add(new CommonPasswordRule(Dictionaries.COMMON_PASSWORDS));
        return List.copyOf(rules);
    }

    /**
     * CNIL deliberation 2022-100, for a password used alone: 12 characters of the 4 kinds, or 14 of
     * 3 kinds (lower case, upper case, digits, special characters).
     */
    static final class CnilCompositionRule implements Rule {
        private static final CharacterRule[] KINDS = {new CharacterRule(EnglishCharacterData.LowerCase, 1),
                new CharacterRule(EnglishCharacterData.UpperCase, 1), new CharacterRule(EnglishCharacterData.Digit, 1),
                new CharacterRule(EnglishCharacterData.Special, 1)};

        @Override
        public org.passay.RuleResult validate(PasswordData data) {
            int kinds = data.getPassword().codePointCount() >= 14 ? 3 : 4;
            return new CharacterCharacteristicsRule(kinds, KINDS).validate(data);
        }
    }

    /** The word lists, loaded once. */
    static final class Dictionaries {
        /** Refused as the whole password: common passwords, English and French words. */
        static final WordListDictionary WHOLE = dictionary(load("dictionaries/passwords.txt", 1, Integer.MAX_VALUE),
                load("dictionaries/english.txt", 3, Integer.MAX_VALUE), load("dictionaries/french-common-words.txt", 3, Integer.MAX_VALUE));
        /** Refused anywhere inside: the 1,000 most common passwords of 8 characters or more ("motdepasse", "azertyuiop"). */
        static final List<String> COMMON_PASSWORDS = load("dictionaries/passwords.txt", 8, 1000);

        @SafeVarargs
        private static WordListDictionary dictionary(List<String>... lists) {
            Set<String> words = new LinkedHashSet<>();
            for (List<String> list : lists) {
                words.addAll(list);
            }
            return new WordListDictionary(new ArrayWordList(words.toArray(String[]::new), false, new ArraysSort()));
        }

        /** Lower-cased words of at least {@code minLength} characters, the first {@code limit} of them. */
        private static List<String> load(String resource, int minLength, int limit) {
            List<String> words = new ArrayList<>();
            try (InputStream in = PasswordPolicy.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("Missing word list " + resource);
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                while ((line = reader.readLine()) != null && words.size() < limit) {
                    String word = line.strip().toLowerCase(Locale.ROOT);
                    if (!word.isEmpty() && !word.startsWith("#") && word.length() >= minLength) {
                        words.add(word);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return words;
        }
    }
}
