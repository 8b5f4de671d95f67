package fr.rempart.notify;

import fr.rempart.platform.csv.CsvExport;
import fr.rempart.platform.pdf.EmbeddedFont;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Postal breach letters (GDPR art. 34) for one print-shop batch: a single A4 PDF, each letter
 * starting on a new page, laid out for a DL/C5 window envelope, and a CSV manifest telling the
 * print shop where each letter starts and how many sheets it has.
 *
 * <p>PDFBox keeps the whole document in memory until it is saved; that is acceptable because a
 * batch is bounded (the caller cuts about 1,000 letters per batch). Both files are written beside
 * their target ({@code .part}) and renamed into place on {@link #close()}, the manifest last, so a
 * print shop that sees a manifest sees a complete PDF. Not thread-safe: one renderer per batch.
 *
 * <p>Not {@link AutoCloseable}: its {@code close()} returns nothing, and this one returns the {@link Batch}.
 * A renderer given up before {@link #close()} writes nothing and holds no file, only memory.
 */
public final class LetterRenderer {

    /**
     * One letter. Strings are already localised; body paragraphs are separated by "\n\n", a single
     * "\n" is a line break; {@code senderAddress} lines are separated by "\n"; {@code pageLabel} is a
     * {@link String#format} pattern taking the page and the letter's page count ("Page %d / %d").
     * The place and date are printed as "place, date".
     */
    public record Letter(String memberNumber, String recipientName, List<String> addressLines, String senderName,
                         String senderAddress, String place, String date, String subject, String body, String codeLabel,
                         String code, String pageLabel) {
        public Letter {
            addressLines = addressLines == null ? List.of() : List.copyOf(addressLines);
        }
    }

    /** What {@link #close()} wrote: {@code sha256} is the PDF's, in lower-case hex. */
    public record Batch(Path pdf, Path manifest, int letters, int pages, String sha256) {
    }

    private static final float MM = 72f / 25.4f;
    private static final float PAGE_WIDTH = PDRectangle.A4.getWidth();
    private static final float PAGE_HEIGHT = PDRectangle.A4.getHeight();
    private static final float LEFT = 20 * MM;
    private static final float TEXT_WIDTH = PAGE_WIDTH - 2 * LEFT;
    /** The address zone of a French window envelope (DL/C5): 100 mm from the left, from 45 mm down. */
    private static final float WINDOW_LEFT = 100 * MM;
    private static final float WINDOW_TOP = PAGE_HEIGHT - 46 * MM;
    private static final float WINDOW_WIDTH = PAGE_WIDTH - LEFT - WINDOW_LEFT;
    private static final float SENDER_TOP = PAGE_HEIGHT - 15 * MM;
    private static final float DATE_TOP = PAGE_HEIGHT - 97 * MM;
    private static final float SUBJECT_TOP = PAGE_HEIGHT - 108 * MM;
    private static final float CONTINUATION_TOP = PAGE_HEIGHT - 20 * MM;
    /** Body text stops here, leaving room for the footer. */
    private static final float BOTTOM = 25 * MM;
    private static final float FOOTER_BASELINE = 12 * MM;
    private static final float FOOTER_SIZE = 8;
    private static final float BODY_SIZE = 10.5f;
    private static final float BODY_LEADING = 14f;
    /** Liberation Sans's ascent, capital height and descent, in text size units: where to put a baseline in a box. */
    private static final float ASCENT = 0.905f;
    private static final float CAP_HEIGHT = 0.73f;
    private static final float DESCENT = 0.212f;
    private static final String[] HEADER = {"sequence", "member_number", "first_page", "pages", "name", "address"};

    /** What a letter's layout puts on a page, drawn once the letter's page count is known. */
    private interface Mark {
    }

    /** {@code bold} is the regular font filled and stroked: the one embedded font serves all text. */
    private record Text(float x, float baseline, float size, boolean bold, String text) implements Mark {
    }

    private record Frame(float x, float bottom, float width, float height) implements Mark {
    }

    private final Path pdf;
    private final Path manifest;
    private final PDDocument document = new PDDocument();
    /** Kept open until the document is saved: the subset is taken from it then. */
    private final EmbeddedFont font;
    private final List<String[]> rows = new ArrayList<>();
    private Batch batch;

    public LetterRenderer(Path pdf, Path manifest) {
        this.pdf = pdf;
        this.manifest = manifest;
        // Loaded once per document and embedded as a subset: only the glyphs the batch uses are written.
        try {
            font = EmbeddedFont.liberationSans(document);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /** Lays the letter out (1..n A4 pages), then draws it with its footers "page i / n". */
    public void add(Letter letter) {
        if (batch != null) {
            throw new IllegalStateException("Batch already closed: " + pdf);
        }
        List<List<Mark>> pages = layout(letter);
        int firstPage = document.getNumberOfPages() + 1;
        String reference = printable(letter.memberNumber());
        try {
            for (int i = 0; i < pages.size(); i++) {
                List<Mark> marks = new ArrayList<>(pages.get(i));
                marks.add(new Text(LEFT, FOOTER_BASELINE, FOOTER_SIZE, false, reference));
                // Locale.ROOT: page numbers in ASCII digits whatever the JVM's locale.
                String page = printable(String.format(Locale.ROOT, Objects.requireNonNullElse(letter.pageLabel(), "%d / %d"), i + 1, pages.size()));
                marks.add(new Text(PAGE_WIDTH - LEFT - width(page, FOOTER_SIZE), FOOTER_BASELINE, FOOTER_SIZE, false, page));
                draw(marks);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows.add(new String[]{String.valueOf(rows.size() + 1), letter.memberNumber(), String.valueOf(firstPage),
                String.valueOf(pages.size()), letter.recipientName(), String.join(" / ", letter.addressLines())});
    }

    /** Saves the PDF and the manifest (each aside, then renamed into place) and frees the document; a second call returns the same batch. */
    public Batch close() {
        if (batch != null) {
            return batch;
        }
        try (document; font) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            writeAside(pdf, out -> document.save(new DigestOutputStream(out, sha256)));
            writeAside(manifest, out -> {
                // Opened in a spreadsheet by the print shop: the BOM and the neutralised cells of every export.
                CsvExport csv = CsvExport.to(out);
                csv.row(HEADER);
                rows.forEach(csv::row);
                csv.flush();
            });
            batch = new Batch(pdf, manifest, rows.size(), document.getNumberOfPages(), HexFormat.of().formatHex(sha256.digest()));
            return batch;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<List<Mark>> layout(Letter letter) {
        Layout page = new Layout();
        page.y = SENDER_TOP;
        page.lines(LEFT, letter.senderName(), 9, 11, true, 75 * MM);
        page.lines(LEFT, letter.senderAddress(), 9, 11, false, 75 * MM);
        page.y = WINDOW_TOP;
        page.lines(WINDOW_LEFT, letter.recipientName(), 10, 12.5f, false, WINDOW_WIDTH);
        for (String line : letter.addressLines()) {
            page.lines(WINDOW_LEFT, line, 10, 12.5f, false, WINDOW_WIDTH);
        }
        page.y = Math.min(page.y - 8 * MM, DATE_TOP);
        page.lines(WINDOW_LEFT, join(letter.place(), letter.date()), BODY_SIZE, BODY_LEADING, false, WINDOW_WIDTH);
        page.y = Math.min(page.y - 6 * MM, SUBJECT_TOP);
        page.lines(LEFT, letter.subject(), 11.5f, 15, true, TEXT_WIDTH);
        page.y -= 4 * MM;
        String body = letter.body() == null ? "" : letter.body().replace("\r\n", "\n");
        for (String paragraph : body.split("\n\n")) {
            page.lines(LEFT, paragraph, BODY_SIZE, BODY_LEADING, false, TEXT_WIDTH);
            page.y -= BODY_LEADING / 2;
        }
        page.codeBox(letter.codeLabel(), letter.code());
        return page.pages;
    }

    /** A letter's pages being laid out, top to bottom, breaking to a new page at {@link #BOTTOM}. */
    private final class Layout {
        final List<List<Mark>> pages = new ArrayList<>(List.of(new ArrayList<>()));
        /** The top of the next line, in PDF units from the bottom of the page. */
        float y;

        void lines(float x, String text, float size, float leading, boolean bold, float width) {
            for (String line : wrap(printable(text), size, width)) {
                room(leading);
                if (!line.isEmpty()) {
                    current().add(new Text(x, y - ASCENT * size, size, bold, line));
                }
                y -= leading;
            }
        }

        /** The verification code, large in a frame with its label above, kept whole on one page. */
        void codeBox(String label, String code) {
            float pad = 4 * MM;
            float labelSize = 10;
            float labelLeading = 13;
            List<String> labelLines = wrap(printable(label), labelSize, TEXT_WIDTH - 2 * pad);
            String shown = printable(code).replace('\n', ' ');
            float codeSize = Math.min(20, 20 * (TEXT_WIDTH - 2 * pad) / Math.max(1, width(shown, 20)));
            float width = Math.min(TEXT_WIDTH, Math.max(80 * MM, 2 * pad + Math.max(width(shown, codeSize),
                    labelLines.stream().map(l -> width(l, labelSize)).reduce(0f, Math::max))));
            float height = pad + labelLines.size() * labelLeading + 2 * MM + (CAP_HEIGHT + DESCENT) * codeSize + pad;
            y -= 4 * MM;
            room(height);
            current().add(new Frame(LEFT, y - height, width, height));
            float top = y - pad;
            for (String line : labelLines) {
                current().add(new Text(LEFT + pad, top - ASCENT * labelSize, labelSize, false, line));
                top -= labelLeading;
            }
            current().add(new Text(LEFT + pad, top - 2 * MM - CAP_HEIGHT * codeSize, codeSize, true, shown));
            y -= height;
        }

        private void room(float height) {
            if (y - height < BOTTOM) {
                pages.add(new ArrayList<>());
                y = CONTINUATION_TOP;
            }
        }

        private List<Mark> current() {
            return pages.get(pages.size() - 1);
        }
    }

    private void draw(List<Mark> marks) throws IOException {
        PDPage page = new PDPage(PDRectangle.A4);
        document.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
            for (Mark mark : marks) {
                if (mark instanceof Frame f) {
                    content.setLineWidth(1.2f);
                    content.addRect(f.x(), f.bottom(), f.width(), f.height());
                    content.stroke();
                } else if (mark instanceof Text t) {
                    font.show(content, t.x(), t.baseline(), t.size(), t.bold(), t.text());
                }
            }
        }
    }

    private List<String> wrap(String text, float size, float width) {
        return font.wrap(text, size, width);
    }

    private String printable(String text) {
        return font.printable(text);
    }

    private float width(String printable, float size) {
        return font.width(printable, size);
    }

    private static String join(String place, String date) {
        return place == null || place.isBlank() ? date : date == null || date.isBlank() ? place : place + ", " + date;
    }

    @FunctionalInterface
    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code target}.part, flushes it to disk, then renames it over {@code target}: readers never see half a file. */
    private static void writeAside(Path target, Content content) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(part))) {
                content.writeTo(out);
            }
            try (FileChannel written = FileChannel.open(part, StandardOpenOption.WRITE)) {
                written.force(true);
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
    }

    private void closeQuietly() {
        try {
            document.close();
        } catch (IOException ignored) {
            // already failing: the original error is the one reported
        }
    }
}
