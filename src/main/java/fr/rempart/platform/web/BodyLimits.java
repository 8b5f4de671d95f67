package fr.rempart.platform.web;

import fr.rempart.platform.config.Settings;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Small bodies for small requests: a JSON or form body is read whole up to 64 KiB (413 beyond) and
 * must be valid UTF-8 (400 otherwise), before any parsing. Methods marked {@link Streamed} (file
 * imports) read their stream themselves, unbounded; methods marked {@link Upload} (evidence files)
 * take up to {@code rempart.report.max-file-bytes} five times over: 413 from the declared length
 * before anything is read, or as soon as a body without one goes past it.
 */
@Provider
public class BodyLimits implements ContainerRequestFilter {

    public static final int MAX_BYTES = 64 * 1024;
    /** JSON nested deeper than this is refused before it is parsed: no form of ours goes past a few levels. */
    public static final int MAX_JSON_DEPTH = 32;

    /** The method reads a large body as a stream (CSV imports). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Streamed {
    }

    /** The method takes evidence files as multipart/form-data, bounded by {@link Settings#reportMaxUploadBytes()}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Upload {
    }

    @Context
    ResourceInfo resource;
    @jakarta.inject.Inject
    Settings settings;

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        if (!request.hasEntity() || (resource.getResourceMethod() != null && resource.getResourceMethod().isAnnotationPresent(Streamed.class))) {
            return;
        }
        MediaType type = request.getMediaType();
        if (type != null && MediaType.MULTIPART_FORM_DATA_TYPE.isCompatible(type) && resource.getResourceMethod() != null
                && resource.getResourceMethod().isAnnotationPresent(Upload.class)) {
            long max = settings.reportMaxUploadBytes();
            if (request.getLength() > max) {
                throw new ProblemException(413, "problem.upload-too-large", max / (1024 * 1024));
            }
            request.setEntityStream(new Bounded(request.getEntityStream(), max));
            return;
        }
        if (request.getLength() > MAX_BYTES) {
            throw new ProblemException(413, "problem.body-too-large", MAX_BYTES / 1024);
        }
        byte[] body = readAtMost(request.getEntityStream(), MAX_BYTES);
        boolean text = type == null || type.getSubtype().endsWith("json") || type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE);
        if (text) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            } catch (CharacterCodingException e) {
                throw new ProblemException(400, "problem.invalid-utf8");
            }
        }
        if (type == null || type.getSubtype().endsWith("json")) {
            checkJsonDepth(body);
        }
        request.setEntityStream(new ByteArrayInputStream(body));
    }

    /**
     * A text part of a multipart body (the API's {@code report} JSON, a page's fields): read up to 64 KiB (413 beyond)
     * and checked as UTF-8 (400) before anything parses it; the filter bounds only the whole of an upload.
     */
    public static byte[] smallPartBytes(jakarta.ws.rs.core.EntityPart part) throws IOException {
        try (InputStream in = part.getContent()) {
            byte[] bytes = readAtMost(in, MAX_BYTES);
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            } catch (CharacterCodingException e) {
                throw new ProblemException(400, "problem.invalid-utf8");
            }
            return bytes;
        }
    }

    public static String smallPart(jakarta.ws.rs.core.EntityPart part) throws IOException {
        return new String(smallPartBytes(part), StandardCharsets.UTF_8);
    }

    /** Refuses (400) JSON nested deeper than {@link #MAX_JSON_DEPTH}, from its bytes, before a parser recurses into it. */
    public static void checkJsonDepth(byte[] json) {
        int depth = 0;
        boolean string = false;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (string) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    string = false;
                }
            } else if (b == '"') {
                string = true;
            } else if (b == '{' || b == '[') {
                if (++depth > MAX_JSON_DEPTH) {
                    throw new ProblemException(400, "problem.json-too-deep", MAX_JSON_DEPTH);
                }
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
    }

    private static byte[] readAtMost(InputStream in, int max) throws IOException {
        byte[] body = in.readNBytes(max + 1);
        if (body.length > max) {
            throw new ProblemException(413, "problem.body-too-large", max / 1024);
        }
        return body;
    }

    /** Fails the read (413) once more than {@code max} bytes have come, for bodies sent without a length. */
    static final class Bounded extends java.io.FilterInputStream {
        private final long max;
        private long read;

        Bounded(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > max) {
                throw new ProblemException(413, "problem.upload-too-large", max / (1024 * 1024));
            }
        }
    }
}
