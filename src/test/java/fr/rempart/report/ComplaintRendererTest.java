package fr.rempart.report;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ComplaintRendererTest {

    private static final ReportReference REFERENCE = ReportReference.random();
    /** 12 January 2026, 15:30 in Paris. */
    private static final Instant FILED = Instant.parse("2026-01-12T14:30:00Z");
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final List<ComplaintRenderer.Evidence> EVIDENCE = List.of(
            new ComplaintRenderer.Evidence("capture-sms.png", "image/png", 250_000, SHA),
            new ComplaintRenderer.Evidence("releve.pdf", "application/pdf", 3_500_000, "0".repeat(64)),
            new ComplaintRenderer.Evidence("note.txt", "text/plain", 512, "1".repeat(64)));

    /** A phone call claiming to come from the mutual, after which the member's identity was used to open a loan. */
    private static Map<String, Object> identityTheft() {
        Map<String, Object> form = ReportFormValidationTest.valid();
        form.put("kinds", List.of("GAVE_INFORMATION", "IDENTITY_USED", "MONEY_TAKEN"));
        form.put("channel", "CALL");
        form.put("claimedSender", "MUTUAL");
        form.put("informationGiven", List.of("NIR", "IDENTITY_DOCUMENTS"));
        form.put("occurredOn", "10/01/2026");
        form.put("organisation", "Banque Exemple");
        form.put("identityUse", "Ouverture d'un crédit à mon nom");
        form.put("messageText", "Bonjour, ici le service fraude de votre mutuelle.\nMerci de confirmer votre numéro de sécurité sociale.");
        return form;
    }

    /** A phishing SMS, nothing given, nothing lost. */
    private static Map<String, Object> suspiciousSms() {
        Map<String, Object> form = ReportFormValidationTest.valid();
        form.put("kinds", List.of("SUSPICIOUS_MESSAGE"));
        form.put("informationGiven", null);
        form.put("amount", null);
        form.put("paymentMethod", null);
        form.put("phone", null);
        return form;
    }

    private static byte[] render(Map<String, Object> values, List<ComplaintRenderer.Evidence> evidence, Locale locale) {
        ReportForm form = ReportFormValidationTest.build(values);
        List<OfficialChannels.Route> routes = OfficialChannels.forCase(form.kindSet(), form.channelValue().orElseThrow(), form.informationSet());
        return ComplaintRenderer.render(REFERENCE, FILED, form, evidence, routes, "Mutuelle Rempart", locale);
    }

    private static String text(PDDocument pdf, int from, int to) throws IOException {
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setStartPage(from);
        stripper.setEndPage(to);
        return stripper.getText(pdf);
    }

    private static String text(byte[] pdf) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return text(document, 1, document.getNumberOfPages());
        }
    }

    /** Each part found after the previous one; line breaks count as spaces, since the layout decides where lines break. */
    private static void assertInOrder(String text, String... parts) {
        String flat = text.replaceAll("\\s+", " ");
        int previous = -1;
        for (String part : parts) {
            int at = flat.indexOf(part, previous + 1);
            assertThat(at).as("\"%s\" after position %d", part, previous).isNotNegative();
            previous = at;
        }
    }

    @Test
    void identityTheftGivesTheSummaryInPoliceOrderThenALetterToTheProcureurThenTheChannels() throws IOException {
        byte[] pdf = render(identityTheft(), EVIDENCE, Locale.FRENCH);

        String text = text(pdf);
        assertInOrder(text, "Pré-plainte et récapitulatif de signalement", REFERENCE.value(), "Mutuelle Rempart", "n'est pas une plainte à lui seul",
                "Identité de la victime", "Lefèvre", "Marie", "12 mai 1984", "marie.lefevre@exemple.fr", "75002",
                "Les faits", "10 janvier 2026", "Appel téléphonique", "La mutuelle (Mutuelle Rempart)", "+33 6 12 34 56 78",
                "https://ameli-remboursement.example/carte?id=42", "Identité utilisée par un tiers", "Numéro de sécurité sociale",
                "Banque Exemple", "Ouverture d'un crédit à mon nom", "350,50", "virement", "Bonjour, ici le service fraude de votre mutuelle.",
                "Merci de confirmer votre numéro de sécurité sociale.",
                "Pièces justificatives", "1. capture-sms.png", SHA, "2. releve.pdf", "3. note.txt",
                "Monsieur le Procureur de la République", "Tribunal judiciaire de …", "Lettre recommandée avec accusé de réception",
                "Objet : Plainte pour usurpation d'identité (article 226-4-1 du Code pénal)",
                "Je soussigné(e) Marie Lefèvre, né(e) le 12 mai 1984", "porte plainte contre X pour usurpation d'identité",
                "Le 10 janvier 2026, j'ai été contacté(e) par téléphone par une personne se présentant comme ma mutuelle (Mutuelle Rempart).",
                "Banque Exemple", "350,50", "pièce n° 1 : capture-sms.png", "pièce n° 3 : note.txt", "pièce n° 4 : le récapitulatif de mon signalement",
                "m'informer des suites", "Signature :",
                "Où vous adresser maintenant", "Votre banque, d'abord", "À apporter :", "Plainte pour usurpation d'identité");
        assertThat(text).contains("Page 1 / ", "244,1 Ko", "3,3 Mo", "512 octets", "€", "15:30");

        try (PDDocument document = Loader.loadPDF(pdf)) {
            int pages = document.getNumberOfPages();
            int letterPage = 0;
            for (int page = 1; page <= pages; page++) {
                String one = text(document, page, page);
                assertThat(one).contains(REFERENCE.value(), page + " / " + pages);
                if (one.contains("Monsieur le Procureur de la République")) {
                    letterPage = page;
                }
            }
            // The letter has pages of its own, so that it can be sent alone.
            String letter = text(document, letterPage, letterPage);
            assertThat(letter).contains("Signature :").doesNotContain("Les faits", "Pièces justificatives", "Où vous adresser maintenant");
        }
    }

    @Test
    void aPlainSuspiciousSmsHasNoLetterAndOnlyTheFactsGiven() throws IOException {
        String text = text(render(suspiciousSms(), List.of(), Locale.FRENCH));

        assertInOrder(text, "Identité de la victime", "Les faits", "SMS", "Pièces justificatives", "Aucune", "Où vous adresser maintenant", "17Cyber", "33700");
        assertThat(text).doesNotContain("Monsieur le Procureur", "Je soussigné", "226-4-1", "Montant pris", "Moyen de paiement", "Téléphone",
                "Informations communiquées", "Organisme", "complaint.");
    }

    @Test
    void markupInEveryFreeTextFieldIsPrintedLiterally() throws IOException {
        Map<String, Object> form = identityTheft();
        form.put("messageText", "<script>alert(1)</script>\tfin\r\nLigne 2\rLigne 3 😀\u202Eevil");
        form.put("identityUse", "<b>x</b> crédit ouvert");
        form.put("organisation", "<i>Banque</i> & Cie");
        form.put("linkOrNumber", "https://x.example/?q=<img src=x onerror=alert(1)>");
        form.put("paymentMethod", "<a href=\"javascript:alert(1)\">virement</a>");
        byte[] pdf = render(form, List.of(new ComplaintRenderer.Evidence("<b>photo</b>.png", "image/png", 10, SHA)), Locale.FRENCH);

        String text = text(pdf);
        assertThat(text).contains("<script>alert(1)</script> fin", "<b>x</b> crédit ouvert", "<i>Banque</i> & Cie",
                "https://x.example/?q=<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">virement</a>", "1. <b>photo</b>.png",
                "pièce n° 1 : <b>photo</b>.png", "Ligne 3 ??evil");
        assertThat(text.lines()).contains("Ligne 2");
        assertThat(text).doesNotContain("\r", "😀", "\u202E");
        // The letter repeats the organisation and what was done, literally too.
        assertThat(text.indexOf("<i>Banque</i> & Cie", text.indexOf("Je soussigné"))).isPositive();
        assertThat(text.indexOf("<b>x</b> crédit ouvert", text.indexOf("Je soussigné"))).isPositive();
    }

    @Test
    void inEnglishTheLabelsAreEnglishAndTheLetterStaysFrench() throws IOException {
        String text = text(render(identityTheft(), EVIDENCE, Locale.ENGLISH));

        assertInOrder(text, "Pre-complaint and report summary", REFERENCE.value(), "is not a complaint by itself", "Identity of the victim",
                "Last name", "The facts", "Phone call", "The mutual (Mutuelle Rempart)", "Identity used by someone else", "Amount taken",
                "€350.50", "Evidence", "1. capture-sms.png", "244.1 KB", "Next page: a complaint letter", "in French on purpose",
                "Monsieur le Procureur de la République", "Objet : Plainte pour usurpation d'identité (article 226-4-1 du Code pénal)",
                "Je soussigné(e) Marie Lefèvre, né(e) le 12 mai 1984", "par téléphone", "ma mutuelle (Mutuelle Rempart)",
                "numéro de sécurité sociale, pièces d'identité", "350,50", "Signature :",
                "Where to go next", "Your bank, first", "Bring:");
        assertThat(text).doesNotContain("Identité de la victime", "Les faits", "Pièces justificatives", "Où vous adresser", "complaint.");
    }

    @Test
    void anUnbrokenLinkAndALongMessageWrapWithinThePageOverSeveralPages() throws IOException {
        Map<String, Object> form = identityTheft();
        String link = "https://phish.example/" + "a1b2c3d4e5".repeat(198);
        StringBuilder message = new StringBuilder();
        while (message.length() < 4990) {
            message.append("Votre dossier de remboursement est bloqué, confirmez vos informations. ");
        }
        form.put("linkOrNumber", link.substring(0, 2000));
        form.put("messageText", message.substring(0, 5000));
        form.put("identityUse", "x".repeat(2000));
        byte[] pdf = render(form, EVIDENCE, Locale.FRENCH);

        try (PDDocument document = Loader.loadPDF(pdf)) {
            int pages = document.getNumberOfPages();
            assertThat(pages).isGreaterThanOrEqualTo(4);
            List<String> outside = new ArrayList<>();
            PDFTextStripper bounds = new PDFTextStripper() {
                @Override
                protected void writeString(String text, List<TextPosition> positions) throws IOException {
                    float width = getCurrentPage().getMediaBox().getWidth();
                    float height = getCurrentPage().getMediaBox().getHeight();
                    for (TextPosition p : positions) {
                        if (p.getXDirAdj() < 0 || p.getXDirAdj() + p.getWidthDirAdj() > width || p.getYDirAdj() < 0 || p.getYDirAdj() > height) {
                            outside.add(p.getUnicode() + " at " + p.getXDirAdj() + "," + p.getYDirAdj());
                        }
                    }
                    super.writeString(text, positions);
                }
            };
            String text = bounds.getText(document);
            assertThat(outside).isEmpty();
            // Cut by characters, every one kept: the letter (full width) repeats them whole, across a page break.
            String letter = text.substring(text.indexOf("Je soussigné")).replaceAll(REFERENCE.value() + "\\s*Page \\d+ / \\d+", "").replaceAll("\\s", "");
            assertThat(letter).contains(link.substring(0, 2000) + ".", "Cequiaétéfaitenmonnom:" + "x".repeat(2000) + "J'ai");
            assertThat(text).contains("confirmez vos informations.");
            for (int page = 1; page <= pages; page++) {
                assertThat(text(document, page, page)).contains(page + " / " + pages);
            }
        }
    }

    @Test
    void theMetadataNamesTheReferenceAndNotTheVictim() throws IOException {
        try (PDDocument document = Loader.loadPDF(render(identityTheft(), EVIDENCE, Locale.FRENCH))) {
            PDDocumentInformation info = document.getDocumentInformation();
            assertThat(info.getTitle()).isEqualTo("Pré-plainte et récapitulatif de signalement " + REFERENCE.value());
            assertThat(info.getAuthor()).isNull();
            assertThat(info.getSubject()).isNull();
            assertThat(info.getKeywords()).isNull();
            assertThat(String.valueOf(info.getCOSObject())).doesNotContain("Lefèvre", "Marie");
            assertThat(document.getPage(0).getMediaBox().getWidth()).isCloseTo(PDRectangle.A4.getWidth(), within(0.01f));
        }
    }
}
