package fr.rempart.report;

import fr.rempart.platform.web.Messages;
import fr.rempart.report.EvidenceCheck.Accepted;
import fr.rempart.report.EvidenceCheck.Refusal;
import fr.rempart.report.EvidenceCheck.Refused;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.interactive.action.PDActionJavaScript;
import org.apache.pdfbox.pdmodel.interactive.action.PDActionLaunch;
import org.apache.pdfbox.pdmodel.interactive.action.PDPageAdditionalActions;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationLink;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Evidence files are judged by their content (Tika's magic, PDFBox, Jakarta Mail), their names made safe. */
class EvidenceCheckTest {

    private static final long MAX = 5L * 1024 * 1024;

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- images

    @Test
    void realScreenshotsAreAcceptedByTheirContent() throws IOException, Refused {
        assertThat(EvidenceCheck.check(write("a.bin", image("png")), "capture.png", MAX))
                .isEqualTo(new Accepted("capture.png", "image/png"));
        assertThat(EvidenceCheck.check(write("b.bin", image("jpg")), "photo.JPG", MAX))
                .isEqualTo(new Accepted("photo.JPG", "image/jpeg"));
        assertThat(EvidenceCheck.check(write("c.bin", image("jpg")), "photo.jpeg", MAX).contentType()).isEqualTo("image/jpeg");
        assertThat(EvidenceCheck.check(write("d.bin", image("gif")), "anim.gif", MAX).contentType()).isEqualTo("image/gif");
        assertThat(EvidenceCheck.check(write("e.bin", webp()), "capture.webp", MAX).contentType()).isEqualTo("image/webp");
    }

    @Test
    void aZipNamedPngIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("payload.exe"));
            zip.write("MZ not really".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        assertThat(refusal(write("z.bin", bytes.toByteArray()), "capture.png")).isEqualTo(Refusal.TYPE_NOT_ALLOWED);
    }

    @Test
    void theExtensionMustAgreeWithTheContent() throws IOException {
        Path jpeg = write("j.bin", image("jpg"));
        assertThat(refusal(jpeg, "capture.png")).isEqualTo(Refusal.NAME_MISMATCH);
        assertThat(refusal(jpeg, "capture")).as("no extension").isEqualTo(Refusal.NAME_MISMATCH);
        assertThat(refusal(jpeg, "capture.jpg.exe")).isEqualTo(Refusal.NAME_MISMATCH);
        assertThat(refusal(write("p.bin", image("png")), "capture.pdf")).as("a PNG named .pdf is not opened as a PDF")
                .isEqualTo(Refusal.NAME_MISMATCH);
        assertThat(refusal(write("m.bin", pdf(doc -> { })), "releve.eml")).isEqualTo(Refusal.NAME_MISMATCH);
    }

    @Test
    void otherContentIsRefusedWhateverItsName() throws IOException {
        assertThat(refusal(write("t.bin", "Just some text.\n".getBytes(StandardCharsets.UTF_8)), "note.png"))
                .isEqualTo(Refusal.TYPE_NOT_ALLOWED);
        assertThat(refusal(write("h.bin", "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
                .getBytes(StandardCharsets.UTF_8)), "page.png")).isEqualTo(Refusal.TYPE_NOT_ALLOWED);
        byte[] exe = new byte[4096];
        exe[0] = 'M';
        exe[1] = 'Z';
        assertThat(refusal(write("x.bin", exe), "setup.jpg")).isEqualTo(Refusal.TYPE_NOT_ALLOWED);
    }

    @Test
    void svgIsRefusedItCanCarryScript() throws IOException {
        byte[] svg = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\" onload=\"alert(document.cookie)\">"
                + "<rect width=\"10\" height=\"10\"/></svg>\n").getBytes(StandardCharsets.UTF_8);
        byte[] bare = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".getBytes(StandardCharsets.UTF_8);
        for (byte[] content : List.of(svg, bare)) {
            Path file = write("s.bin", content);
            assertThat(refusal(file, "capture.png")).isEqualTo(Refusal.TYPE_NOT_ALLOWED);
            assertThat(refusal(file, "capture.svg")).isEqualTo(Refusal.TYPE_NOT_ALLOWED);
            assertThat(refusal(file, "capture.eml")).isIn(Refusal.TYPE_NOT_ALLOWED, Refusal.EML_UNREADABLE);
        }
    }

    @Test
    void emptyAndTooLargeFiles() throws IOException {
        assertThat(refusal(write("0.bin", new byte[0]), "capture.png")).isEqualTo(Refusal.EMPTY);
        byte[] png = image("png");
        assertThat(refusal(write("big.bin", png), "capture.png", png.length - 1)).isEqualTo(Refusal.TOO_LARGE);
        byte[] large = new byte[(int) MAX + 1];
        System.arraycopy(png, 0, large, 0, png.length);
        assertThat(refusal(write("big2.bin", large), "capture.png")).isEqualTo(Refusal.TOO_LARGE);
    }

    // ---------------------------------------------------------------- PDF

    @Test
    void aCleanPdfIsAccepted() throws IOException, Refused {
        Path file = write("clean.bin", pdf(doc -> text(doc, "Votre compte sera suspendu")));
        assertThat(EvidenceCheck.check(file, "courrier.pdf", MAX)).isEqualTo(new Accepted("courrier.pdf", "application/pdf"));
    }

    @Test
    void aPdfWithJavaScriptAsItsOpenActionIsRefused() throws IOException {
        Path file = write("js.bin", pdf(doc -> doc.getDocumentCatalog().setOpenAction(new PDActionJavaScript("app.alert('x');"))));
        assertThat(refusal(file, "facture.pdf")).isEqualTo(Refusal.PDF_ACTIVE_CONTENT);
    }

    @Test
    void javaScriptOnlyInALinkAnnotationIsFound() throws IOException {
        Path file = write("link.bin", pdf(doc -> {
            PDAnnotationLink link = new PDAnnotationLink();
            link.setRectangle(new PDRectangle(50, 50, 200, 30));
            link.setAction(new PDActionJavaScript("this.submitForm('https://example.invalid/');"));
            doc.getPage(0).setAnnotations(List.of(link));
        }));
        assertThat(refusal(file, "facture.pdf")).isEqualTo(Refusal.PDF_ACTIVE_CONTENT);
    }

    @Test
    void javaScriptInAPagesAdditionalActionsIsFound() throws IOException {
        Path file = write("aa.bin", pdf(doc -> {
            PDPageAdditionalActions actions = new PDPageAdditionalActions();
            actions.setO(new PDActionJavaScript("app.launchURL('https://example.invalid/');"));
            doc.getPage(0).setActions(actions);
        }));
        assertThat(refusal(file, "facture.pdf")).isEqualTo(Refusal.PDF_ACTIVE_CONTENT);
    }

    @Test
    void aLaunchActionIsRefused() throws IOException {
        Path file = write("launch.bin", pdf(doc -> {
            PDActionLaunch launch = new PDActionLaunch();
            launch.setFile(new PDComplexFileSpecification());
            doc.getDocumentCatalog().setOpenAction(launch);
        }));
        assertThat(refusal(file, "facture.pdf")).isEqualTo(Refusal.PDF_ACTIVE_CONTENT);
    }

    @Test
    void aPdfWithAnEmbeddedFileIsRefused() throws IOException {
        Path file = write("embedded.bin", pdf(doc -> {
            try {
                PDEmbeddedFile embedded = new PDEmbeddedFile(doc, new ByteArrayInputStream("MZ...".getBytes(StandardCharsets.US_ASCII)));
                embedded.setSubtype("application/octet-stream");
                PDComplexFileSpecification spec = new PDComplexFileSpecification();
                spec.setFile("remboursement.exe");
                spec.setEmbeddedFile(embedded);
                PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
                tree.setNames(Map.of("remboursement.exe", spec));
                PDDocumentNameDictionary names = new PDDocumentNameDictionary(doc.getDocumentCatalog());
                names.setEmbeddedFiles(tree);
                doc.getDocumentCatalog().setNames(names);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }));
        assertThat(refusal(file, "facture.pdf")).isEqualTo(Refusal.PDF_ACTIVE_CONTENT);
    }

    @Test
    void anXfaFormIsRefused() throws IOException {
        Path file = write("xfa.bin", pdf(doc -> {
            PDAcroForm form = new PDAcroForm(doc);
            COSStream xfa = doc.getDocument().createCOSStream();
            form.getCOSObject().setItem(COSName.XFA, xfa);
            doc.getDocumentCatalog().setAcroForm(form);
        }));
        assertThat(refusal(file, "formulaire.pdf")).isEqualTo(Refusal.PDF_ACTIVE_CONTENT);
    }

    @Test
    void javaScriptInAnObjectTheCatalogDoesNotReachIsFoundToo() throws IOException {
        // Hand-written: object 4 (a JavaScript action) is referenced by nothing, only listed in the xref table.
        String[] objects = {
                "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
                "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
                "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n",
                "4 0 obj\n<< /Type /Action /S /JavaScript /J#53 (app.alert\\(1\\)) >>\nendobj\n"};
        StringBuilder pdf = new StringBuilder("%PDF-1.7\n");
        StringBuilder xref = new StringBuilder("xref\n0 5\n0000000000 65535 f \n");
        for (String object : objects) {
            xref.append(String.format(Locale.ROOT, "%010d 00000 n \n", pdf.length()));
            pdf.append(object);
        }
        int start = pdf.length();
        pdf.append(xref).append("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n").append(start).append("\n%%EOF\n");
        Path file = write("orphan.bin", pdf.toString().getBytes(StandardCharsets.US_ASCII));
        assertThat(refusal(file, "facture.pdf")).isEqualTo(Refusal.PDF_ACTIVE_CONTENT);
    }

    @Test
    void anEncryptedPdfIsRefusedWeCannotInspectIt() throws IOException {
        for (String userPassword : new String[]{"secret", ""}) {
            byte[] encrypted = pdf(doc -> {
                try {
                    StandardProtectionPolicy policy = new StandardProtectionPolicy("owner", userPassword, new AccessPermission());
                    policy.setEncryptionKeyLength(128);
                    doc.protect(policy);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(refusal(write("enc.bin", encrypted), "releve.pdf")).as("user password '%s'", userPassword)
                    .isEqualTo(Refusal.PDF_ENCRYPTED);
        }
    }

    @Test
    void garbageNamedPdfIsRefused() throws IOException {
        byte[] random = new byte[20_000];
        new Random(7).nextBytes(random);
        random[0] = 0x01; // no magic of any kind
        assertThat(refusal(write("g.bin", random), "facture.pdf")).isEqualTo(Refusal.TYPE_NOT_ALLOWED);

        byte[] header = "%PDF-1.7\n%âãÏÓ\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] broken = new byte[header.length + random.length];
        System.arraycopy(header, 0, broken, 0, header.length);
        System.arraycopy(random, 0, broken, header.length, random.length);
        assertThat(refusal(write("b.bin", broken), "facture.pdf")).isEqualTo(Refusal.PDF_UNREADABLE);
    }

    // ---------------------------------------------------------------- e-mail

    /** As Gmail's "Download message" saves it: Delivered-To first, CRLF line ends. */
    private static final String GMAIL = """
            Delivered-To: marie.dupont@example.fr
            Received: by 2002:a05:6a10:8e0c:b0:5a1:2b3c:4d5e with SMTP id abc123;
                    Tue, 4 Mar 2025 08:12:45 -0800 (PST)
            Return-Path: <securite@mutuelle-remboursement.example>
            Received: from mail.mutuelle-remboursement.example (mail.mutuelle-remboursement.example. [203.0.113.9])
                    by mx.google.com with ESMTPS id x5si123 for <marie.dupont@example.fr>;
                    Tue, 04 Mar 2025 08:12:44 -0800 (PST)
            Authentication-Results: mx.google.com; spf=softfail smtp.mailfrom=mutuelle-remboursement.example
            MIME-Version: 1.0
            From: =?UTF-8?Q?Service_S=C3=A9curit=C3=A9?= <securite@mutuelle-remboursement.example>
            Date: Tue, 4 Mar 2025 17:12:40 +0100
            Message-ID: <CAFxyz123@mail.mutuelle-remboursement.example>
            Subject: =?UTF-8?Q?Votre_remboursement_est_en_attente?=
            To: marie.dupont@example.fr
            Content-Type: text/plain; charset="UTF-8"
            Content-Transfer-Encoding: 8bit

            Bonjour,

            Un remboursement de 148,50 € est en attente. Confirmez vos coordonnées bancaires ici :
            https://mutuelle-remboursement.example/verif
            """.replace("\n", "\r\n");

    /** As Outlook saves it: Received first, then Microsoft's headers, a multipart body. */
    private static final String OUTLOOK = """
            Received: from PAXPR08MB1234.eurprd08.prod.outlook.com (2603:10a6:102:1::1) by
             AM0PR08MB5678.eurprd08.prod.outlook.com with HTTPS; Tue, 4 Mar 2025 16:12:45 +0000
            From: Ameli <no-reply@ameli-remboursement.example>
            To: "Dupont, Marie" <marie.dupont@example.fr>
            Subject: Action requise : mise a jour de votre carte Vitale
            Thread-Topic: Action requise
            Thread-Index: AQHbjZ3k2Xq1c8Jd0k6Y3c2N1b8YQw==
            Date: Tue, 4 Mar 2025 16:12:40 +0000
            Message-ID: <PAXPR08MB1234ABCD@PAXPR08MB1234.eurprd08.prod.outlook.com>
            Accept-Language: fr-FR, en-US
            Content-Language: fr-FR
            X-MS-Has-Attach:
            X-MS-TNEF-Correlator:
            Content-Type: multipart/alternative;
            	boundary="_000_PAXPR08MB1234ABCD_"
            MIME-Version: 1.0

            --_000_PAXPR08MB1234ABCD_
            Content-Type: text/plain; charset="iso-8859-1"
            Content-Transfer-Encoding: quoted-printable

            Votre carte Vitale expire. Mettez-la =E0 jour.

            --_000_PAXPR08MB1234ABCD_
            Content-Type: text/html; charset="iso-8859-1"
            Content-Transfer-Encoding: quoted-printable

            <html><body><a href=3D"https://ameli-remboursement.example/">Mettre =E0 jour</a></body></html>

            --_000_PAXPR08MB1234ABCD_--
            """.replace("\n", "\r\n");

    /** As Thunderbird saves it: its X-Mozilla headers first, LF line ends. */
    private static final String THUNDERBIRD = """
            X-Mozilla-Status: 0001
            X-Mozilla-Status2: 00000000
            X-Mozilla-Keys:
            Return-Path: <info@colis-livraison.example>
            Received: from smtp.colis-livraison.example ([198.51.100.7])
            	by mx.laposte.example with ESMTP; Tue, 04 Mar 2025 17:12:44 +0100
            Date: Tue, 04 Mar 2025 17:12:40 +0100
            From: La Poste <info@colis-livraison.example>
            To: marie.dupont@example.fr
            Subject: Votre colis est bloque
            Message-ID: <20250304161240.1234@colis-livraison.example>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=UTF-8; format=flowed
            Content-Transfer-Encoding: 8bit
            User-Agent: Mozilla Thunderbird

            Des frais de 1,99 € sont à régler.
            """;

    /** Headers Tika's magic does not know in front (it sees text/plain): the e-mail parser decides. */
    private static final String UNUSUAL_ORDER = """
            Authentication-Results: spf=fail (sender IP is 192.0.2.4) smtp.mailfrom=impots-gouv.example
            Thread-Topic: Remboursement d'impot
            Content-Type: text/plain; charset="utf-8"
            Subject: Remboursement d'impot
            Date: Tue, 4 Mar 2025 16:12:40 +0000
            From: DGFiP <noreply@impots-gouv.example>

            Vous avez droit a un remboursement.
            """.replace("\n", "\r\n");

    @Test
    void realisticSavedEmailsAreAcceptedInAnyHeaderOrder() throws IOException, Refused {
        Map<String, String> mails = Map.of("gmail", GMAIL, "outlook", OUTLOOK, "thunderbird", THUNDERBIRD, "unusual", UNUSUAL_ORDER);
        for (Map.Entry<String, String> mail : mails.entrySet()) {
            Path file = write(mail.getKey() + ".bin", mail.getValue().getBytes(StandardCharsets.UTF_8));
            assertThat(EvidenceCheck.check(file, "Votre remboursement.eml", MAX)).as(mail.getKey())
                    .isEqualTo(new Accepted("Votre remboursement.eml", "message/rfc822"));
        }
    }

    @Test
    void anEmailMustBeNamedEml() throws IOException {
        assertThat(refusal(write("gmail.bin", GMAIL.getBytes(StandardCharsets.UTF_8)), "message.txt"))
                .isIn(Refusal.NAME_MISMATCH, Refusal.TYPE_NOT_ALLOWED);
        assertThat(refusal(write("gmail.bin", GMAIL.getBytes(StandardCharsets.UTF_8)), "message.png"))
                .isIn(Refusal.NAME_MISMATCH, Refusal.TYPE_NOT_ALLOWED);
    }

    @Test
    void htmlOrPlainTextNamedEmlIsRefused() throws IOException {
        byte[] html = "<!DOCTYPE html>\n<html><head><title>Connexion</title></head><body><form action=\"https://x.example/\">"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(refusal(write("h.bin", html), "message.eml")).isIn(Refusal.TYPE_NOT_ALLOWED, Refusal.EML_UNREADABLE);
        byte[] htmlFragment = "\n\n<div onclick=\"x()\">Bonjour</div>\n".getBytes(StandardCharsets.UTF_8);
        assertThat(refusal(write("f.bin", htmlFragment), "message.eml")).isIn(Refusal.TYPE_NOT_ALLOWED, Refusal.EML_UNREADABLE);
        byte[] text = "Bonjour,\nvoici le message que j'ai recu.\n".getBytes(StandardCharsets.UTF_8);
        assertThat(refusal(write("t.bin", text), "message.eml")).isIn(Refusal.TYPE_NOT_ALLOWED, Refusal.EML_UNREADABLE);
        byte[] headersOnly = "Subject: rien\r\nTo: a@example.fr\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(refusal(write("n.bin", headersOnly), "message.eml")).as("neither From nor Date")
                .isEqualTo(Refusal.EML_UNREADABLE);
    }

    // ---------------------------------------------------------------- names

    @Test
    void safeNamesHaveNoDirectories() {
        assertThat(EvidenceCheck.safeName("../../etc/passwd.png")).isEqualTo("passwd.png");
        assertThat(EvidenceCheck.safeName("..\\..\\x.pdf")).isEqualTo("x.pdf");
        assertThat(EvidenceCheck.safeName("C:\\Users\\a\\shot.png")).isEqualTo("shot.png");
        assertThat(EvidenceCheck.safeName("capture/..")).isEqualTo("piece-jointe");
        assertThat(EvidenceCheck.safeName("..")).isEqualTo("piece-jointe");
        assertThat(EvidenceCheck.safeName("...")).isEqualTo("piece-jointe");
        assertThat(EvidenceCheck.safeName(".png")).isEqualTo("piece-jointe.png");
        assertThat(EvidenceCheck.safeName("..png")).isEqualTo("piece-jointe.png");
    }

    @Test
    void safeNamesHaveNoControlNorBidiCharacters() {
        assertThat(EvidenceCheck.safeName("invoice\u202Egnp.exe")).isEqualTo("invoicegnp.exe");
        assertThat(EvidenceCheck.safeName("facture\u2066\u200Bfdp.\u202Dpng")).isEqualTo("facturefdp.png");
        assertThat(EvidenceCheck.safeName("cap\u0000ture\r\n\t\u0007\u0085.png")).isEqualTo("capture.png");
        assertThat(EvidenceCheck.safeName("a<b>:c|d?*\".png")).isEqualTo("a_b__c_d___.png");
        assertThat(EvidenceCheck.safeName("  relevé  de   compte .pdf ")).isEqualTo("relevé de compte.pdf");
    }

    @Test
    void safeNamesAreNfcNormalised() {
        String decomposed = "releve\u0301.pdf"; // as macOS sends it
        assertThat(EvidenceCheck.safeName(decomposed)).isEqualTo("relev\u00e9.pdf");
    }

    @Test
    void safeNamesAreAtMost120CharactersKeepingTheExtension() {
        String name = EvidenceCheck.safeName("a".repeat(300) + ".jpeg");
        assertThat(name).hasSize(120).endsWith("a.jpeg").startsWith("aaa");
        String emoji = EvidenceCheck.safeName("\uD83D\uDE00".repeat(100) + ".png");
        assertThat(emoji.length()).isLessThanOrEqualTo(120);
        assertThat(emoji).endsWith(".png");
        assertThat(emoji.codePoints().filter(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE).count()).as("no half character").isZero();
        assertThat(EvidenceCheck.safeName("x".repeat(300))).hasSize(120);
    }

    @Test
    void safeNamesAreNeverEmpty() {
        assertThat(EvidenceCheck.safeName("")).isEqualTo("piece-jointe");
        assertThat(EvidenceCheck.safeName(null)).isEqualTo("piece-jointe");
        assertThat(EvidenceCheck.safeName("   ")).isEqualTo("piece-jointe");
        assertThat(EvidenceCheck.safeName("\u202E\u0000")).isEqualTo("piece-jointe");
        assertThat(EvidenceCheck.safeName("/")).isEqualTo("piece-jointe");
        assertThat(EvidenceCheck.safeName("\u202E.pdf")).isEqualTo("piece-jointe.pdf");
    }

    // ---------------------------------------------------------------- messages

    @Test
    void everyRefusalHasAMessageInBothLanguagesWithTheNameAndApostrophes() {
        for (Refusal refusal : Refusal.values()) {
            for (Locale locale : new Locale[]{Locale.FRENCH, Locale.ENGLISH}) {
                String key = refusal.messageKey();
                assertThat(key).matches("report\\.evidence\\.refused\\.[a-z]+(-[a-z]+)*");
                String message = Messages.get(locale, key, "capture.png", 5);
                assertThat(message).as(key).isNotEqualTo(key).contains("capture.png").doesNotContain("''").doesNotContain("{");
            }
        }
        assertThat(Messages.get(Locale.FRENCH, "report.evidence.refused.type-not-allowed", "capture.png", 5))
                .contains("n'est pas une image PNG, JPEG, GIF ou WebP");
        assertThat(Messages.get(Locale.FRENCH, "report.evidence.refused.too-large", "capture.png", 5)).contains("5 Mo");
        assertThat(Messages.get(Locale.ENGLISH, "report.evidence.refused.too-large", "capture.png", 5)).contains("5 MB");
    }

    // ---------------------------------------------------------------- helpers

    // ---------------------------------------------------------------- issue 15: files built to pass a magic check

    @Test
    void aFileThatOnlyStartsLikeAPngOrCarriesAZipAfterItIsRefused() throws IOException {
        byte[] png = image("png");
        byte[] magicOnly = java.util.Arrays.copyOf(png, 40);
        assertThat(refusal(write("m.bin", magicOnly), "capture.png")).isEqualTo(Refusal.IMAGE_UNREADABLE);
        ByteArrayOutputStream polyglot = new ByteArrayOutputStream();
        polyglot.writeBytes(png);
        try (ZipOutputStream zip = new ZipOutputStream(polyglot)) {
            zip.putNextEntry(new ZipEntry("payload.exe"));
            zip.write(new byte[]{'M', 'Z'});
        }
        assertThat(refusal(write("z.bin", polyglot.toByteArray()), "capture.png")).isEqualTo(Refusal.IMAGE_UNREADABLE);
        byte[] jpeg = image("jpg");
        assertThat(refusal(write("j.bin", java.util.Arrays.copyOf(jpeg, jpeg.length / 2)), "photo.jpg")).as("a truncated JPEG")
                .isEqualTo(Refusal.IMAGE_UNREADABLE);
    }

    @Test
    void anImageDeclaringBillionsOfPixelsIsRefusedBeforeAnyIsDecoded() throws IOException {
        byte[] png = image("png");
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(png);
        header.putInt(16, 100_000).putInt(20, 100_000); // IHDR width and height
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17);
        header.putInt(29, (int) crc.getValue());
        long started = System.nanoTime();
        assertThat(refusal(write("big.bin", png), "capture.png")).isEqualTo(Refusal.IMAGE_TOO_LARGE);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(2));
        byte[] webp = webp();
        webp[21] = (byte) 0xFF;
        webp[22] = (byte) 0xFF;
        webp[23] = (byte) 0xFF;
        webp[24] = (byte) 0x0F; // 16384 x 16384 in the VP8L header
        assertThat(refusal(write("big-webp.bin", webp), "capture.webp")).isEqualTo(Refusal.IMAGE_TOO_LARGE);
        byte[] trailing = java.util.Arrays.copyOf(webp(), webp().length + 4);
        assertThat(refusal(write("t.bin", trailing), "capture.webp")).as("data after the RIFF").isEqualTo(Refusal.IMAGE_UNREADABLE);
    }

    @Test
    void aPdfWhoseObjectStreamInflatesPastTheMemoryLimitIsRefusedUnopened() throws Exception {
        // 64 MiB of zeros compress to about 64 KiB: an object stream no legitimate file needs.
        java.io.ByteArrayOutputStream deflated = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.DeflaterOutputStream(deflated, new java.util.zip.Deflater(9))) {
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 65; i++) {
                out.write(zeros);
            }
        }
        ByteArrayOutputStream pdf = new ByteArrayOutputStream();
        pdf.writeBytes(("%PDF-1.7\n1 0 obj\n<< /Type /Obj#53tm /N 1 /First 4 /Filter /FlateDecode /Length " + deflated.size() + " >>\nstream\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        pdf.writeBytes(deflated.toByteArray());
        pdf.writeBytes("\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1));
        Path file = write("bomb.bin", pdf.toByteArray());
        assertThat(EvidenceCheck.checkPdfStreamsRefusal(file, 64L * 1024 * 1024)).isEqualTo(Refusal.PDF_TOO_LARGE);
        assertThat(refusal(file, "releve.pdf")).isEqualTo(Refusal.PDF_TOO_LARGE);
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    private static Refusal refusal(Path file, String submittedName) {
        return refusal(file, submittedName, MAX);
    }

    private static Refusal refusal(Path file, String submittedName, long max) {
        Refused refused = catchThrowableOfType(Refused.class, () -> EvidenceCheck.check(file, submittedName, max));
        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.getMessage()).as("the message never names the file").doesNotContain(submittedName);
        return refused.refusal();
    }

    private static byte[] image(String format) throws IOException {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 64, 48);
        g.setColor(Color.RED);
        g.drawString("SMS", 10, 30);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as(format).isTrue();
        return out.toByteArray();
    }

    /** A minimal lossless WebP (RIFF container, VP8L chunk): the JDK writes none. */
    private static byte[] webp() {
        byte[] vp8l = {0x2f, 0x00, 0x00, 0x00, 0x00, 0x07, 0x10, 0x11, 0x11, (byte) 0x88, (byte) 0x88, (byte) 0xfe, 0x07, 0x00};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        int size = 4 + 8 + vp8l.length;
        out.writeBytes(new byte[]{(byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
        out.writeBytes("WEBPVP8L".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[]{(byte) vp8l.length, 0, 0, 0});
        out.writeBytes(vp8l);
        return out.toByteArray();
    }

    private static byte[] pdf(Consumer<PDDocument> customise) throws IOException {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            doc.addPage(new PDPage(PDRectangle.A4));
            customise.accept(doc);
            doc.save((OutputStream) out);
            return out.toByteArray();
        }
    }

    private static void text(PDDocument doc, String text) {
        try (PDPageContentStream content = new PDPageContentStream(doc, doc.getPage(0))) {
            content.beginText();
            content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
            content.newLineAtOffset(72, 720);
            content.showText(text);
            content.endText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
