package fr.rempart.bench;

import fr.rempart.notify.LetterRenderer;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@link LetterRenderer} at print-shop scale: postal breach notices of realistic size (a ~3,500-character
 * French body, five address lines) rendered in batches of 1,000 letters per PDF, each batch saved,
 * fsynced and renamed as in production; a warm-up round, then timed rounds. Reports pages and
 * letters per second, the PDF size per page, and the heap: what a full batch holds before it is
 * saved (after a GC), and the peak of the heap pools during the rounds (garbage included).
 *
 * <p>System properties: {@code bench.letters} (per round, 5,000), {@code bench.batch} (1,000),
 * {@code bench.rounds} (5), {@code bench.seed} (42). Results: target/bench/letters-results.txt.
 */
public final class LetterBench {

    private static final String[] FIRST = {"Élodie", "Jean", "Hélène", "François", "Chloé", "Loïc", "Nathalie", "Jérôme", "Maëlle", "Thomas"};
    private static final String[] LAST = {"Lefèvre-Dupré", "Martin", "Bernard", "Ducœur", "Moreau", "Girard", "Rousseau", "Mercier"};
    private static final String[] STREET = {"avenue des Châtaigniers", "rue de la République", "boulevard Gambetta", "chemin des Écoliers"};
    private static final String[] CITY = {"69003 LYON", "13001 MARSEILLE", "31000 TOULOUSE", "59800 LILLE", "44000 NANTES"};
    private static final String CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private LetterBench() {
    }

    record Round(int letters, int pages, double seconds, long bytes, Machine.Window cpu) {
        double pagesPerSecond() {
            return pages / seconds;
        }

        double lettersPerSecond() {
            return letters / seconds;
        }

        double kibPerPage() {
            return bytes / 1024.0 / pages;
        }
    }

    public static void main(String[] args) throws IOException {
        int perRound = Bench.intSetting("bench.letters", 5_000);
        int batchSize = Bench.intSetting("bench.batch", 1_000);
        int rounds = Bench.intSetting("bench.rounds", 5);
        Path dir = Bench.work().resolve("letters");
        Files.createDirectories(dir);
        Path report = Bench.work().resolve("letters-results.txt");
        Files.deleteIfExists(report);
        Machine.describe().forEach(line -> Bench.report(report, line));

        // Built beforehand so that only rendering and writing are timed.
        List<LetterRenderer.Letter> letters = letters(batchSize, new Random(Long.getLong("bench.seed", 42)));
        Bench.report(report, String.format("letters: body %,d characters, %d address lines; %,d letters per round in batches of %,d; %d rounds after a warm-up round",
                letters.get(0).body().length(), letters.get(0).addressLines().size(), perRound, batchSize, rounds));

        Machine machine = Machine.watching(null);
        round(letters, perRound, batchSize, dir, machine);
        resetPeaks();
        long gcBefore = gcMillis();
        List<Round> results = new ArrayList<>();
        Bench.report(report, "");
        Bench.report(report, "| round | letters | pages | seconds | pages/s | letters/s | KiB/page | CPU s (bench) | CPU s (other programs) |");
        Bench.report(report, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int r = 1; r <= rounds; r++) {
            Round result = round(letters, perRound, batchSize, dir, machine);
            results.add(result);
            Bench.report(report, String.format("| %d | %,d | %,d | %.2f | %.0f | %.0f | %.2f | %.1f | %.1f |", r, result.letters(), result.pages(),
                    result.seconds(), result.pagesPerSecond(), result.lettersPerSecond(), result.kibPerPage(), result.cpu().bench(),
                    result.cpu().foreign()));
        }
        long peak = heapPeak();
        long gcDuring = gcMillis() - gcBefore;
        long held = heldByFullBatch(letters, batchSize, dir);

        double pagesPerSecond = Bench.median(results.stream().map(Round::pagesPerSecond).toList());
        double lettersPerSecond = Bench.median(results.stream().map(Round::lettersPerSecond).toList());
        double kibPerPage = Bench.median(results.stream().map(Round::kibPerPage).toList());
        double pagesPerLetter = (double) results.get(0).pages() / results.get(0).letters();
        Bench.report(report, "");
        Bench.report(report, "| measure | value |");
        Bench.report(report, "|---|---:|");
        Bench.report(report, String.format("| pages per second (median of %d rounds, one thread) | %.0f |", rounds, pagesPerSecond));
        Bench.report(report, String.format("| letters per second (median) | %.0f |", lettersPerSecond));
        Bench.report(report, String.format("| pages per letter | %.2f |", pagesPerLetter));
        Bench.report(report, String.format("| PDF size per page (font subset included) | %.2f KiB |", kibPerPage));
        Bench.report(report, String.format("| PDF size per batch of %,d letters | %.2f MiB |", batchSize, kibPerPage * pagesPerLetter * batchSize / 1024));
        Bench.report(report, String.format("| heap held by a full batch before save (after GC) | %.1f MiB |", Bench.mib(held)));
        Bench.report(report, String.format("| heap peak during the rounds (pool peaks, garbage included) | %.0f MiB of %.0f MiB max |",
                Bench.mib(peak), Bench.mib(Runtime.getRuntime().maxMemory())));
        Bench.report(report, String.format("| GC time during the rounds | %,d ms |", gcDuring));
        Bench.report(report, String.format("RESULT letters pagesPerSecond=%.0f lettersPerSecond=%.0f kibPerPage=%.2f heldMiB=%.1f peakMiB=%.0f",
                pagesPerSecond, lettersPerSecond, kibPerPage, Bench.mib(held), Bench.mib(peak)));
    }

    /** One round: batches rendered, saved and measured; the files are deleted outside the timed part. */
    private static Round round(List<LetterRenderer.Letter> letters, int count, int batchSize, Path dir, Machine machine) throws IOException {
        long nanos = 0;
        long bytes = 0;
        int pages = 0;
        Machine.Sample start = machine.sample();
        for (int done = 0; done < count; done += batchSize) {
            long t0 = System.nanoTime();
            LetterRenderer renderer = new LetterRenderer(dir.resolve("batch.pdf"), dir.resolve("batch.csv"));
            for (int i = 0; i < Math.min(batchSize, count - done); i++) {
                renderer.add(letters.get(i % letters.size()));
            }
            LetterRenderer.Batch batch = renderer.close();
            nanos += System.nanoTime() - t0;
            pages += batch.pages();
            bytes += Files.size(batch.pdf());
            Files.delete(batch.pdf());
            Files.delete(batch.manifest());
        }
        return new Round(count, pages, nanos / 1e9, bytes, start.until(machine.sample()));
    }

    /** The heap a batch holds once all its letters are added (the moment before save), net of what was live before. */
    private static long heldByFullBatch(List<LetterRenderer.Letter> letters, int batchSize, Path dir) throws IOException {
        long before = liveHeap();
        LetterRenderer renderer = new LetterRenderer(dir.resolve("batch.pdf"), dir.resolve("batch.csv"));
        for (int i = 0; i < batchSize; i++) {
            renderer.add(letters.get(i % letters.size()));
        }
        long held = liveHeap() - before;
        LetterRenderer.Batch batch = renderer.close();
        Files.delete(batch.pdf());
        Files.delete(batch.manifest());
        return held;
    }

    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of the heap pools' peaks: an upper bound, as the pools need not peak at the same time. */
    private static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** Distinct letters (names, addresses, codes) with the breach notice's body, addressed to each member. */
    private static List<LetterRenderer.Letter> letters(int count, Random random) {
        List<LetterRenderer.Letter> letters = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = pick(FIRST, random) + " " + pick(LAST, random).toUpperCase(java.util.Locale.FRENCH);
            String code = code(random) + "-" + code(random);
            letters.add(new LetterRenderer.Letter(String.valueOf(10_000_000 + i), name,
                    List.of("Appartement " + (1 + random.nextInt(60)) + ", escalier " + (char) ('A' + random.nextInt(4)),
                            "Résidence Les Tilleuls", (1 + random.nextInt(200)) + " " + pick(STREET, random), "BP " + (100 + random.nextInt(900)),
                            pick(CITY, random)),
                    "Mutuelle Rempart", "Délégué à la protection des données\n12 rue de la Paix\n75002 Paris",
                    "Paris", "le 3 mars 2025", "Fuite de données : votre numéro de sécurité sociale a été divulgué — votre compte est protégé",
                    body(name, code), "Code de vérification de ce courrier", code, "Page %d / %d"));
        }
        return letters;
    }

    private static String pick(String[] values, Random random) {
        return values[random.nextInt(values.length)];
    }

    private static String code(Random random) {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            code.append(CODE_ALPHABET.charAt(random.nextInt(CODE_ALPHABET.length())));
        }
        return code.toString();
    }

    /** The e-mail breach notice (messages_fr.properties, mail.breach.body) as a postal letter. */
    private static String body(String name, String code) {
        return "Madame, Monsieur " + name + ",\n\n"
                + "Nous vous écrivons personnellement au sujet d'une fuite de données qui vous concerne. Ce courrier ne vous demande "
                + "aucune information : nous ne vous demanderons jamais votre mot de passe, un code reçu par SMS ou vos coordonnées bancaires.\n\n"
                + "Vous recevez ce courrier parce que le règlement général sur la protection des données (article 34) nous impose de vous "
                + "informer sans tarder lorsqu'une violation de vos données personnelles est susceptible d'engendrer un risque élevé pour "
                + "vos droits et libertés. Nous vous l'adressons par la poste, en plus du message déposé dans votre espace adhérent, afin "
                + "que chaque personne concernée soit prévenue, y compris celles qui ne consultent pas leur messagerie.\n\n"
                + "CE QUI S'EST PASSÉ\nDes personnes non autorisées ont accédé à des données détenues par un prestataire de la mutuelle. "
                + "Nous l'avons appris le 14 février 2025. Vous faites partie des personnes concernées.\n"
                + "Données divulguées : votre nom, votre prénom, votre date de naissance et votre numéro de sécurité sociale (NIR).\n"
                + "Données NON concernées : vos coordonnées bancaires, vos remboursements, vos données de santé et votre mot de passe.\n\n"
                + "LES RISQUES\nAvec ces informations, des fraudeurs peuvent se faire passer pour nous, pour l'Assurance Maladie ou pour "
                + "votre banque (courriel, SMS, appel, visite à domicile) afin d'obtenir votre mot de passe, un code ou vos coordonnées "
                + "bancaires, ou tenter une usurpation de votre identité.\n\n"
                + "CE QUE NOUS AVONS FAIT\nPar précaution, nous avons fermé les sessions ouvertes sur votre espace adhérent. À votre prochaine "
                + "connexion, sur notre site habituel dont vous saisirez vous-même l'adresse, vous choisirez un nouveau mot de passe et "
                + "activerez la vérification en deux étapes. Nous avons déposé plainte et informé la CNIL. Nous avons aussi renforcé la "
                + "surveillance des connexions à votre espace et des demandes de changement de coordonnées bancaires.\n\n"
                + "CE QUE NOUS VOUS CONSEILLONS\n"
                + "- Méfiez-vous des courriels, SMS, appels et visites inattendus, même s'ils citent votre nom ou votre numéro de sécurité "
                + "sociale : ces informations ne prouvent plus rien.\n"
                + "- Vérifiez l'expéditeur et l'adresse réelle des liens ; n'ouvrez pas les pièces jointes inattendues.\n"
                + "- Ne communiquez jamais votre mot de passe, un code reçu par SMS ou vos coordonnées bancaires.\n"
                + "- Au moindre doute, appelez vous-même le 09 70 00 00 00, le numéro figurant sur votre carte et sur notre site.\n"
                + "- Si vous avez été victime d'une tentative, signalez-la depuis votre espace (rubrique « Signaler ») ou par courrier.\n\n"
                + "VÉRIFIER CE COURRIER\nSur notre site, page « Vérifier un message », ou en appelant le 09 70 00 00 00, le code imprimé "
                + "ci-dessous (" + code + ") confirme que ce courrier vient bien de nous.\n\n"
                + "VOS DROITS\nVous disposez d'un droit d'accès, de rectification et d'effacement de vos données, ainsi que du droit "
                + "d'introduire une réclamation auprès de la CNIL. Notre délégué à la protection des données répond à vos questions par "
                + "courrier à l'adresse ci-dessus ou au 09 70 00 00 00, du lundi au vendredi de 9 h à 18 h.\n\n"
                + "Si vous avez reçu récemment un appel, un courriel ou un SMS suspect se réclamant de la mutuelle, conservez-le et "
                + "signalez-le-nous : cela nous aide à protéger les autres adhérents concernés et à compléter notre plainte.\n\n"
                + "Nous regrettons sincèrement cet incident et restons à votre disposition.\n\n"
                + "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\n\n"
                + "Le délégué à la protection des données";
    }
}
