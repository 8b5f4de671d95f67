package fr.rempart.password.corpus;

import fr.rempart.platform.Startup;
import fr.rempart.platform.schedule.Jobs;
import fr.rempart.platform.config.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The breached-password corpus in service: the store at {@code rempart.password.corpus} (by default
 * {@code <data dir>/pwned-passwords.bin}, seeded with the corpus built into the WAR). Every minute it
 * looks for a newer file (an import finished) and swaps it in only if it opens cleanly.
 */
@ApplicationScoped
public class PwnedPasswords {

    private static final Logger LOG = Logger.getLogger(PwnedPasswords.class.getName());

    @Inject
    Settings settings;
    @Inject
    Jobs jobs;

    private volatile PwnedStore store;
    private volatile FileTime loaded;

    /** A corpus serving this store, outside the container (commands, tests). */
    public static PwnedPasswords serving(PwnedStore store) {
        PwnedPasswords corpus = new PwnedPasswords();
        corpus.store = store;
        return corpus;
    }

    void open(@Observes Startup.Ready ready) {
        Path path = settings.passwordCorpus();
        try {
            if (!Files.exists(path)) {
                Files.createDirectories(path.toAbsolutePath().getParent());
                try (InputStream bundled = PwnedPasswords.class.getClassLoader().getResourceAsStream("pwned/default-corpus.bin")) {
                    if (bundled == null) {
                        throw new IllegalStateException("The WAR carries no default corpus");
                    }
                    Path partial = path.resolveSibling(path.getFileName() + ".partial");
                    Files.copy(bundled, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            loaded = Files.getLastModifiedTime(path);
            store = PwnedStore.open(path);
            LOG.info(() -> "Breached-password corpus: " + store.size() + " hashes from " + path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        jobs.every("pwned-reload", Duration.ofMinutes(1), Duration.ofMinutes(1), this::reloadIfChanged);
    }

    void reloadIfChanged() {
        Path path = settings.passwordCorpus();
        try {
            FileTime modified = Files.getLastModifiedTime(path);
            if (modified.equals(loaded)) {
                return;
            }
            PwnedStore fresh = PwnedStore.open(path);
            PwnedStore old = store;
            store = fresh;
            loaded = modified;
            old.close();
            LOG.info(() -> "Breached-password corpus reloaded: " + fresh.size() + " hashes");
        } catch (RuntimeException | IOException e) {
            LOG.log(Level.WARNING, "A new breached-password corpus was refused; the one in service stays", e);
        }
    }

    /** How often this exact password appears in the corpus (SHA-1 of its UTF-8 bytes, as HIBP computes it). */
    public int occurrences(String password) {
        return store.occurrences(sha1(password));
    }

    public void range(int prefix, BiConsumer<String, Integer> each) {
        store.range(prefix, each);
    }

    public long size() {
        return store.size();
    }

    static byte[] sha1(String password) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @PreDestroy
    void close() {
        if (store != null) {
            store.close();
        }
    }
}
