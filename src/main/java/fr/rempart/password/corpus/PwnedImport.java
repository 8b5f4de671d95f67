package fr.rempart.password.corpus;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Builds a {@link PwnedStore} from an HIBP "Pwned Passwords" SHA-1 file ({@code SHA1HEX:COUNT} lines,
 * CRLF or LF, sorted or not, over a billion lines for the full download). Two passes with bounded
 * memory: hashes are spread over 1,024 temporary bucket files by their first 10 bits, then each bucket
 * is sorted in memory, de-duplicated (keeping the highest count) and appended. The result is written
 * beside the target and moved over it only once complete and re-opened successfully, so a bad or
 * interrupted import never replaces the store in service.
 *
 * <p>Command line: {@code deploy/rempart import-pwned-passwords <hibp-file> [<store>]}.
 */
public final class PwnedImport implements AutoCloseable {

    private static final int BUCKET_BITS = 10;
    private static final int BUCKETS = 1 << BUCKET_BITS;
    private static final int TEMP_ENTRY = 24;

    private final Path target;
    private final Path work;
    private final DataOutputStream[] buckets = new DataOutputStream[BUCKETS];
    private long added;

    public PwnedImport(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        Files.createDirectories(this.target.getParent());
        this.work = Files.createTempDirectory(this.target.getParent(), ".pwned-import-");
    }

    /** Adds one hash seen {@code count} times. */
    public void add(byte[] sha1, int count) throws IOException {
        int bucket = ((sha1[0] & 0xFF) << 2) | ((sha1[1] & 0xFF) >>> 6);
        DataOutputStream out = buckets[bucket];
        if (out == null) {
            out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(work.resolve(bucket + ".tmp")), 32 * 1024));
            buckets[bucket] = out;
        }
        out.write(sha1);
        out.writeInt(count);
        added++;
    }

    /** Reads an HIBP SHA-1 file; the first malformed line stops the import with its number. */
    public void addHibpFile(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
        HexFormat hex = HexFormat.of();
        String line;
        long number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon == 32 && line.substring(0, 32).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("line " + number + ": a 32-digit hash (NTLM?) where a SHA-1 (40 hex digits) is expected");
            }
            if (colon != 40 || line.length() == 41 || line.length() > 52) {
                throw new IllegalArgumentException("line " + number + ": expected SHA1HEX:COUNT");
            }
            byte[] sha1;
            long count;
            try {
                sha1 = hex.parseHex(line, 0, 40);
                count = Long.parseLong(line, 41, line.length(), 10);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + ": expected SHA1HEX:COUNT", e);
            }
            if (count < 0) {
                throw new IllegalArgumentException("line " + number + ": negative count");
            }
            add(sha1, (int) Math.min(count, Integer.MAX_VALUE));
        }
    }

    /** Sorts, writes, checks and installs the store; returns the number of distinct hashes. */
    public long finish() throws IOException {
        for (DataOutputStream out : buckets) {
            if (out != null) {
                out.close();
            }
        }
        Path partial = work.resolve("store.partial");
        long[] index = new long[PwnedStore.PREFIXES + 1];
        long written = 0;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
            file.write(new byte[PwnedStore.HEADER + (PwnedStore.PREFIXES + 1) * 8]);
            byte[] entry = new byte[PwnedStore.ENTRY];
            for (int bucket = 0; bucket < BUCKETS; bucket++) {
                Path path = work.resolve(bucket + ".tmp");
                if (!Files.exists(path)) {
                    continue;
                }
                byte[][] sorted = readSorted(path);
                Files.delete(path);
                byte[] previous = null;
                int previousCount = 0;
                for (byte[] e : sorted) {
                    int count = ByteBuffer.wrap(e, 20, 4).getInt();
                    if (previous != null && Arrays.equals(previous, 0, 20, e, 0, 20)) {
                        previousCount = Math.max(previousCount, count);
                        continue;
                    }
                    if (previous != null) {
                        written = emit(file, entry, previous, previousCount, index, written);
                    }
                    previous = e;
                    previousCount = count;
                }
                if (previous != null) {
                    written = emit(file, entry, previous, previousCount, index, written);
                }
            }
        }
        // index[p] holds the number of entries of prefix p so far: turn it into start offsets.
        long start = 0;
        for (int p = 0; p < PwnedStore.PREFIXES; p++) {
            long n = index[p];
            index[p] = start;
            start += n;
        }
        index[PwnedStore.PREFIXES] = start;
        try (RandomAccessFile raf = new RandomAccessFile(partial.toFile(), "rw")) {
            ByteBuffer head = ByteBuffer.allocate(PwnedStore.HEADER + (PwnedStore.PREFIXES + 1) * 8);
            head.put(PwnedStore.MAGIC).putInt(PwnedStore.VERSION).putLong(written).putInt(PwnedStore.PREFIX_BITS).putInt(PwnedStore.ENTRY);
            head.position(PwnedStore.HEADER);
            for (long i : index) {
                head.putLong(i);
            }
            raf.seek(0);
            raf.write(head.array());
            raf.getFD().sync();
        }
        try (PwnedStore check = PwnedStore.open(partial)) {
            if (check.size() != written) {
                throw new PwnedStore.CorruptCorpusException("the new store does not read back");
            }
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return written;
    }

    public long added() {
        return added;
    }

    @Override
    public void close() throws IOException {
        for (DataOutputStream out : buckets) {
            if (out != null) {
                out.close();
            }
        }
        try (var files = Files.list(work)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(work);
    }

    private static long emit(OutputStream file, byte[] entry, byte[] hash, int count, long[] index, long written) throws IOException {
        System.arraycopy(hash, 2, entry, 0, PwnedStore.REST);
        ByteBuffer.wrap(entry, PwnedStore.REST, 4).putInt(count);
        file.write(entry);
        index[PwnedStore.prefix(hash)]++;
        return written + 1;
    }

    private static byte[][] readSorted(Path bucket) throws IOException {
        long size = Files.size(bucket);
        if (size % TEMP_ENTRY != 0 || size / TEMP_ENTRY > Integer.MAX_VALUE) {
            throw new IOException("bucket " + bucket + " damaged");
        }
        byte[][] entries = new byte[(int) (size / TEMP_ENTRY)][];
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(bucket), 1 << 16))) {
            for (int i = 0; i < entries.length; i++) {
                entries[i] = new byte[TEMP_ENTRY];
                in.readFully(entries[i]);
            }
        } catch (EOFException e) {
            throw new IOException("bucket " + bucket + " truncated", e);
        }
        Arrays.sort(entries, (a, b) -> Arrays.compareUnsigned(a, 0, 20, b, 0, 20));
        return entries;
    }

    /** {@code java … PwnedImport <hibp-file|-> <store>}: imports and reports the figures. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: import-pwned-passwords <hibp-sha1-file | -> <store>");
            System.exit(2);
        }
        long began = System.nanoTime();
        Path target = Path.of(args[1]);
        try (PwnedImport importer = new PwnedImport(target);
             InputStream in = "-".equals(args[0]) ? System.in : Files.newInputStream(Path.of(args[0]))) {
            importer.addHibpFile(in);
            long distinct = importer.finish();
            System.out.printf("Imported %,d lines, %,d distinct hashes into %s (%,d bytes) in %.1f s%n", importer.added(), distinct,
                    target, Files.size(target), (System.nanoTime() - began) / 1e9);
        } catch (IllegalArgumentException | PwnedStore.CorruptCorpusException e) {
            System.err.println("Import refused, the store in place is unchanged: " + e.getMessage());
            System.exit(1);
        }
    }
}
