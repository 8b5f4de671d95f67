package fr.rempart.breach;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * {@code deploy/rempart generate-breach-data}: realistic synthetic data with valid NIRs, for the
 * tests, the benchmark and the demo — N members (the member import's CSV) and a breach list of M
 * rows with chosen shares of invalid rows, people who are not members, and identity mismatches
 * (a member's NIR with another birth day). Everything is derived from the row's number: memory
 * stays flat whatever N and M, and the same seed gives the same files.
 *
 * <p>Member {@code i} has a NIR unique to {@code i} (sex, year, month, département, commune and
 * order numbers are digits of {@code i} in a mixed radix; orders 001–899), so non-members get
 * orders 900–999 and can never collide with a member.
 */
public final class SyntheticData {

    private static final String[] LAST = {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
            "Simon", "Laurent", "Lefèvre", "Michel", "García", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
            "André", "Lefèvre-Dupont", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martínez", "N'Diaye", "Le Gall", "Ngô"};
    private static final String[] WOMEN = {"Marie", "Camille", "Léa", "Manon", "Chloé", "Inès", "Jeanne", "Hélène", "Awa", "Zoé", "Noémie",
            "Émilie", "Sophie", "Anaïs", "Françoise", "Maëlys"};
    private static final String[] MEN = {"Jean", "Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Noé", "Théo", "Mohamed", "Paul", "Raphaël",
            "François", "Jérôme", "Loïc", "Anaël", "Mathéo"};

    /** One member, entirely from its number. */
    public record Person(String memberNumber, String nir, String lastName, String firstName, LocalDate birthDate, char sex) {
    }

    private SyntheticData() {
    }

    public static Person member(long i) {
        return person(i, 1 + (int) (i % 899), "M" + String.format("%09d", i));
    }

    /** Someone who is not a member: the same shape, an order number no member has. */
    public static Person stranger(long i) {
        return person(i, 900 + (int) (i % 100), null);
    }

    private static Person person(long i, int order, String number) {
        long rest = i / 899;
        int sexDigit = 1 + (int) (rest % 2);
        rest /= 2;
        int month = 1 + (int) (rest % 12);
        rest /= 12;
        int year = 1930 + (int) (rest % 79);
        rest /= 79;
        int departement = 1 + (int) (rest % 94);
        departement = departement < 20 ? departement : departement + 1; // 20 is not a département any more (2A, 2B)
        rest /= 94;
        int commune = 1 + (int) (rest % 999);
        String first13 = sexDigit + String.format("%02d%02d%02d%03d%03d", year % 100, month, departement, commune, order);
        String nir = first13 + String.format("%02d", 97 - Long.parseLong(first13) % 97);
        SplittableRandom random = new SplittableRandom(i * 31 + order);
        LocalDate birth = LocalDate.of(year, month, 1 + random.nextInt(LocalDate.of(year, month, 1).lengthOfMonth()));
        String[] firsts = sexDigit == 1 ? MEN : WOMEN;
        return new Person(number, nir, LAST[random.nextInt(LAST.length)], firsts[random.nextInt(firsts.length)], birth, sexDigit == 1 ? 'M' : 'F');
    }

    /**
     * The members' CSV, as {@code POST /api/v1/member-imports} takes it. Input for Rempart's own
     * readers, not an export for people, so not {@code CsvExport}: the benchmark writes it in chunks
     * it concatenates, where a byte order mark per chunk would land inside the data.
     */
    public static void writeMembers(long count, Writer out) throws IOException {
        out.write("member_number;nir;nom;prenom;date_naissance;sexe;courriel\n");
        for (long i = 0; i < count; i++) {
            Person p = member(i);
            out.write(p.memberNumber() + ";" + p.nir() + ";" + p.lastName() + ";" + p.firstName() + ";" + p.birthDate() + ";" + p.sex() + ";"
                    + p.memberNumber().toLowerCase(java.util.Locale.ROOT) + "@example.org\n");
        }
    }

    /**
     * The breach list: {@code rows} rows, of which the given shares are invalid, strangers and
     * mismatches; the others are distinct members picked with a stride prime to {@code members}.
     */
    public static void writeBreachList(long members, long rows, double invalidShare, double strangerShare, double mismatchShare, long seed,
                                       Writer out) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long stride = stride(members);
        long picked = 0;
        out.write("nir;nom;prenom;date_naissance;sexe\n");
        for (long k = 0; k < rows; k++) {
            double roll = random.nextDouble();
            if (roll < invalidShare) {
                Person p = stranger(k);
                switch ((int) (k % 3)) {
                    case 0 -> out.write(p.nir().substring(0, 13) + (p.nir().endsWith("00") ? "01" : "00") + ";" + row(p, p.birthDate(), p.sex()));
                    case 1 -> out.write(p.nir() + ";" + row(p, LocalDate.now().plusYears(1), p.sex()));
                    default -> out.write(p.nir() + ";" + row(p, p.birthDate(), 'X'));
                }
            } else if (roll < invalidShare + strangerShare) {
                Person p = stranger(k + 1_000_000_000L);
                out.write(p.nir() + ";" + row(p, p.birthDate(), p.sex()));
            } else {
                Person p = member((picked++ * stride) % members);
                boolean mismatch = roll < invalidShare + strangerShare + mismatchShare;
                LocalDate birth = mismatch ? p.birthDate().withDayOfMonth(p.birthDate().getDayOfMonth() == 1 ? 2 : 1) : p.birthDate();
                out.write(p.nir() + ";" + row(p, birth, p.sex()));
            }
        }
    }

    private static String row(Person p, LocalDate birth, char sex) {
        return p.lastName() + ";" + p.firstName() + ";" + String.format("%02d/%02d/%04d", birth.getDayOfMonth(), birth.getMonthValue(),
                birth.getYear()) + ";" + sex + "\n";
    }

    /** A step through 0..n-1 that visits every member once before any twice. */
    static long stride(long n) {
        long s = Math.max(1, (long) (n * 0.6180339887) | 1);
        while (gcd(s, n) != 1) {
            s += 2;
        }
        return s % Math.max(1, n);
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** {@code members rows outDir [invalid strangers mismatches seed]}. */
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: generate-breach-data <members> <breach-list-rows> <out-dir> [invalid=0.02] [strangers=0.05] [mismatches=0.01] [seed=42]");
            System.exit(2);
        }
        long members = Long.parseLong(args[0]);
        long rows = Long.parseLong(args[1]);
        Path dir = Path.of(args[2]);
        double invalid = args.length > 3 ? Double.parseDouble(args[3]) : 0.02;
        double strangers = args.length > 4 ? Double.parseDouble(args[4]) : 0.05;
        double mismatches = args.length > 5 ? Double.parseDouble(args[5]) : 0.01;
        long seed = args.length > 6 ? Long.parseLong(args[6]) : 42;
        try {
            Files.createDirectories(dir);
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("members.csv"), StandardCharsets.UTF_8)) {
                writeMembers(members, out);
            }
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("breach-list.csv"), StandardCharsets.UTF_8)) {
                writeBreachList(members, rows, invalid, strangers, mismatches, seed, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("Wrote " + dir.resolve("members.csv") + " (" + members + " members) and " + dir.resolve("breach-list.csv") + " (" + rows
                + " rows)");
    }
}
