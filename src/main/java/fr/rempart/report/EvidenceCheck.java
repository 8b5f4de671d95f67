package fr.rempart.report;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSDocument;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeTypes;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Enumeration;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a member's evidence file (a screenshot, a saved e-mail, a PDF attached to a report) is acceptable,
 * judged by its content, not by its name; the name's extension must then agree with that content.
 *
 * <p>The type comes from Tika's magic (tika-core's {@link MimeTypes}, fed the bytes only: the metadata carries no
 * file name, so the name cannot sway it). A PDF is then opened with PDFBox and refused if it carries anything
 * active (JavaScript, launch actions, embedded files, XFA, rich media) or cannot be inspected (encrypted,
 * unreadable). A saved e-mail is parsed with Jakarta Mail.
 *
 * <p>PNG, JPEG and GIF images are decoded whole with {@code javax.imageio} before acceptance, their size in pixels
 * bounded first (from the header, before any pixel is decoded); a PNG must end with its IEND chunk (no data after
 * it: a PNG followed by a ZIP is refused). The JDK reads no WebP and no well-kept pure-Java WebP decoder is on Maven
 * Central, so a WebP gets a structure check instead: its RIFF chunks must fill the file exactly, the first must be a
 * VP8, VP8L or VP8X image whose dimensions are within the bound. A PDF is opened with a memory limit
 * ({@code MemoryUsageSetting}): decoded object streams beyond it make it refused, never the heap exhausted.
 *
 * <p>Nothing here logs: neither the content nor the name of a file (a member's evidence is personal data).
 */
public final class EvidenceCheck {

    /** Accepted: the sanitised file name to store and show, the content type detected. */
    public record Accepted(String fileName, String contentType) { }

    /** Why a file is refused: a stable code; the message key is "report.evidence.refused.<code>" (kebab-case code). */
    public enum Refusal {
        EMPTY, TOO_LARGE, TYPE_NOT_ALLOWED, NAME_MISMATCH, PDF_ACTIVE_CONTENT, PDF_ENCRYPTED, PDF_UNREADABLE, EML_UNREADABLE,
        IMAGE_UNREADABLE, IMAGE_TOO_LARGE, PDF_TOO_LARGE;

        /** The kebab-case code: {@code type-not-allowed}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * The message key, {@code report.evidence.refused.<code>}; its arguments are {@code {0}} the (safe) file
         * name, {@code {1}} the maximum size in MB.
         */
        public String messageKey() {
            return "report.evidence.refused." + code();
        }
    }

    /** A refused file. Its message is the refusal's code only: never the file's name nor its content. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final Refusal refusal;

        public Refused(Refusal refusal) {
            super(refusal.code(), null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";
    public static final String GIF = "image/gif";
    public static final String WEBP = "image/webp";
    public static final String PDF = "application/pdf";
    public static final String EML = "message/rfc822";

    /** The extensions (lower case) each accepted content type may be named with. */
    private static final Map<String, Set<String>> EXTENSIONS = Map.of(
            PNG, Set.of("png"),
            JPEG, Set.of("jpg", "jpeg"),
            GIF, Set.of("gif"),
            WEBP, Set.of("webp"),
            PDF, Set.of("pdf"),
            EML, Set.of("eml"));

    static final int MAX_NAME_LENGTH = 120;
    static final String FALLBACK_NAME = "piece-jointe";
    private static final Pattern EXTENSION = Pattern.compile("[A-Za-z0-9]{1,10}");
    /** Characters that Windows refuses in a file name (the separators are dealt with before). */
    private static final Pattern RESERVED = Pattern.compile("[<>:\"|?*]");

    /** Tika's magic and XML-root detection alone, as shipped in tika-core: the same answer whatever else is on the class path. */
    private static final MimeTypes MAGIC = MimeTypes.getDefaultMimeTypes();
    private static final MediaTypeRegistry REGISTRY = MAGIC.getMediaTypeRegistry();
    private static final MediaType RFC822 = MediaType.parse(EML);

    /** PDF: at most this many COS objects (dictionaries, arrays, indirect objects) looked at; a 5 MB file has far fewer. */
    static final int MAX_PDF_NODES = 500_000;

    /** PDF names whose presence, as a key or a value, anywhere in the document, means active or hidden content. */
    private static final Set<COSName> ACTIVE_PDF_NAMES = Set.of(
            COSName.JS,                              // JavaScript code of an action
            COSName.JAVA_SCRIPT,                     // /S /JavaScript actions, the document's /JavaScript name tree
            COSName.getPDFName("Launch"),            // /S /Launch: run a program or open a file
            COSName.EMBEDDED_FILES,                  // the catalog's /Names /EmbeddedFiles
            COSName.EMBEDDED_FILE,                   // /Type /EmbeddedFile streams
            COSName.EF,                              // a file specification's embedded file stream(s)
            COSName.getPDFName("FileAttachment"),    // file attachment annotations
            COSName.XFA,                             // XFA forms (scriptable)
            COSName.getPDFName("RichMedia"),         // Flash / 3D rich media annotations
            COSName.getPDFName("RichMediaContent"),
            COSName.getPDFName("RichMediaExecute"));

    private static final Pattern HEADER_LINE = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]+[ \\t]*:.*", Pattern.DOTALL);

    /** What a check may cost: the file's size, an image's pixels (all frames), the memory PDFBox may use. */
    public record Limits(long maxBytes, long maxPixels, long pdfMaxMemoryBytes) {
        public static Limits of(long maxBytes) {
            return new Limits(maxBytes, 40_000_000L, 64L * 1024 * 1024);
        }
    }

    /** No side longer than this, whatever the pixel count (a 1 x 40,000,000 strip is no screenshot). */
    static final int MAX_SIDE = 20_000;
    /** A GIF with more frames is refused: each is decoded. */
    static final int MAX_FRAMES = 200;
    /** Decoded pixels kept in memory at once: the image is decoded whole, but into a subsampled raster this size at most. */
    private static final long DECODED_PIXELS = 4_000_000L;
    /** Two decodings at once, whatever the number of uploads: CPU and memory stay bounded on a busy node. */
    private static final java.util.concurrent.Semaphore DECODING = new java.util.concurrent.Semaphore(2);

    private EvidenceCheck() {
    }

    public static Accepted check(Path file, String submittedName, long maxBytes) throws Refused {
        return check(file, submittedName, Limits.of(maxBytes));
    }

    /**
     * Checks the file (already written to a temporary file by the caller) whose name the browser sent.
     *
     * @throws Refused              the member's file is not acceptable, with the reason to tell them
     * @throws UncheckedIOException the temporary file could not be read (a server fault)
     */
    public static Accepted check(Path file, String submittedName, Limits limits) throws Refused {
        long maxBytes = limits.maxBytes();
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new Refused(Refusal.EMPTY);
            }
            if (size > maxBytes) {
                throw new Refused(Refusal.TOO_LARGE);
            }
            String name = safeName(submittedName);
            String extension = extension(name);
            MediaType detected = detect(file);
            String type = detected.getBaseType().toString();

            if (EXTENSIONS.containsKey(type) && !EML.equals(type)) {
                if (!EXTENSIONS.get(type).contains(extension)) {
                    throw new Refused(Refusal.NAME_MISMATCH);
                }
                if (PDF.equals(type)) {
                    checkPdf(file, limits.pdfMaxMemoryBytes());
                } else if (WEBP.equals(type)) {
                    checkWebp(file, limits.maxPixels());
                } else {
                    checkImage(file, type, limits.maxPixels());
                    if (PNG.equals(type)) {
                        checkPngEnd(file);
                    }
                }
                return new Accepted(name, type);
            }
            // A saved e-mail: Tika's magic only knows some header orders; when it sees text (or a kind of message,
            // such as multipart/related for an e-mail with inline images), the e-mail parser decides.
            boolean mailLike = EML.equals(type) || isText(detected) || REGISTRY.isSpecializationOf(detected, RFC822);
            if (!mailLike) {
                throw new Refused(Refusal.TYPE_NOT_ALLOWED);
            }
            if (!"eml".equals(extension)) {
                // Named as something else: an e-mail named .txt is a mismatch, plain text named .png is not allowed.
                throw new Refused(EML.equals(type) ? Refusal.NAME_MISMATCH : Refusal.TYPE_NOT_ALLOWED);
            }
            checkEml(file);
            return new Accepted(name, EML);
        } catch (IOException e) {
            // The caller's temporary file could not be read: a server fault, not the member's.
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isText(MediaType type) {
        return MediaType.TEXT_PLAIN.equals(type.getBaseType());
    }

    private static MediaType detect(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return MAGIC.detect(in, new Metadata()); // no resource name in the metadata: content only
        }
    }

    /** The lower-case extension of a safe name, or "" if it has none. */
    private static String extension(String safeName) {
        int dot = safeName.lastIndexOf('.');
        return dot < 0 ? "" : safeName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- PDF

    private static void checkPdf(Path file, long maxMemory) throws Refused {
        try {
            checkPdfStreams(Files.readAllBytes(file), maxMemory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PDDocument document;
        try {
            // Main memory only, bounded: a stream that decodes to more fails the load instead of growing the heap or a temp file.
            document = Loader.loadPDF(file.toFile(), (String) null, org.apache.pdfbox.io.MemoryUsageSetting.setupMainMemoryOnly(maxMemory).streamCache);
        } catch (InvalidPasswordException e) {
            throw new Refused(Refusal.PDF_ENCRYPTED); // needs a password to open: we cannot look inside
        } catch (IOException | RuntimeException e) {
            throw new Refused(tooLarge(e) ? Refusal.PDF_TOO_LARGE : Refusal.PDF_UNREADABLE);
        } catch (OutOfMemoryError e) {
            throw new Refused(Refusal.PDF_TOO_LARGE);
        }
        try (document) {
            if (document.isEncrypted()) {
                throw new Refused(Refusal.PDF_ENCRYPTED);
            }
            if (hasActiveContent(document.getDocument())) {
                throw new Refused(Refusal.PDF_ACTIVE_CONTENT);
            }
        } catch (IOException | RuntimeException e) {
            throw new Refused(tooLarge(e) ? Refusal.PDF_TOO_LARGE : Refusal.PDF_UNREADABLE);
        }
    }

    private static final Pattern PDF_STREAM = Pattern.compile("stream\r?\n");
    private static final Pattern PDF_NAME_ESCAPE = Pattern.compile("#([0-9A-Fa-f]{2})");
    private static final Pattern PDF_FLATE_ONLY = Pattern.compile("/Filter\\s*(\\[\\s*)?/FlateDecode\\s*\\]?");

    /**
     * PDFBox decodes the object and cross-reference streams into memory when it opens and walks a document, whatever
     * its stream cache: a few compressed kilobytes can inflate to gigabytes. So those streams are inflated here first,
     * counted and dropped, and the PDF is refused once one would take more than {@code maxMemory}. Only FlateDecode is
     * accepted for them (what every PDF writer uses); names are read with their #xx escapes undone.
     */
    static void checkPdfStreams(byte[] pdf, long maxMemory) throws Refused {
        String text = new String(pdf, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (PDF_NAME_ESCAPE.matcher(text).replaceAll(m -> String.valueOf((char) Integer.parseInt(m.group(1), 16))).contains("/Encrypt")) {
            // Its streams are ciphertext, and it would be refused anyway: never handed to PDFBox to decrypt and inflate.
            throw new Refused(Refusal.PDF_ENCRYPTED);
        }
        java.util.regex.Matcher stream = PDF_STREAM.matcher(text);
        long total = 0;
        int from = 0;
        while (stream.find(from)) {
            int start = stream.start();
            from = stream.end();
            if (start > 0 && Character.isLetter(text.charAt(start - 1))) {
                continue; // "endstream"
            }
            int obj = text.lastIndexOf("obj", start);
            String dictionary = PDF_NAME_ESCAPE.matcher(text.substring(Math.max(obj, Math.max(0, start - 4096)), start))
                    .replaceAll(m -> String.valueOf((char) Integer.parseInt(m.group(1), 16)));
            if (!dictionary.contains("/ObjStm") && !dictionary.contains("/XRef")) {
                continue;
            }
            if (dictionary.contains("/Filter") && !PDF_FLATE_ONLY.matcher(dictionary).find()) {
                throw new Refused(Refusal.PDF_UNREADABLE);
            }
            if (!dictionary.contains("/Filter")) {
                continue; // stored as is: no larger than the file
            }
            java.util.zip.Inflater inflater = new java.util.zip.Inflater();
            try {
                inflater.setInput(pdf, stream.end(), pdf.length - stream.end());
                byte[] sink = new byte[64 * 1024];
                while (!inflater.finished() && !inflater.needsInput() && !inflater.needsDictionary()) {
                    total += inflater.inflate(sink);
                    if (total > maxMemory) {
                        throw new Refused(Refusal.PDF_TOO_LARGE);
                    }
                }
            } catch (java.util.zip.DataFormatException e) {
                continue; // not inflatable: PDFBox will find it unreadable, without inflating anything
            } finally {
                inflater.end();
            }
        }
    }

    /** For tests: the refusal the stream check gives, or null. */
    static Refusal checkPdfStreamsRefusal(Path file, long maxMemory) throws IOException {
        try {
            checkPdfStreams(Files.readAllBytes(file), maxMemory);
            return null;
        } catch (Refused refused) {
            return refused.refusal();
        }
    }

    /** PDFBox's stream cache says so when the memory limit is reached ("Maximum allowed storage size exceeded"). */
    private static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Maximum allowed")) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- Images

    /**
     * Decodes every frame of a PNG, JPEG or GIF. Its dimensions are read from the header first and bounded
     * ({@link #MAX_SIDE}, {@code maxPixels} for all frames); then every byte of the compressed data is decoded, into a
     * subsampled raster so that memory stays small whatever the image. A warning (a truncated JPEG, which the JDK
     * would otherwise fill with grey) is a refusal, as is any decoding error.
     */
    static void checkImage(Path file, String type, long maxPixels) throws Refused, IOException {
        try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(file.toFile())) {
            java.util.Iterator<javax.imageio.ImageReader> readers = javax.imageio.ImageIO.getImageReadersByMIMEType(type);
            if (in == null || !readers.hasNext()) {
                throw new Refused(Refusal.IMAGE_UNREADABLE);
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in, false, true);
                reader.addIIOReadWarningListener((source, warning) -> {
                    throw new IllegalStateException("image warning");
                });
                long pixels = 0;
                for (int i = 0; ; i++) {
                    int width;
                    int height;
                    try {
                        width = reader.getWidth(i);
                        height = reader.getHeight(i);
                    } catch (IndexOutOfBoundsException end) {
                        if (i == 0) {
                            throw new Refused(Refusal.IMAGE_UNREADABLE);
                        }
                        return;
                    }
                    if (i >= MAX_FRAMES || width > MAX_SIDE || height > MAX_SIDE) {
                        throw new Refused(Refusal.IMAGE_TOO_LARGE);
                    }
                    if (width <= 0 || height <= 0) {
                        throw new Refused(Refusal.IMAGE_UNREADABLE);
                    }
                    pixels += (long) width * height;
                    if (pixels > maxPixels) {
                        throw new Refused(Refusal.IMAGE_TOO_LARGE);
                    }
                    javax.imageio.ImageReadParam param = reader.getDefaultReadParam();
                    int period = (int) Math.ceil(Math.sqrt((double) width * height / DECODED_PIXELS));
                    if (period > 1) {
                        param.setSourceSubsampling(period, period, 0, 0);
                    }
                    DECODING.acquireUninterruptibly();
                    try {
                        reader.read(i, param).flush();
                    } finally {
                        DECODING.release();
                    }
                }
            } finally {
                reader.dispose();
            }
        } catch (javax.imageio.IIOException | RuntimeException e) {
            throw new Refused(Refusal.IMAGE_UNREADABLE);
        } catch (OutOfMemoryError e) {
            throw new Refused(Refusal.IMAGE_TOO_LARGE);
        }
    }

    /** A PNG's chunks, walked to its IEND: nothing may follow it (a PNG with a ZIP or a script appended is refused). */
    static void checkPngEnd(Path file) throws Refused, IOException {
        long size = Files.size(file);
        try (java.io.DataInputStream in = new java.io.DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            in.skipNBytes(8);
            long position = 8;
            while (position + 12 <= size) {
                long length = in.readInt() & 0xFFFFFFFFL;
                int type = in.readInt();
                position += 12 + length;
                if (position > size) {
                    break;
                }
                in.skipNBytes(length + 4);
                if (type == 0x49454E44) { // IEND
                    if (position == size) {
                        return;
                    }
                    break;
                }
            }
        } catch (java.io.EOFException e) {
            // cut short: refused below
        }
        throw new Refused(Refusal.IMAGE_UNREADABLE);
    }

    /**
     * A WebP's structure (no decoder: see the class comment): "RIFF", its size, "WEBP", then chunks that fill it
     * exactly, the first a VP8, VP8L or VP8X whose dimensions are within the bounds.
     */
    static void checkWebp(Path file, long maxPixels) throws Refused, IOException {
        byte[] bytes = Files.readAllBytes(file); // within the file size limit, already checked
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 20 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x50424557 || (b.getInt(4) & 0xFFFFFFFFL) + 8 != bytes.length) {
            throw new Refused(Refusal.IMAGE_UNREADABLE);
        }
        long position = 12;
        boolean first = true;
        while (position < bytes.length) {
            if (position + 8 > bytes.length) {
                throw new Refused(Refusal.IMAGE_UNREADABLE);
            }
            String fourcc = new String(bytes, (int) position, 4, java.nio.charset.StandardCharsets.US_ASCII);
            long length = b.getInt((int) position + 4) & 0xFFFFFFFFL;
            long data = position + 8;
            if (data + length > bytes.length) {
                throw new Refused(Refusal.IMAGE_UNREADABLE);
            }
            if (first) {
                long[] size = webpSize(fourcc, b, (int) data, length);
                if (size[0] > MAX_SIDE || size[1] > MAX_SIDE || size[0] * size[1] > maxPixels) {
                    throw new Refused(Refusal.IMAGE_TOO_LARGE);
                }
                first = false;
            }
            position = data + length + (length & 1);
        }
        if (first || position != bytes.length) {
            throw new Refused(Refusal.IMAGE_UNREADABLE);
        }
    }

    /** Width and height from the first chunk's header. */
    private static long[] webpSize(String fourcc, java.nio.ByteBuffer b, int data, long length) throws Refused {
        switch (fourcc) {
            case "VP8X" -> {
                if (length < 10) {
                    break;
                }
                return new long[]{u24(b, data + 4) + 1, u24(b, data + 7) + 1};
            }
            case "VP8L" -> {
                if (length < 5 || b.get(data) != 0x2F) {
                    break;
                }
                long bits = b.getInt(data + 1) & 0xFFFFFFFFL;
                return new long[]{(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
            }
            case "VP8 " -> {
                if (length < 10 || (b.get(data + 3) & 0xFF) != 0x9D || (b.get(data + 4) & 0xFF) != 0x01 || (b.get(data + 5) & 0xFF) != 0x2A) {
                    break;
                }
                return new long[]{b.getShort(data + 6) & 0x3FFF, b.getShort(data + 8) & 0x3FFF};
            }
            default -> {
            }
        }
        throw new Refused(Refusal.IMAGE_UNREADABLE);
    }

    private static long u24(java.nio.ByteBuffer b, int at) {
        return (b.get(at) & 0xFFL) | (b.get(at + 1) & 0xFFL) << 8 | (b.get(at + 2) & 0xFFL) << 16;
    }

    /**
     * Walks every object of the document: the trailer (hence the catalog, its /Names, /OpenAction, /AA, /AcroForm)
     * and each object of the cross-reference table, so that an object not reachable from the catalog (or reached
     * only through a page's annotations) is looked at too. Dictionaries and arrays are followed, stream contents
     * are not decoded. A visited set guards against cycles; {@link #MAX_PDF_NODES} bounds the work.
     */
    static boolean hasActiveContent(COSDocument cos) throws Refused {
        Set<COSBase> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<COSBase> pending = new ArrayDeque<>();
        pending.push(cos.getTrailer());
        for (COSObjectKey key : cos.getXrefTable().keySet()) {
            COSObject object = cos.getObjectFromPool(key);
            if (object != null) {
                pending.add(object);
            }
        }
        int nodes = 0;
        while (!pending.isEmpty()) {
            COSBase base = pending.pop();
            if (base instanceof COSObject indirect) {
                if (!visited.add(indirect)) {
                    continue;
                }
                base = indirect.getObject();
                if (base == null) {
                    continue;
                }
            }
            if (!(base instanceof COSDictionary) && !(base instanceof COSArray)) {
                if (base instanceof COSName name && ACTIVE_PDF_NAMES.contains(name)) {
                    return true;
                }
                continue;
            }
            if (!visited.add(base)) {
                continue;
            }
            if (++nodes > MAX_PDF_NODES) {
                throw new Refused(Refusal.PDF_UNREADABLE); // too intricate to be checked
            }
            if (base instanceof COSDictionary dictionary) { // a stream's dictionary too
                for (Map.Entry<COSName, COSBase> entry : dictionary.entrySet()) {
                    if (ACTIVE_PDF_NAMES.contains(entry.getKey())) {
                        return true;
                    }
                    if (entry.getValue() != null) {
                        pending.push(entry.getValue());
                    }
                }
            } else {
                for (COSBase item : (COSArray) base) {
                    if (item != null) {
                        pending.push(item);
                    }
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- E-mail

    /**
     * A saved e-mail (RFC 5322): a header block whose every line is a header field, with a From or a Date, and a
     * Subject or a body.
     */
    private static void checkEml(Path file) throws Refused {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            MimeMessage message = new MimeMessage(MailSession.SESSION, in);
            Enumeration<String> lines = message.getAllHeaderLines();
            boolean any = false;
            while (lines.hasMoreElements()) {
                if (!HEADER_LINE.matcher(lines.nextElement()).matches()) {
                    throw new Refused(Refusal.EML_UNREADABLE);
                }
                any = true;
            }
            if (!any) {
                throw new Refused(Refusal.EML_UNREADABLE);
            }
            boolean fromOrDate = present(message.getHeader("From", ",")) || present(message.getHeader("Date", ","));
            boolean subjectOrBody = present(message.getHeader("Subject", ",")) || hasBody(message);
            if (!fromOrDate || !subjectOrBody) {
                throw new Refused(Refusal.EML_UNREADABLE);
            }
        } catch (MessagingException | RuntimeException e) {
            throw new Refused(Refusal.EML_UNREADABLE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean present(String header) {
        return header != null && !header.isBlank();
    }

    private static boolean hasBody(MimeMessage message) throws MessagingException, IOException {
        try (InputStream body = message.getRawInputStream()) {
            int b;
            while ((b = body.read()) >= 0) {
                if (!Character.isWhitespace(b)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Created on first use: a session with no properties, for parsing only (nothing is ever sent from it). */
    private static final class MailSession {
        static final Session SESSION = Session.getInstance(new Properties());
    }

    // ---------------------------------------------------------------- Names

    /**
     * The submitted name made safe to store and show: no directories (both / and \ separators, {@code ..}), no
     * control or bidi-override characters, NFC normalised, at most 120 characters keeping the extension, never
     * empty (fallback "piece-jointe" + extension).
     */
    public static String safeName(String submittedName) {
        String name = submittedName == null ? "" : Normalizer.normalize(submittedName, Normalizer.Form.NFC);
        // The last path segment only, whatever the browser's platform (old browsers send C:\Users\...\shot.png).
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder kept = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            switch (Character.getType(c)) {
                case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.UNASSIGNED,
                     Character.PRIVATE_USE, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> {
                    // dropped: C0/C1 controls, bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069),
                    // zero-width characters, lone surrogates
                }
                case Character.SPACE_SEPARATOR -> kept.append(' ');
                default -> kept.appendCodePoint(c);
            }
        });
        name = RESERVED.matcher(kept).replaceAll("_").replaceAll(" {2,}", " ").strip();
        name = Normalizer.normalize(name, Normalizer.Form.NFC);

        String base = name;
        String extension = "";
        int dot = name.lastIndexOf('.');
        if (dot >= 0 && EXTENSION.matcher(name.substring(dot + 1)).matches()) {
            base = name.substring(0, dot);
            extension = name.substring(dot + 1);
        }
        String suffix = extension.isEmpty() ? "" : "." + extension;
        base = trimDotsAndSpaces(base); // "..", ".hidden", "name. " (Windows drops trailing dots and spaces)
        int room = MAX_NAME_LENGTH - suffix.length();
        if (base.length() > room) {
            int end = room;
            if (Character.isLowSurrogate(base.charAt(end)) && end > 0) {
                end--; // never cut a character in two
            }
            base = trimDotsAndSpaces(base.substring(0, end));
        }
        if (base.isEmpty()) {
            base = FALLBACK_NAME;
        }
        return base + suffix;
    }

    private static String trimDotsAndSpaces(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '.' || s.charAt(start) == ' ')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == ' ')) {
            end--;
        }
        return s.substring(start, end);
    }
}
