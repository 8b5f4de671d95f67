package fr.rempart.bench;

import fr.rempart.member.Nir;
import fr.rempart.password.PasswordHistory;
import fr.rempart.password.PasswordPolicy;
import fr.rempart.password.corpus.PwnedPasswords;
import fr.rempart.password.corpus.PwnedStore;
import fr.rempart.password.policy.BreachedPasswordRule;
import fr.rempart.password.policy.GuessabilityRule;
import fr.rempart.password.policy.HistoryRule;
import fr.rempart.password.policy.PasswordContext;
import fr.rempart.password.policy.PersonalDataRule;
import fr.rempart.testing.TestDatabase;
import org.passay.PasswordData;
import org.passay.rule.DictionaryRule;
import org.passay.rule.DictionarySubstringRule;
import org.passay.rule.LengthRule;
import org.passay.rule.Rule;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The full password check, {@link PasswordPolicy#check}, timed one call at a time over a mix of
 * candidates for a member with a complete context (names, birth date, NIR, member number, e-mail,
 * five history MACs), against a breached-password store given on the command line; then the same
 * candidates again, each rule family timed on its own, so that the share of nbvcxz's estimate shows.
 *
 * <p>{@code java … PasswordPolicyBench <store>}; system properties {@code bench.warmup} (seconds, 30),
 * {@code bench.rounds} (5), {@code bench.checks} (checks per round, 10,000), {@code bench.pool} (distinct
 * candidates, 10,000), {@code bench.seed} (42).
 */
public final class PasswordPolicyBench {

    /** The kinds of candidate, with their share of the mix (per cent). */
    enum Kind {
        PASSPHRASE(40, "accepted-style passphrases, 4–5 words (20–45 chars)"),
        WEAK(25, "weak: common passwords, with or without digits/suffix"),
        PERSONAL(20, "containing the member's data (name, birth date, NIR, number, e-mail), some through substitutions"),
        LONG_128(10, "128 code points of words (the maximum length)"),
        HISTORY(5, "one of the member's last 5 passwords");

        final int share;
        final String description;

        Kind(int share, String description) {
            this.share = share;
            this.description = description;
        }
    }

    record Candidate(Kind kind, String password) {
    }

    /** The rule families timed one by one. */
    enum Family {
        INPUT("NFKC normalisation and input checks"),
        NBVCXZ("nbvcxz guess estimate (GuessabilityRule.guessesLog10)"),
        SHAPE("Passay length, 4 sequence rules, repeats"),
        DICT_WHOLE("Passay DictionaryRule: the whole password among the common passwords, English and French words"),
        DICT_SUBSTRING("Passay DictionarySubstringRule: any substring among the 1,000 most common passwords"),
        PERSONAL("PersonalDataRule (built from the context, then validated)"),
        HISTORY("HistoryRule (one HMAC-SHA256, 5 constant-time compares)"),
        BREACHED("BreachedPasswordRule (SHA-1 + store lookup; as typed too when NFKC changed it)");

        final String description;

        Family(String description) {
            this.description = description;
        }
    }

    private static volatile long sink;

    public static void main(String[] args) throws Exception {
        Path storePath = Path.of(args.length > 0 ? args[0] : "target/classes/pwned/default-corpus.bin");
        int warmupSeconds = Integer.getInteger("bench.warmup", 30);
        int rounds = Integer.getInteger("bench.rounds", 5);
        int checks = Integer.getInteger("bench.checks", 10_000);
        int poolSize = Integer.getInteger("bench.pool", 10_000);
        long seed = Long.getLong("bench.seed", 42);

        try (TestDatabase db = new TestDatabase(); PwnedStore store = PwnedStore.open(storePath)) {
            PwnedPasswords corpus = PwnedPasswords.serving(store);
            PasswordHistory history = new PasswordHistory(db.jdbc, db.keys, db.settings, java.time.Clock.systemUTC());
            PasswordPolicy policy = new PasswordPolicy(db.settings, corpus, history);
            Random random = new Random(seed);
            List<String> words = words();
            List<String> previous = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                previous.add(passphrase(words, random, 4));
            }
            List<String> macs = previous.stream().map(history::mac).toList();
            String nir13 = "2800375108123";
            PasswordContext context = new PasswordContext("Lefèvre-Dupont", "Hélène", LocalDate.of(1980, 3, 1),
                    Nir.parse(nir13 + String.format("%02d", 97 - Long.parseLong(nir13) % 97)), "10000001", "helene.lefevre", false, macs);
            List<Candidate> pool = candidates(poolSize, words, previous, random);

            System.out.printf("Breached-password store: %s, %,d hashes%n", storePath, store.size());
            System.out.printf("Candidate pool: %,d distinct passwords, shuffled; mix:%n", pool.size());
            for (Kind k : Kind.values()) {
                System.out.printf("  %3d %%  %-10s %s%n", k.share, k, k.description);
            }
            System.out.println("Examples: " + pool.stream().limit(6).map(c -> "\"" + c.password() + "\"").toList());

            // Warm-up: the JIT compiles the hot paths of all the rules on the same mix.
            long until = System.nanoTime() + warmupSeconds * 1_000_000_000L;
            int done = 0;
            Map<Kind, int[]> acceptedByKind = new EnumMap<>(Kind.class);
            while (System.nanoTime() < until || done < pool.size()) {
                Candidate c = pool.get(done++ % pool.size());
                PasswordPolicy.Verdict v = policy.check(c.password(), context, Locale.FRENCH);
                int[] counts = acceptedByKind.computeIfAbsent(c.kind(), k -> new int[2]);
                if (done <= pool.size()) {
                    counts[v.acceptable() ? 0 : 1]++;
                }
                sink += v.violations().size();
            }
            System.out.printf("Warm-up: %d s, %,d checks. Verdicts over the pool (accepted/refused): %s%n", warmupSeconds, done,
                    acceptedByKind.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0] + "/" + e.getValue()[1]).toList());

            // 1. The full check, one call timed at a time.
            LatencyStats.Samples all = new LatencyStats.Samples(rounds * checks);
            Map<Kind, LatencyStats.Samples> byKind = new EnumMap<>(Kind.class);
            for (Kind k : Kind.values()) {
                byKind.put(k, new LatencyStats.Samples(rounds * checks));
            }
            int next = 0;
            System.out.println();
            System.out.println("== Full check, PasswordPolicy.check (all rules), per call ==");
            for (int r = 1; r <= rounds; r++) {
                LatencyStats.Samples round = new LatencyStats.Samples(checks);
                LatencyStats.Cpu start = LatencyStats.Cpu.now();
                for (int i = 0; i < checks; i++) {
                    Candidate c = pool.get(next++ % pool.size());
                    long t0 = System.nanoTime();
                    PasswordPolicy.Verdict v = policy.check(c.password(), context, Locale.FRENCH);
                    long t1 = System.nanoTime();
                    sink += v.violations().size();
                    round.add(t1 - t0);
                    byKind.get(c.kind()).add(t1 - t0);
                }
                LatencyStats.Cpu end = LatencyStats.Cpu.now();
                System.out.printf("round %d: %s  [%s]%n", r, round.describe(), start.until(end));
                all.addAll(round);
            }
            System.out.println("ALL rounds: " + all.describe());
            for (Kind k : Kind.values()) {
                System.out.printf("  %-10s %s%n", k, byKind.get(k).describe());
            }

            // 2. Rule families one by one, on the same candidates.
            List<Rule> fixed = fixedRules(policy);
            List<Rule> shape = new ArrayList<>(List.of(new LengthRule(policy.minLength(context), policy.maxLength())));
            List<Rule> whole = new ArrayList<>();
            List<Rule> substrings = new ArrayList<>();
            for (Rule rule : fixed) {
                (rule instanceof DictionaryRule ? whole : rule instanceof DictionarySubstringRule ? substrings : shape).add(rule);
            }
            Map<Family, LatencyStats.Samples> families = new EnumMap<>(Family.class);
            Map<Kind, Map<Family, LatencyStats.Samples>> familiesByKind = new EnumMap<>(Kind.class);
            for (Family f : Family.values()) {
                families.put(f, new LatencyStats.Samples(rounds * checks));
            }
            for (Kind k : Kind.values()) {
                Map<Family, LatencyStats.Samples> m = new EnumMap<>(Family.class);
                for (Family f : Family.values()) {
                    m.put(f, new LatencyStats.Samples(checks));
                }
                familiesByKind.put(k, m);
            }
            LatencyStats.Samples allButNbvcxz = new LatencyStats.Samples(rounds * checks);
            Map<Kind, LatencyStats.Samples> allButNbvcxzByKind = new EnumMap<>(Kind.class);
            for (Kind k : Kind.values()) {
                allButNbvcxzByKind.put(k, new LatencyStats.Samples(checks));
            }
            // For comparison only (not part of the policy): the same 1,000 words looked for with String.contains.
            List<String> commonWords = commonPasswordWords();
            LatencyStats.Samples containsSketch = new LatencyStats.Samples(rounds * checks);
            LatencyStats.Samples containsSketchLong = new LatencyStats.Samples(checks);
            long sketchDisagrees = 0;
            long[] t = new long[Family.values().length + 1];
            LatencyStats.Cpu start = LatencyStats.Cpu.now();
            for (int i = 0; i < rounds * checks; i++) {
                Candidate c = pool.get(next++ % pool.size());
                String raw = c.password();
                t[0] = System.nanoTime();
                boolean control = raw.codePoints().anyMatch(cp -> Character.getType(cp) == Character.CONTROL);
                String normalised = Normalizer.normalize(raw, Normalizer.Form.NFKC);
                boolean blank = normalised.isBlank();
                PasswordData data = new PasswordData(normalised);
                t[1] = System.nanoTime();
                double estimate = GuessabilityRule.guessesLog10(normalised);
                t[2] = System.nanoTime();
                int broken = 0;
                for (Rule rule : shape) {
                    broken += rule.validate(data).isValid() ? 0 : 1;
                }
                t[3] = System.nanoTime();
                for (Rule rule : whole) {
                    broken += rule.validate(data).isValid() ? 0 : 1;
                }
                t[4] = System.nanoTime();
                for (Rule rule : substrings) {
                    broken += rule.validate(data).isValid() ? 0 : 1;
                }
                t[5] = System.nanoTime();
                broken += new PersonalDataRule(context).validate(data).isValid() ? 0 : 1;
                t[6] = System.nanoTime();
                broken += new HistoryRule(context.historyMacs(), history::mac).validate(data).isValid() ? 0 : 1;
                t[7] = System.nanoTime();
                boolean breached = !new BreachedPasswordRule(corpus).validate(data).isValid();
                if (!breached && !raw.equals(normalised)) {
                    breached = corpus.occurrences(raw) > 0;
                }
                t[8] = System.nanoTime();
                String lower = normalised.toLowerCase(Locale.ROOT);
                boolean found = false;
                for (String w : commonWords) {
                    if (lower.contains(w)) {
                        found = true;
                        break;
                    }
                }
                long t9 = System.nanoTime();
                containsSketch.add(t9 - t[8]);
                if (c.kind() == Kind.LONG_128) {
                    containsSketchLong.add(t9 - t[8]);
                }
                if (i < pool.size()) {  // the verdicts compared once over the pool, untimed
                    boolean passayFound = false;
                    for (Rule rule : substrings) {
                        passayFound |= !rule.validate(data).isValid();
                    }
                    sketchDisagrees += found != passayFound ? 1 : 0;
                }
                sink += broken + (breached ? 1 : 0) + (control ? 1 : 0) + (blank ? 1 : 0) + (long) estimate;
                long rest = 0;
                for (Family f : Family.values()) {
                    long d = t[f.ordinal() + 1] - t[f.ordinal()];
                    families.get(f).add(d);
                    familiesByKind.get(c.kind()).get(f).add(d);
                    if (f != Family.NBVCXZ) {
                        rest += d;
                    }
                }
                allButNbvcxz.add(rest);
                allButNbvcxzByKind.get(c.kind()).add(rest);
            }
            LatencyStats.Cpu end = LatencyStats.Cpu.now();
            System.out.println();
            System.out.printf("== Rule families timed one by one (%,d candidates, same mix) [%s] ==%n", rounds * checks, start.until(end));
            for (Family f : Family.values()) {
                System.out.printf("  %-13s %s%n    (%s)%n", f, families.get(f).describe(), f.description);
            }
            System.out.printf("  %-13s %s%n", "ALL-BUT-NBVCXZ", allButNbvcxz.describe());
            System.out.printf("  for comparison, not in the policy: the same %,d common passwords sought with String.contains in the lower-cased password:%n"
                    + "    all %s%n    LONG_128 %s%n    (verdict differs from DictionarySubstringRule's on %,d of %,d candidates:"
                    + " the rule skips the whole password, which DictionaryRule checks)%n",
                    commonWords.size(), containsSketch.describe(), containsSketchLong.describe(), sketchDisagrees, Math.min(pool.size(), rounds * checks));
            System.out.println("  each family by kind of candidate:");
            for (Family f : Family.values()) {
                System.out.println("    " + f + ":");
                for (Kind k : Kind.values()) {
                    System.out.printf("      %-10s %s%n", k, familiesByKind.get(k).get(f).describe());
                }
            }
            System.out.println("  everything but nbvcxz, by kind of candidate:");
            for (Kind k : Kind.values()) {
                System.out.printf("    %-10s %s%n", k, allButNbvcxzByKind.get(k).describe());
            }
            System.out.println("(sink " + (sink & 1) + ")");
        }
    }

    /** The policy's own fixed Passay rules (sequences, repeats, dictionaries), the very instances it uses. */
    @SuppressWarnings("unchecked")
    private static List<Rule> fixedRules(PasswordPolicy policy) throws ReflectiveOperationException {
        Field field = PasswordPolicy.class.getDeclaredField("fixedRules");
        field.setAccessible(true);
        return (List<Rule>) field.get(policy);
    }

    /** The policy's list of common passwords sought as substrings (PasswordPolicy.Dictionaries.COMMON_PASSWORDS). */
    private static List<String> commonPasswordWords() throws ReflectiveOperationException {
        Field field = Class.forName("fr.rempart.password.PasswordPolicy$Dictionaries").getDeclaredField("COMMON_PASSWORDS");
        field.setAccessible(true);
        org.passay.dictionary.WordList list = ((org.passay.dictionary.WordListDictionary) field.get(null)).getWordList();
        List<String> words = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            words.add(list.get(i).toLowerCase(Locale.ROOT));
        }
        return words;
    }

    /** French words of 4 to 10 letters, past the 1,000 most common (a passphrase of the most common words is weak). */
    private static List<String> words() throws Exception {
        List<String> words = new ArrayList<>();
        try (InputStream in = PasswordPolicyBench.class.getClassLoader().getResourceAsStream("dictionaries/french-common-words.txt")) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int n = 0;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                n++;
                String w = line.strip();
                if (n > 1000 && w.length() >= 4 && w.length() <= 10 && w.chars().allMatch(Character::isLetter)) {
                    words.add(w);
                }
            }
        }
        return words;
    }

    private static List<String> commonPasswords() throws Exception {
        List<String> common = new ArrayList<>();
        try (InputStream in = PasswordPolicyBench.class.getClassLoader().getResourceAsStream("dictionaries/passwords.txt")) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null && common.size() < 5000) {
                if (!line.isBlank()) {
                    common.add(line.strip());
                }
            }
        }
        return common;
    }

    private static String passphrase(List<String> words, Random random, int count) {
        String[] separators = {" ", " ", "-", ".", "_"};
        String separator = separators[random.nextInt(separators.length)];
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                b.append(separator);
            }
            String w = words.get(random.nextInt(words.size()));
            b.append(random.nextInt(5) == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
        }
        if (random.nextInt(3) == 0) {
            b.append(separator).append(random.nextInt(100));
        }
        return b.toString();
    }

    private static List<Candidate> candidates(int size, List<String> words, List<String> previous, Random random) throws Exception {
        List<String> common = commonPasswords();
        String[] suffixes = {"", "", "123", "2024", "!", "1", "!!", "2025!", "01"};
        List<Supplier<String>> personal = List.of(
                () -> "Lefevre-Dupont " + words.get(random.nextInt(words.size())) + " " + words.get(random.nextInt(words.size())),
                () -> "la " + words.get(random.nextInt(words.size())) + " d'HELENE au matin",
                () -> words.get(random.nextInt(words.size())) + " le 01031980 " + words.get(random.nextInt(words.size())),
                () -> "ma fete le 1980-03-01 " + words.get(random.nextInt(words.size())),
                () -> "l3f3vr3 " + words.get(random.nextInt(words.size())) + " au soleil",
                () -> "h3l3n3.l3f3vr3 " + words.get(random.nextInt(words.size())),
                () -> "mon code 751081 " + words.get(random.nextInt(words.size())) + " secret",
                () -> "adherent 10000001 " + words.get(random.nextInt(words.size())),
                () -> words.get(random.nextInt(words.size())) + " 1er mars " + words.get(random.nextInt(words.size())),
                () -> "Helene" + random.nextInt(100) + "!" + words.get(random.nextInt(words.size())));
        List<Candidate> pool = new ArrayList<>(size);
        for (Kind kind : Kind.values()) {
            int n = size * kind.share / 100;
            for (int i = 0; i < n; i++) {
                String password = switch (kind) {
                    case PASSPHRASE -> passphrase(words, random, 4 + random.nextInt(2));
                    case WEAK -> {
                        String p = common.get(random.nextInt(common.size()));
                        if (random.nextBoolean()) {
                            p = Character.toUpperCase(p.charAt(0)) + p.substring(1);
                        }
                        yield p + suffixes[random.nextInt(suffixes.length)];
                    }
                    case PERSONAL -> personal.get(random.nextInt(personal.size())).get();
                    case LONG_128 -> {
                        StringBuilder b = new StringBuilder();
                        while (b.codePointCount(0, b.length()) < 128) {
                            b.append(words.get(random.nextInt(words.size()))).append(' ');
                        }
                        yield b.substring(0, b.offsetByCodePoints(0, 128));
                    }
                    case HISTORY -> previous.get(random.nextInt(previous.size()));
                };
                pool.add(new Candidate(kind, password));
            }
        }
        Collections.shuffle(pool, random);
        return pool;
    }
}
