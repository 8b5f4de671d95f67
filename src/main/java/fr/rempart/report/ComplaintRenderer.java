package fr.rempart.report;

import fr.rempart.member.BirthDates;
import fr.rempart.platform.pdf.EmbeddedFont;
import fr.rempart.platform.web.Messages;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The printable pre-complaint a victim leaves with: the facts in the order a police officer records
 * them (identity, then what happened), the evidence with its SHA-256 so the officer can check it was
 * not altered, for an identity theft a typed complaint letter to the procureur ready to sign, and the
 * official channels that fit the case (reference/victim-help.md). Rempart files nothing itself: the
 * document says so on its first page.
 *
 * <p>Every text the member typed is drawn as it is (a PDF interprets no markup), with the characters
 * the font cannot draw shown as '?'. The letter is always in French: it goes to a French court.
 */
public final class ComplaintRenderer {

    /** One evidence file as stored: its sanitised name, detected content type, size and SHA-256 (hex). */
    public record Evidence(String fileName, String contentType, long sizeBytes, String sha256) {
    }

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final float MM = 72f / 25.4f;
    private static final float PAGE_WIDTH = PDRectangle.A4.getWidth();
    private static final float PAGE_HEIGHT = PDRectangle.A4.getHeight();
    private static final float LEFT = 20 * MM;
    private static final float TEXT_WIDTH = PAGE_WIDTH - 2 * LEFT;
    private static final float TOP = PAGE_HEIGHT - 20 * MM;
    /** Text stops here, leaving room for the footer. */
    private static final float BOTTOM = 22 * MM;
    private static final float FOOTER_BASELINE = 12 * MM;
    private static final float FOOTER_SIZE = 8;
    /** A fact is a row: its label in the left column, its value beside it. */
    private static final float LABEL_WIDTH = 55 * MM;
    private static final float VALUE_X = LEFT + LABEL_WIDTH + 4 * MM;
    private static final float VALUE_WIDTH = PAGE_WIDTH - LEFT - VALUE_X;
    /** The letter's recipient and date, on the right as in a French letter. */
    private static final float RIGHT_BLOCK_X = 100 * MM;
    private static final float RIGHT_BLOCK_WIDTH = PAGE_WIDTH - LEFT - RIGHT_BLOCK_X;
    private static final float BODY_SIZE = 10;
    private static final float BODY_LEADING = 13.5f;
    private static final float SMALL_SIZE = 9;
    private static final float SMALL_LEADING = 12;
    private static final float HEADING_SIZE = 12.5f;
    private static final float HEADING_LEADING = 16;
    /** Liberation Sans's ascent in text size units: where the baseline sits below the top of a line. */
    private static final float ASCENT = 0.905f;
    /** The complaint letter goes to a French procureur whatever the member's language. */
    private static final Locale LETTER = Locale.FRENCH;

    /** What the layout puts on a page, drawn once the page count is known (for the footers). */
    private interface Mark {
    }

    /** {@code bold} is the regular font filled and stroked: one embedded font serves all text. */
    private record Text(float x, float baseline, float size, boolean bold, String text) implements Mark {
    }

    private record Rule(float x, float y, float width) implements Mark {
    }

    private final EmbeddedFont font;
    private final Locale locale;
    private final ReportReference reference;
    private final ZonedDateTime filedAt;
    private final ReportForm form;
    private final List<Evidence> evidence;
    private final String mutualName;
    private final List<List<Mark>> pages = new ArrayList<>(List.of(new ArrayList<>()));
    /** The top of the next line, in PDF units from the bottom of the page. */
    private float y = TOP;

    private ComplaintRenderer(EmbeddedFont font, Locale locale, ReportReference reference, Instant filedAt, ReportForm form,
                              List<Evidence> evidence, String mutualName) {
        this.font = font;
        this.locale = locale;
        this.reference = reference;
        this.filedAt = filedAt.atZone(PARIS);
        this.form = form;
        this.evidence = evidence == null ? List.of() : List.copyOf(evidence);
        this.mutualName = mutualName == null ? "" : mutualName;
    }

    /** The whole PDF (A4), in the given locale (French or English). */
    public static byte[] render(ReportReference reference, Instant filedAt, ReportForm form, List<Evidence> evidence,
                                List<OfficialChannels.Route> routes, String mutualName, Locale locale) {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(filedAt, "filedAt");
        Objects.requireNonNull(form, "form");
        Locale language = Messages.supported(locale);
        try (PDDocument document = new PDDocument(); EmbeddedFont font = EmbeddedFont.liberationSans(document)) {
            ComplaintRenderer renderer = new ComplaintRenderer(font, language, reference, filedAt, form, evidence, mutualName);
            renderer.summary();
            if (renderer.identityTheft()) {
                renderer.letter();
            }
            renderer.routes(routes == null ? List.of() : routes);
            renderer.draw(document);
            PDDocumentInformation info = document.getDocumentInformation();
            // The reference only: the victim's name stays out of metadata, which indexers and mail previews show.
            info.setTitle(renderer.label("complaint.title") + " " + reference.value());
            info.setCreator("Rempart");
            document.getDocumentCatalog().setLanguage(language.getLanguage());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Identity theft (art. 226-4-1 Code pénal): an identity used, or what it takes to use one given away. */
    private boolean identityTheft() {
        Set<Report.Information> given = form.informationSet();
        return form.kindSet().contains(Report.Kind.IDENTITY_USED) || given.contains(Report.Information.IDENTITY_DOCUMENTS)
                || given.contains(Report.Information.NIR);
    }

    // ---- The summary: title, identity, facts, evidence ----

    private void summary() {
        lines(LEFT, label("complaint.title"), 16, 20, true, TEXT_WIDTH);
        y -= 2 * MM;
        field("complaint.reference", reference.value());
        field("complaint.filed-at", Messages.get(locale, "complaint.filed-at.value",
                filedAt.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale)),
                filedAt.format(DateTimeFormatter.ofPattern("HH:mm", locale))));
        field("complaint.mutual", mutualName);
        y -= 2 * MM;
        lines(LEFT, label("complaint.notice"), BODY_SIZE, BODY_LEADING, true, TEXT_WIDTH);

        heading("complaint.identity");
        field("complaint.identity.last-name", form.lastName());
        field("complaint.identity.first-name", form.firstName());
        field("complaint.identity.birth-date", date(form.birthDate(), locale));
        field("complaint.identity.email", form.contactEmail());
        field("complaint.identity.phone", form.phone());
        field("complaint.identity.postcode", form.postcode());

        heading("complaint.facts");
        field("complaint.facts.date", date(form.occurredOn(), locale));
        field("complaint.facts.channel", form.channelValue().map(c -> label("complaint.channel." + c.name())).orElse(form.channel()));
        field("complaint.facts.sender", form.senderValue().map(s -> sender("complaint.sender.", s, locale)).orElse(form.claimedSender()));
        field("complaint.facts.sender-address", form.senderAddress());
        field("complaint.facts.sender-number", form.senderNumber());
        field("complaint.facts.link", form.linkOrNumber());
        field("complaint.facts.kinds", labels(form.kindSet().stream().map(k -> "complaint.kind." + k.name()).toList(), locale));
        field("complaint.facts.information", labels(form.informationSet().stream().map(i -> "complaint.information." + i.name()).toList(), locale));
        field("complaint.facts.organisation", form.organisation());
        field("complaint.facts.identity-use", form.identityUse());
        field("complaint.facts.amount", amount(locale).orElse(null));
        field("complaint.facts.payment", form.paymentMethod());
        if (!blank(form.messageText())) {
            y -= 1 * MM;
            lines(LEFT, label("complaint.facts.message"), BODY_SIZE, BODY_LEADING, true, TEXT_WIDTH);
            // Indented so that the member's words stand apart from the labels.
            lines(LEFT + 4 * MM, form.messageText(), BODY_SIZE, BODY_LEADING, false, TEXT_WIDTH - 4 * MM);
        }

        heading("complaint.evidence");
        if (evidence.isEmpty()) {
            lines(LEFT, label("complaint.evidence.none"), BODY_SIZE, BODY_LEADING, false, TEXT_WIDTH);
        } else {
            lines(LEFT, label("complaint.evidence.integrity"), SMALL_SIZE, SMALL_LEADING, false, TEXT_WIDTH);
            for (int i = 0; i < evidence.size(); i++) {
                Evidence file = evidence.get(i);
                y -= 1.5f * MM;
                room(BODY_LEADING + 3 * SMALL_LEADING);
                lines(LEFT, (i + 1) + ". " + Objects.toString(file.fileName(), ""), BODY_SIZE, BODY_LEADING, true, TEXT_WIDTH);
                lines(LEFT + 5 * MM, label("complaint.evidence.type") + " " + Objects.toString(file.contentType(), "")
                        + " — " + label("complaint.evidence.size") + " " + size(file.sizeBytes()), SMALL_SIZE, SMALL_LEADING, false, TEXT_WIDTH - 5 * MM);
                lines(LEFT + 5 * MM, label("complaint.evidence.sha256") + " " + Objects.toString(file.sha256(), ""),
                        SMALL_SIZE, SMALL_LEADING, false, TEXT_WIDTH - 5 * MM);
            }
        }
        if (identityTheft()) {
            y -= 4 * MM;
            lines(LEFT, label("complaint.letter.note"), SMALL_SIZE, SMALL_LEADING, true, TEXT_WIDTH);
        }
    }

    // ---- The complaint letter to the procureur, in French, on pages of its own so it can be sent alone ----

    private void letter() {
        newPage();
        String name = join(" ", form.firstName(), form.lastName());
        lines(LEFT, name, BODY_SIZE, BODY_LEADING, true, 80 * MM);
        lines(LEFT, fr("complaint.letter.sender-address"), BODY_SIZE, BODY_LEADING, false, 80 * MM);
        lines(LEFT, fr("complaint.letter.sender-city", Objects.toString(form.postcode(), "").strip()), BODY_SIZE, BODY_LEADING, false, 80 * MM);
        for (String line : List.of(join(" ", form.phone()), join(" ", form.contactEmail()))) {
            if (!line.isEmpty()) {
                lines(LEFT, line, BODY_SIZE, BODY_LEADING, false, 80 * MM);
            }
        }
        y -= 8 * MM;
        lines(RIGHT_BLOCK_X, fr("complaint.letter.recipient"), BODY_SIZE, BODY_LEADING, true, RIGHT_BLOCK_WIDTH);
        lines(RIGHT_BLOCK_X, fr("complaint.letter.court"), BODY_SIZE, BODY_LEADING, false, RIGHT_BLOCK_WIDTH);
        lines(RIGHT_BLOCK_X, fr("complaint.letter.court-address"), BODY_SIZE, BODY_LEADING, false, RIGHT_BLOCK_WIDTH);
        y -= 6 * MM;
        lines(RIGHT_BLOCK_X, fr("complaint.letter.place-date"), BODY_SIZE, BODY_LEADING, false, RIGHT_BLOCK_WIDTH);
        y -= 6 * MM;
        lines(LEFT, fr("complaint.letter.registered"), BODY_SIZE, BODY_LEADING, false, TEXT_WIDTH);
        lines(LEFT, fr("complaint.letter.subject"), 11, 15, true, TEXT_WIDTH);
        y -= 4 * MM;
        paragraph(fr("complaint.letter.salutation"));
        paragraph(fr("complaint.letter.intro", Objects.toString(form.firstName(), "").strip(), Objects.toString(form.lastName(), "").strip(),
                date(form.birthDate(), LETTER)));

        String channel = form.channelValue().map(c -> fr("complaint.letter.channel." + c.name())).orElse(Objects.toString(form.channel(), ""));
        String sender = form.senderValue().map(s -> sender("complaint.letter.sender.", s, LETTER)).orElse(Objects.toString(form.claimedSender(), ""));
        StringBuilder facts = new StringBuilder(fr("complaint.letter.contact", date(form.occurredOn(), LETTER), channel, sender));
        String from = join(" / ", form.senderAddress(), form.senderNumber());
        if (!from.isEmpty()) {
            facts.append(' ').append(fr("complaint.letter.contact.from", from));
        }
        if (!blank(form.linkOrNumber())) {
            facts.append(' ').append(fr("complaint.letter.contact.link", form.linkOrNumber().strip()));
        }
        if (!form.informationSet().isEmpty()) {
            String given = form.informationSet().stream().map(i -> lowerFirst(fr("complaint.information." + i.name()))).collect(Collectors.joining(", "));
            facts.append(' ').append(fr("complaint.letter.information", given));
        }
        paragraph(facts.toString());
        if (!blank(form.organisation()) || !blank(form.identityUse())) {
            StringBuilder use = new StringBuilder();
            if (!blank(form.organisation())) {
                use.append(fr("complaint.letter.identity-use", form.organisation().strip()));
            }
            if (!blank(form.identityUse())) {
                use.append(use.isEmpty() ? "" : "\n").append(fr("complaint.letter.identity-use.what", form.identityUse().strip()));
            }
            paragraph(use.toString());
        }
        amount(LETTER).ifPresent(amount -> paragraph(fr("complaint.letter.money", amount)
                + (blank(form.paymentMethod()) ? "" : " " + fr("complaint.letter.money.method", form.paymentMethod().strip()))));
        paragraph(fr("complaint.letter.reported", mutualName, filedAt.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(LETTER)),
                reference.value()));

        paragraph(fr("complaint.letter.enclosed"));
        List<String> enclosed = new ArrayList<>();
        for (int i = 0; i < evidence.size(); i++) {
            enclosed.add(fr("complaint.letter.enclosed.item", String.valueOf(i + 1), Objects.toString(evidence.get(i).fileName(), "")));
        }
        enclosed.add(fr("complaint.letter.enclosed.item", String.valueOf(evidence.size() + 1), fr("complaint.letter.enclosed.summary", reference.value())));
        for (String item : enclosed) {
            lines(LEFT + 5 * MM, "– " + item, BODY_SIZE, BODY_LEADING, false, TEXT_WIDTH - 5 * MM);
        }
        y -= BODY_LEADING / 2;
        paragraph(fr("complaint.letter.follow-up"));
        paragraph(fr("complaint.letter.closing"));
        y -= 4 * MM;
        // "Signature :" and the room to sign below it are kept together on one page.
        room(BODY_LEADING + 30 * MM);
        lines(RIGHT_BLOCK_X, fr("complaint.letter.signature"), BODY_SIZE, BODY_LEADING, true, RIGHT_BLOCK_WIDTH);
        y -= 30 * MM;
    }

    // ---- Where to go next ----

    private void routes(List<OfficialChannels.Route> routes) {
        if (identityTheft()) {
            // The letter's pages stay free of anything else: they are sent as they are.
            newPage();
        }
        heading("complaint.routes");
        if (routes.isEmpty()) {
            lines(LEFT, label("complaint.routes.none"), BODY_SIZE, BODY_LEADING, false, TEXT_WIDTH);
        }
        for (OfficialChannels.Route route : routes) {
            y -= 1.5f * MM;
            room(3 * BODY_LEADING);
            lines(LEFT, route.title(locale), BODY_SIZE, BODY_LEADING, true, TEXT_WIDTH);
            lines(LEFT + 5 * MM, route.how(locale), BODY_SIZE, BODY_LEADING, false, TEXT_WIDTH - 5 * MM);
            lines(LEFT + 5 * MM, label("report.route.bring") + " " + route.bring(locale), BODY_SIZE, BODY_LEADING, false, TEXT_WIDTH - 5 * MM);
        }
    }

    // ---- Layout ----

    /** A section title with a rule under it, never alone at the bottom of a page. */
    private void heading(String key) {
        y -= 5 * MM;
        room(HEADING_LEADING + 2 * MM + 2 * BODY_LEADING);
        lines(LEFT, label(key), HEADING_SIZE, HEADING_LEADING, true, TEXT_WIDTH);
        current().add(new Rule(LEFT, y + 3, TEXT_WIDTH));
        y -= 2 * MM;
    }

    /** One fact as a row, label left and value right, each wrapped in its column; nothing when the value is blank. */
    private void field(String key, String value) {
        if (blank(value)) {
            return;
        }
        List<String> labelLines = font.wrap(clean(label(key)), BODY_SIZE, LABEL_WIDTH);
        List<String> valueLines = font.wrap(clean(value), BODY_SIZE, VALUE_WIDTH);
        for (int i = 0; i < Math.max(labelLines.size(), valueLines.size()); i++) {
            room(BODY_LEADING);
            float baseline = y - ASCENT * BODY_SIZE;
            if (i < labelLines.size() && !labelLines.get(i).isEmpty()) {
                current().add(new Text(LEFT, baseline, BODY_SIZE, true, labelLines.get(i)));
            }
            if (i < valueLines.size() && !valueLines.get(i).isEmpty()) {
                current().add(new Text(VALUE_X, baseline, BODY_SIZE, false, valueLines.get(i)));
            }
            y -= BODY_LEADING;
        }
        y -= 1;
    }

    private void paragraph(String text) {
        lines(LEFT, text, BODY_SIZE, BODY_LEADING, false, TEXT_WIDTH);
        y -= BODY_LEADING / 2;
    }

    /** The text wrapped to {@code width}, a new page whenever the next line would cross {@link #BOTTOM}. */
    private void lines(float x, String text, float size, float leading, boolean bold, float width) {
        for (String line : font.wrap(clean(text), size, width)) {
            room(leading);
            if (!line.isEmpty()) {
                current().add(new Text(x, y - ASCENT * size, size, bold, line));
            }
            y -= leading;
        }
    }

    private void room(float height) {
        if (y - height < BOTTOM) {
            newPage();
        }
    }

    private void newPage() {
        if (!current().isEmpty()) {
            pages.add(new ArrayList<>());
        }
        y = TOP;
    }

    private List<Mark> current() {
        return pages.get(pages.size() - 1);
    }

    /** Draws every page with its footer: the reference, and "page i / n". */
    private void draw(PDDocument document) throws IOException {
        String ref = clean(reference.value());
        for (int i = 0; i < pages.size(); i++) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            List<Mark> marks = new ArrayList<>(pages.get(i));
            marks.add(new Text(LEFT, FOOTER_BASELINE, FOOTER_SIZE, false, ref));
            String number = clean(label("complaint.page", String.valueOf(i + 1), String.valueOf(pages.size())));
            marks.add(new Text(PAGE_WIDTH - LEFT - font.width(number, FOOTER_SIZE), FOOTER_BASELINE, FOOTER_SIZE, false, number));
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                for (Mark mark : marks) {
                    if (mark instanceof Rule r) {
                        content.setLineWidth(0.6f);
                        content.moveTo(r.x(), r.y());
                        content.lineTo(r.x() + r.width(), r.y());
                        content.stroke();
                    } else if (mark instanceof Text t) {
                        font.show(content, t.x(), t.baseline(), t.size(), t.bold(), t.text());
                    }
                }
            }
        }
    }

    /**
     * The text as it can be drawn: every line break (CR, LF, CRLF, Unicode separators) a "\n", control and
     * format characters (bidi overrides, zero-width…) a visible '?', then what the font lacks a '?' too.
     */
    private String clean(String text) {
        if (text == null) {
            return "";
        }
        String lines = text.strip().replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n').replace('\u2029', '\n').replace('\u0085', '\n');
        StringBuilder out = new StringBuilder(lines.length());
        lines.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (cp != '\n' && cp != '\t' && (type == Character.CONTROL || type == Character.FORMAT)) {
                out.append('?');
            } else {
                out.appendCodePoint(cp);
            }
        });
        return font.printable(out.toString());
    }

    // ---- Texts ----

    private String label(String key, Object... arguments) {
        return Messages.get(locale, key, arguments);
    }

    private static String fr(String key, Object... arguments) {
        return Messages.get(LETTER, key, arguments);
    }

    private String sender(String prefix, Report.Sender sender, Locale in) {
        // Only the mutual's label takes an argument (its name); the others are read without MessageFormat.
        return sender == Report.Sender.MUTUAL ? Messages.get(in, prefix + sender.name(), mutualName) : Messages.get(in, prefix + sender.name());
    }

    private static String labels(List<String> keys, Locale in) {
        return keys.stream().map(k -> Messages.get(in, k)).collect(Collectors.joining(", "));
    }

    /** A date as the form took it (dd/MM/yyyy or yyyy-MM-dd), written out in full; as typed if it does not parse. */
    private static String date(String raw, Locale in) {
        Optional<LocalDate> date = BirthDates.parse(raw);
        return date.map(d -> d.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(in))).orElse(raw == null ? "" : raw.strip());
    }

    /** The amount in euros as the locale writes it ("350,50 €", "€350.50"), or as typed if it is not well formed. */
    private Optional<String> amount(Locale in) {
        if (blank(form.amount())) {
            return Optional.empty();
        }
        Function<Long, String> euros = cents -> {
            NumberFormat format = NumberFormat.getCurrencyInstance(Locale.FRENCH.equals(in) ? Locale.FRANCE : Locale.UK);
            format.setCurrency(Currency.getInstance("EUR"));
            return format.format(BigDecimal.valueOf(cents, 2));
        };
        return Optional.of(form.amountInCents().map(euros).orElse(form.amount().strip()));
    }

    private String size(long bytes) {
        DecimalFormat one = new DecimalFormat("0.#", DecimalFormatSymbols.getInstance(locale));
        if (bytes < 1024) {
            return label("complaint.size.bytes", String.valueOf(Math.max(0, bytes)));
        }
        if (bytes < 1024 * 1024) {
            return label("complaint.size.kb", one.format(bytes / 1024.0));
        }
        return label("complaint.size.mb", one.format(bytes / (1024.0 * 1024.0)));
    }

    private static String join(String separator, String... parts) {
        List<String> given = new ArrayList<>();
        for (String part : parts) {
            if (!blank(part)) {
                given.add(part.strip());
            }
        }
        return String.join(separator, given);
    }

    private static String lowerFirst(String text) {
        return text.isEmpty() ? text : text.substring(0, 1).toLowerCase(LETTER) + text.substring(1);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
