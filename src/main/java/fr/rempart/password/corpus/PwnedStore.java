package fr.rempart.password.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The breached-password corpus as a compact, memory-mapped, sorted file: lookups are two index reads
 * and a binary search within one 20-bit prefix (about a thousand entries for the full HIBP list),
 * and opening it reads only the header, so start-up does not grow with the corpus.
 *
 * <pre>
 * header   64 bytes   "RMPWNED1", version, entry count, prefix bits (20), entry size (22)
 * index    (2^20 + 1) × 8 bytes: first entry of each 20-bit prefix, then the entry count
 * entries  count × 22 bytes: SHA-1 bytes 2..19 (18 bytes, byte 2 whole) + occurrence count (int)
 * </pre>
 * Entries are sorted by hash and unique; see {@link PwnedImport} which writes the file.
 */
public final class PwnedStore implements AutoCloseable {

    static final byte[] MAGIC = "RMPWNED1".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 64;
    static final int PREFIX_BITS = 20;
    static final int PREFIXES = 1 << PREFIX_BITS;
    static final int ENTRY = 22;
    static final int REST = 18;
    /** Entries per mapped segment: a MappedByteBuffer holds at most 2 GiB. */
    private static final long PER_SEGMENT = (1L << 30) / ENTRY;

    private final FileChannel channel;
    private final LongBuffer index;
    private final MappedByteBuffer[] segments;
    private final long count;
    private final Path path;

    private PwnedStore(Path path, FileChannel channel, LongBuffer index, MappedByteBuffer[] segments, long count) {
        this.path = path;
        this.channel = channel;
        this.index = index;
        this.segments = segments;
        this.count = count;
    }

    /**
     * Opens and checks a store: magic, version, size, and an index that starts at 0, never decreases
     * and ends at the entry count. A truncated or foreign file is refused here, never served.
     */
    public static PwnedStore open(Path path) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            long size = channel.size();
            if (size < HEADER + (PREFIXES + 1L) * 8) {
                throw new CorruptCorpusException(path + ": too short for a breached-password store");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.BIG_ENDIAN);
            channel.read(header, 0);
            header.flip();
            byte[] magic = new byte[8];
            header.get(magic);
            if (!Arrays.equals(magic, MAGIC) || header.getInt() != VERSION) {
                throw new CorruptCorpusException(path + ": not a breached-password store (wrong magic or version)");
            }
            long count = header.getLong();
            if (header.getInt() != PREFIX_BITS || header.getInt() != ENTRY || count < 0) {
                throw new CorruptCorpusException(path + ": unsupported layout");
            }
            long expected = HEADER + (PREFIXES + 1L) * 8 + count * ENTRY;
            if (size != expected) {
                throw new CorruptCorpusException(path + ": " + size + " bytes where " + expected + " were expected (truncated?)");
            }
            LongBuffer index = channel.map(FileChannel.MapMode.READ_ONLY, HEADER, (PREFIXES + 1L) * 8).order(ByteOrder.BIG_ENDIAN).asLongBuffer();
            long previous = 0;
            for (int i = 0; i <= PREFIXES; i++) {
                long start = index.get(i);
                if (start < previous || (i == 0 && start != 0)) {
                    throw new CorruptCorpusException(path + ": index out of order at prefix " + i);
                }
                previous = start;
            }
            if (previous != count) {
                throw new CorruptCorpusException(path + ": index does not end at the entry count");
            }
            long base = HEADER + (PREFIXES + 1L) * 8;
            List<MappedByteBuffer> segments = new ArrayList<>();
            for (long first = 0; first < count; first += PER_SEGMENT) {
                long entries = Math.min(PER_SEGMENT, count - first);
                segments.add(channel.map(FileChannel.MapMode.READ_ONLY, base + first * ENTRY, entries * ENTRY));
            }
            return new PwnedStore(path, channel, index, segments.toArray(MappedByteBuffer[]::new), count);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** How often the password with this SHA-1 was seen in breaches; 0 when it never was. */
    public int occurrences(byte[] sha1) {
        int prefix = prefix(sha1);
        long low = index.get(prefix);
        long high = index.get(prefix + 1) - 1;
        while (low <= high) {
            long mid = (low + high) >>> 1;
            int cmp = compareRest(mid, sha1);
            if (cmp < 0) {
                low = mid + 1;
            } else if (cmp > 0) {
                high = mid - 1;
            } else {
                return countAt(mid);
            }
        }
        return 0;
    }

    /** Every entry of a 5-hex-digit prefix, as (35-hex-digit suffix, count), in hash order. */
    public void range(int prefix, BiConsumer<String, Integer> each) {
        long end = index.get(prefix + 1);
        char[] suffix = new char[35];
        for (long i = index.get(prefix); i < end; i++) {
            MappedByteBuffer segment = segments[(int) (i / PER_SEGMENT)];
            int at = (int) ((i % PER_SEGMENT) * ENTRY);
            suffix[0] = HEX[segment.get(at) & 0x0F];
            for (int b = 1; b < REST; b++) {
                int v = segment.get(at + b) & 0xFF;
                suffix[2 * b - 1] = HEX[v >>> 4];
                suffix[2 * b] = HEX[v & 0x0F];
            }
            each.accept(new String(suffix), segment.getInt(at + REST));
        }
    }

    public long size() {
        return count;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    static int prefix(byte[] sha1) {
        return ((sha1[0] & 0xFF) << 12) | ((sha1[1] & 0xFF) << 4) | ((sha1[2] & 0xFF) >>> 4);
    }

    private int compareRest(long entry, byte[] sha1) {
        MappedByteBuffer segment = segments[(int) (entry / PER_SEGMENT)];
        int at = (int) ((entry % PER_SEGMENT) * ENTRY);
        for (int b = 0; b < REST; b++) {
            int cmp = Integer.compare(segment.get(at + b) & 0xFF, sha1[b + 2] & 0xFF);
            if (cmp != 0) {
                return cmp;
            }
        }
        return 0;
    }

    private int countAt(long entry) {
        return segments[(int) (entry / PER_SEGMENT)].getInt((int) ((entry % PER_SEGMENT) * ENTRY) + REST);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    /** The file is not a valid store; the one in service (if any) stays. */
    public static final class CorruptCorpusException extends RuntimeException {
        public CorruptCorpusException(String message) {
            super(message);
        }
    }
}
