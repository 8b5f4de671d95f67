package fr.rempart.password.corpus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Builds, at build time, the default corpus shipped in the WAR: the 100,000 most common passwords
 * that nbvcxz (me.gosimple:nbvcxz, on Maven Central) ships, each counted once since the list gives
 * ranks, not counts. Operators replace it with the full HIBP download through {@link PwnedImport}.
 */
public final class DefaultCorpus {

    static final String[] LISTS = {"dictionaries/passwords.txt"};

    private DefaultCorpus() {
    }

    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        Path target = Path.of(args[0]);
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        try (PwnedImport importer = new PwnedImport(target)) {
            for (String list : LISTS) {
                try (InputStream in = DefaultCorpus.class.getClassLoader().getResourceAsStream(list)) {
                    if (in == null) {
                        throw new IOException("Missing word list " + list);
                    }
                    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (!line.isEmpty()) {
                            importer.add(sha1.digest(line.getBytes(StandardCharsets.UTF_8)), 1);
                        }
                    }
                }
            }
            System.out.println("Default breached-password corpus: " + importer.finish() + " hashes in " + target);
        }
    }
}
