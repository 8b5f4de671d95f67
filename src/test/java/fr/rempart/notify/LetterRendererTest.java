package fr.rempart.notify;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LetterRendererTest {

    @TempDir
    Path dir;

    private static final String NOTICE = "Madame, Monsieur,\n\nNous vous écrivons au sujet d'une fuite de données "
            + "qui concerne votre numéro de sécurité sociale.\nCe courrier ne vous demande aucun mot de passe.\n\nCordialement.";

    private static LetterRenderer.Letter letter(String number, String name, List<String> address, String subject, String body, String code) {
        return new LetterRenderer.Letter(number, name, address, "Mutuelle Rempart", "Service protection des données\n12 rue de la Paix\n75002 Paris",
                "Paris", "le 3 mars 2025", subject, body, "Code de vérification de ce courrier", code, "Page %d / %d");
    }

    private static String longBody() {
        StringBuilder body = new StringBuilder("Madame,");
        for (int i = 1; i <= 12; i++) {
            body.append("\n\nParagraphe ").append(i).append(" : des personnes non autorisées ont accédé à des données détenues "
                    + "par la mutuelle ; avec ces informations, des fraudeurs peuvent se faire passer pour nous, pour l'Assurance "
                    + "Maladie ou pour votre banque afin d'obtenir votre mot de passe ou vos coordonnées bancaires.");
        }
        return body.append("\n\nFin du courrier.").toString();
    }

    private LetterRenderer.Batch renderThree() {
        LetterRenderer renderer = new LetterRenderer(dir.resolve("batch.pdf"), dir.resolve("batch.csv"));
        renderer.add(letter("10000001", "Élodie Lefèvre-Dupré", List.of("Appartement 4", "18 avenue des Châtaigniers", "69003 Lyon"),
                "Fuite de données : votre compte est protégé", NOTICE, "K7M2-QX9P"));
        renderer.add(letter("10000002", "Jean Martin", List.of("3 place du Marché", "13001 Marseille"),
                "Information importante", longBody(), "B4N8-ZR2T"));
        renderer.add(letter("10000003", "<b>x</b> Wang 王 😀", List.of("=HYPERLINK(\"http://evil\")", "75011 Paris"),
                "<script>alert(1)</script>", NOTICE, "C3D5-EF7G"));
        return renderer.close();
    }

    private static String text(PDDocument pdf, int from, int to) throws IOException {
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setStartPage(from);
        stripper.setEndPage(to);
        return stripper.getText(pdf);
    }

    private static List<CsvRecord> manifest(Path file) throws IOException {
        // A spreadsheet's export: the UTF-8 byte order mark first, so Excel keeps the accents.
        byte[] start = java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(file), 3);
        assertThat(start).containsExactly(0xEF, 0xBB, 0xBF);
        try (CsvReader<CsvRecord> csv = CsvReader.builder().fieldSeparator(';').detectBomHeader(true).ofCsvRecord(file)) {
            return csv.stream().toList();
        }
    }

    @Test
    void eachLetterStartsOnItsOwnPageWithItsAddressCodeAndPageNumbers() throws IOException {
        LetterRenderer.Batch batch = renderThree();

        assertThat(batch.letters()).isEqualTo(3);
        assertThat(batch.pages()).isEqualTo(4);
        try (PDDocument pdf = Loader.loadPDF(batch.pdf().toFile())) {
            assertThat(pdf.getNumberOfPages()).isEqualTo(4);
            String first = text(pdf, 1, 1);
            assertThat(first).contains("Mutuelle Rempart", "12 rue de la Paix", "Élodie Lefèvre-Dupré", "18 avenue des Châtaigniers",
                    "69003 Lyon", "Paris, le 3 mars 2025", "Fuite de données : votre compte est protégé",
                    "Code de vérification de ce courrier", "K7M2-QX9P", "10000001", "Page 1 / 1");
            String second = text(pdf, 2, 2);
            assertThat(second).contains("Jean Martin", "13001 Marseille", "Information importante", "Paragraphe 1 :", "Page 1 / 2")
                    .doesNotContain("B4N8-ZR2T", "Fin du courrier.");
            assertThat(text(pdf, 3, 3)).contains("Paragraphe 12 :", "Fin du courrier.", "B4N8-ZR2T", "10000002", "Page 2 / 2")
                    .doesNotContain("Jean Martin");
            assertThat(text(pdf, 4, 4)).contains("C3D5-EF7G", "10000003", "Page 1 / 1");
        }
    }

    @Test
    void manifestTellsWhereEachLetterStartsAndNeutralisesFormulas() throws IOException {
        LetterRenderer.Batch batch = renderThree();

        List<CsvRecord> rows = manifest(batch.manifest());
        assertThat(rows.get(0).getFields()).containsExactly("sequence", "member_number", "first_page", "pages", "name", "address");
        assertThat(rows.get(1).getFields()).containsExactly("1", "10000001", "1", "1", "Élodie Lefèvre-Dupré",
                "Appartement 4 / 18 avenue des Châtaigniers / 69003 Lyon");
        assertThat(rows.get(2).getFields()).containsExactly("2", "10000002", "2", "2", "Jean Martin", "3 place du Marché / 13001 Marseille");
        assertThat(rows.get(3).getFields()).containsExactly("3", "10000003", "4", "1", "<b>x</b> Wang 王 😀",
                "'=HYPERLINK(\"http://evil\") / 75011 Paris");
        assertThat(rows).hasSize(4);
    }

    @Test
    void markupIsPrintedLiterallyAndCharactersTheFontLacksBecomeQuestionMarks() throws IOException {
        LetterRenderer.Batch batch = renderThree();

        try (PDDocument pdf = Loader.loadPDF(batch.pdf().toFile())) {
            assertThat(text(pdf, 4, 4)).contains("<b>x</b> Wang ? ?", "<script>alert(1)</script>").doesNotContain("王", "😀");
        }
    }

    @Test
    void filesAppearOnlyOnCloseWithTheDigestOfThePdf() throws Exception {
        Path pdf = dir.resolve("batch.pdf");
        LetterRenderer renderer = new LetterRenderer(pdf, dir.resolve("batch.csv"));
        renderer.add(letter("10000001", "Jean Martin", List.of("13001 Marseille"), "Objet", NOTICE, "K7M2-QX9P"));
        assertThat(dir).isEmptyDirectory();
        LetterRenderer.Batch batch = renderer.close();
        assertThat(renderer.close()).isSameAs(batch);

        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("batch.pdf", "batch.csv");
        }
        assertThat(batch.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(pdf))));
    }

    @Test
    void aLetterWithoutAddressAndAWordLongerThanTheLineStillRender() throws IOException {
        String word = "x".repeat(400);
        LetterRenderer renderer = new LetterRenderer(dir.resolve("batch.pdf"), dir.resolve("batch.csv"));
        renderer.add(letter("10000001", "Jean Martin", List.of(), "Objet", "Début " + word + " fin", "K7M2-QX9P"));
        LetterRenderer.Batch batch = renderer.close();

        try (PDDocument pdf = Loader.loadPDF(batch.pdf().toFile())) {
            String text = text(pdf, 1, 1);
            assertThat(text).contains("Jean Martin", "K7M2-QX9P", "Début");
            assertThat(text.replaceAll("\\R", "")).contains(word + " fin");
            assertThat(text.lines().filter(l -> l.matches("x+")).count()).isGreaterThan(1);
        }
        assertThat(manifest(batch.manifest()).get(1).getFields()).containsExactly("1", "10000001", "1", "1", "Jean Martin", "");
    }
}
