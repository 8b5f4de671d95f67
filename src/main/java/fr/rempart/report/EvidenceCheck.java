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
 * <p>Images are not decoded: a file that starts with PNG magic and goes on as, say, a ZIP (a polyglot) passes as
 * a PNG. That is accepted on purpose: evidence files are never served inline, never rendered nor opened by the
 * server, only stored and handed back as attachments.
 *
 * <p>Nothing here logs: neither the content nor the name of a file (a member's evidence is personal data).
 */
public final class EvidenceCheck {

    /** Accepted: the sanitised file name to store and show, the content type detected. */
    public record Accepted(String fileName, String contentType) { }

    /** Why a file is refused: a stable code; the message key is "report.evidence.refused.<code>" (kebab-case code). */
    public enum Refusal {
        EMPTY, TOO_LARGE, TYPE_NOT_ALLOWED, NAME_MISMATCH, PDF_ACTIVE_CONTENT, PDF_ENCRYPTED, PDF_UNREADABLE, EML_UNREADABLE;

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

    private EvidenceCheck() {
    }

    /**
     * Checks the file (already written to a temporary file by the caller) whose name the browser sent.
     *
     * @throws Refused              the member's file is not acceptable, with the reason to tell them
     * @throws UncheckedIOException the temporary file could not be read (a server fault)
     */
    public static Accepted check(Path file, String submittedName, long maxBytes) throws Refused {
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
                    checkPdf(file);
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

    private static void checkPdf(Path file) throws Refused {
        PDDocument document;
        try {
            document = Loader.loadPDF(file.toFile());
        } catch (InvalidPasswordException e) {
            throw new Refused(Refusal.PDF_ENCRYPTED); // needs a password to open: we cannot look inside
        } catch (IOException | RuntimeException e) {
            throw new Refused(Refusal.PDF_UNREADABLE);
        }
        try (document) {
            if (document.isEncrypted()) {
                throw new Refused(Refusal.PDF_ENCRYPTED);
            }
            if (hasActiveContent(document.getDocument())) {
                throw new Refused(Refusal.PDF_ACTIVE_CONTENT);
            }
        } catch (IOException | RuntimeException e) {
            throw new Refused(Refusal.PDF_UNREADABLE);
        }
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
