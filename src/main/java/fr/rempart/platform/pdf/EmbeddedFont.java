package fr.rempart.platform.pdf;

import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Liberation Sans (shipped in PDFBox's resources) embedded as a subset in one document, with what
 * laying text out needs: which characters it can draw, how wide a text is, where lines break.
 *
 * <p>The font file stays open until the document is saved, since the subset is taken from it then:
 * {@link #close()} it after {@code document.save}. Not thread-safe: one per document.
 */
public final class EmbeddedFont implements Closeable {

    private static final String LIBERATION_SANS = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";

    private final TrueTypeFont ttf;
    private final PDType0Font font;
    /** Glyph widths by code point (NaN: the font has no glyph), so each character is looked up once per document. */
    private final Map<Integer, Float> widths = new HashMap<>();

    private EmbeddedFont(TrueTypeFont ttf, PDType0Font font) {
        this.ttf = ttf;
        this.font = font;
    }

    /** Loads the font into {@code document}; only the glyphs used are written when it is saved. */
    public static EmbeddedFont liberationSans(PDDocument document) {
        try (InputStream in = EmbeddedFont.class.getResourceAsStream(LIBERATION_SANS)) {
            TrueTypeFont ttf = new TTFParser().parse(new RandomAccessReadBuffer(in));
            try {
                // PDFBox applies the font's GSUB rules (ligatures) in showText word by word, compiling a regular
                // expression for each word: 25 ms a two-page letter instead of 0.5 ms. Our documents need no ligature.
                ttf.setEnableGsub(false);
                return new EmbeddedFont(ttf, PDType0Font.load(document, ttf, true));
            } catch (IOException | RuntimeException e) {
                ttf.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PDType0Font font() {
        return font;
    }

    /** The text as the font can draw it: a character without a glyph (emoji, CJK…) becomes '?', a tab a space, CRLF a "\n". */
    public String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.replace("\r\n", "\n").codePoints().forEach(cp -> {
            if (cp == '\n') {
                out.append('\n');
            } else if (cp == '\t') {
                out.append(' ');
            } else if (Float.isNaN(glyphWidth(cp))) {
                out.append('?');
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** The width of a {@link #printable} text at {@code size}, in PDF units. */
    public float width(String printable, float size) {
        return (float) printable.codePoints().mapToDouble(this::glyphWidth).sum() * size / 1000;
    }

    /**
     * Lines of a {@link #printable} text no wider than {@code width}: "\n" breaks a line, spaces are where
     * lines break, a word wider than the line is cut where it overflows.
     */
    public List<String> wrap(String printable, float size, float width) {
        List<String> lines = new ArrayList<>();
        float space = width(" ", size);
        for (String paragraph : printable.split("\n", -1)) {
            StringBuilder line = new StringBuilder();
            float used = 0;
            for (String word : paragraph.split(" ")) {
                if (word.isEmpty()) {
                    continue;
                }
                float w = width(word, size);
                if (!line.isEmpty() && used + space + w <= width) {
                    line.append(' ').append(word);
                    used += space + w;
                    continue;
                }
                if (!line.isEmpty()) {
                    lines.add(line.toString());
                }
                while (w > width) {
                    int cut = fit(word, size, width);
                    lines.add(word.substring(0, cut));
                    word = word.substring(cut);
                    w = width(word, size);
                }
                line = new StringBuilder(word);
                used = w;
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** How many chars of {@code word} fit in {@code width}: at least one code point, so that cutting always progresses. */
    private int fit(String word, float size, float width) {
        float used = 0;
        int end = Character.charCount(word.codePointAt(0));
        used += glyphWidth(word.codePointAt(0)) * size / 1000;
        while (end < word.length()) {
            int cp = word.codePointAt(end);
            used += glyphWidth(cp) * size / 1000;
            if (used > width) {
                break;
            }
            end += Character.charCount(cp);
        }
        return end;
    }

    /**
     * The glyph's advance in thousandths of the text size, NaN when the font has none. Asked through
     * {@code getStringWidth}, which throws for a missing glyph: {@code PDType0Font.hasGlyph} takes a
     * character code of the font, not a Unicode code point.
     */
    private float glyphWidth(int codePoint) {
        return widths.computeIfAbsent(codePoint, cp -> {
            try {
                return font.getStringWidth(Character.toString(cp));
            } catch (IllegalArgumentException e) {
                return Float.NaN;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Draws a line of printable text with its baseline at ({@code x}, {@code baseline}). Bold is this
     * regular font filled and stroked: one embedded font serves every text of the document.
     */
    public void show(org.apache.pdfbox.pdmodel.PDPageContentStream content, float x, float baseline, float size, boolean bold, String printable)
            throws IOException {
        if (bold) {
            content.setLineWidth(size * 0.035f);
        }
        content.beginText();
        content.setFont(font(), size);
        content.setRenderingMode(bold ? org.apache.pdfbox.pdmodel.graphics.state.RenderingMode.FILL_STROKE
                : org.apache.pdfbox.pdmodel.graphics.state.RenderingMode.FILL);
        content.newLineAtOffset(x, baseline);
        content.showText(printable);
        content.endText();
    }

    @Override
    public void close() throws IOException {
        ttf.close();
    }
}
