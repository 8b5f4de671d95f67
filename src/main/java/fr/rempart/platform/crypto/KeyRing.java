package fr.rempart.platform.crypto;

import fr.rempart.platform.config.Settings;
import fr.rempart.platform.db.Database;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Envelope encryption: each purpose (NIR encryption, NIR blind index, audit chain…) has its own
 * 256-bit data key, stored in {@code data_key} wrapped by the master key
 * ({@code rempart.crypto.master-key}). Sealed values carry the id of the data key that sealed them,
 * so data keys can be added without re-encrypting everything at once.
 */
@ApplicationScoped
public class KeyRing {

    private Clock clock;

    public enum Purpose { NIR, NIR_INDEX, AUDIT, COOKIE, PASSWORD_HISTORY, TOTP, RECOVERY_CODE, SIGNING_KEY }

    private static final Logger LOG = Logger.getLogger(KeyRing.class.getName());
    private static final byte FORMAT = 1;

    private final Map<Integer, SecretKey> byId = new ConcurrentHashMap<>();
    private final Map<Purpose, Integer> current = new ConcurrentHashMap<>();
    private final ThreadLocal<Map<Integer, Mac>> macs = ThreadLocal.withInitial(java.util.HashMap::new);
    private SecretKey master;
    private Jdbc jdbc;

    protected KeyRing() {
    }

    @Inject
    public KeyRing(Settings settings, Database database, Jdbc jdbc, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.master = loadMasterKey(settings, database.embedded());
    }

    /** Loads (or, on the first start, creates) the data keys; called once the schema exists. */
    public void open() {
        for (Purpose purpose : Purpose.values()) {
            if (!load(purpose)) {
                create(purpose);
                if (!load(purpose)) {
                    throw new IllegalStateException("No data key for " + purpose);
                }
            }
        }
    }

    /** Seals with the current key of the purpose: {@code format(1) || keyId(4) || nonce || ciphertext}. */
    public byte[] seal(Purpose purpose, byte[] plaintext, byte[] associatedData) {
        int id = current.get(purpose);
        byte[] sealed = Aead.seal(byId.get(id), plaintext, associatedData);
        return ByteBuffer.allocate(5 + sealed.length).put(FORMAT).putInt(id).put(sealed).array();
    }

    public byte[] open(byte[] sealed, byte[] associatedData) {
        ByteBuffer buffer = ByteBuffer.wrap(sealed);
        if (sealed.length < 5 || buffer.get() != FORMAT) {
            throw new Aead.CryptoException("Unknown sealed format");
        }
        SecretKey key = byId.get(buffer.getInt());
        if (key == null) {
            throw new Aead.CryptoException("Unknown data key");
        }
        byte[] body = new byte[buffer.remaining()];
        buffer.get(body);
        return Aead.open(key, body, associatedData);
    }

    /** HMAC-SHA256 under the purpose's first key: blind indexes must never change with rotation. */
    public byte[] mac(Purpose purpose, byte[] data) {
        // One initialised Mac per thread and key: looking the algorithm up among the providers costs
        // more than the HMAC itself, and a breach list computes half a million blind indexes.
        return macs.get().computeIfAbsent(current.get(purpose), id -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(byId.get(id));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }).doFinal(data);
    }

    public String macHex(Purpose purpose, String data) {
        return HexFormat.of().formatHex(mac(purpose, data.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Re-wraps every data key under a new master key, in one transaction; the data itself is not
     * touched. Running nodes keep working (they hold the unwrapped data keys), nodes started from now
     * on need the new key: rotation without downtime.
     */
    public int rewrap(String newMasterKeyBase64) {
        SecretKey next = decode(newMasterKeyBase64);
        return jdbc.transaction(c -> {
            var rows = new java.util.ArrayList<Object[]>();
            try (var s = c.prepareStatement("select id, purpose, wrapped from data_key order by id for update"); var r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Object[]{r.getInt(1), r.getString(2), r.getBytes(3)});
                }
            }
            for (Object[] row : rows) {
                int id = (int) row[0];
                Purpose purpose = Purpose.valueOf((String) row[1]);
                byte[] raw = Aead.open(master, (byte[]) row[2], wrapContext(id, purpose));
                Jdbc.execute(c, "update data_key set wrapped = ? where id = ?", Aead.seal(next, raw, wrapContext(id, purpose)), id);
            }
            return rows.size();
        });
    }

    private boolean load(Purpose purpose) {
        var rows = jdbc.list("select id, wrapped from data_key where purpose = ? order by generation",
                r -> Map.entry(r.getInt("id"), r.getBytes("wrapped")), purpose.name());
        for (var row : rows) {
            byte[] raw = Aead.open(master, row.getValue(), wrapContext(row.getKey(), purpose));
            byId.put(row.getKey(), new SecretKeySpec(raw, "AES"));
            // The first generation stays current: blind indexes and MACs are stable; new generations come with rotation.
            current.putIfAbsent(purpose, row.getKey());
        }
        return !rows.isEmpty();
    }

    private void create(Purpose purpose) {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, new SecureRandom());
            byte[] raw = generator.generateKey().getEncoded();
            jdbc.transaction(c -> {
                int id;
                try (var s = c.prepareStatement("select coalesce(max(id), 0) + 1 from data_key"); var r = s.executeQuery()) {
                    r.next();
                    id = r.getInt(1);
                }
                try (var s = Jdbc.prepare(c, "insert into data_key (id, purpose, generation, wrapped, created_at) values (?, ?, 1, ?, ?)",
                        id, purpose.name(), Aead.seal(master, raw, wrapContext(id, purpose)), clock.instant())) {
                    s.executeUpdate();
                }
                return id;
            });
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            // Another node created it at the same moment: use theirs.
            if (!Jdbc.isUniqueViolation(e)) {
                throw e;
            }
        }
    }

    private static byte[] wrapContext(int id, Purpose purpose) {
        return ("rempart-data-key:" + id + ":" + purpose.name()).getBytes(StandardCharsets.UTF_8);
    }

    private static SecretKey loadMasterKey(Settings settings, boolean embedded) {
        String encoded = settings.masterKey().orElse(null);
        if (encoded == null) {
            if (!embedded) {
                throw new IllegalStateException("rempart.crypto.master-key is required with PostgreSQL: "
                        + "every node must share it (base64 of 32 random bytes)");
            }
            encoded = localMasterKey(settings.dataDir().resolve("master.key"));
        }
        return decode(encoded);
    }

    private static SecretKey decode(String encoded) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a master key must be valid base64");
        }
        if (raw.length != 32) {
            throw new IllegalStateException("a master key must be 32 bytes (256 bits), base64-encoded");
        }
        return new SecretKeySpec(raw, "AES");
    }

    /** The local default run keeps a generated master key next to its H2 database. */
    private static String localMasterKey(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            Files.createDirectories(file.getParent());
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            String encoded = Base64.getEncoder().encodeToString(raw);
            Files.writeString(file, encoded + "\n", StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system: the directory's own protection applies.
            }
            LOG.warning(() -> "Generated a local master key in " + file + " (set rempart.crypto.master-key in production)");
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the master key " + file, e);
        }
    }
}
