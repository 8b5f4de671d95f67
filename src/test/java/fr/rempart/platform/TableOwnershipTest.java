package fr.rempart.platform;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each table is read and written by the capability that owns it only (docs/architecture.md, the
 * "| table | owner | what |" list): the SQL in the main code's string literals names no other
 * capability's table, and every table the migrations create has an owner in that list.
 */
class TableOwnershipTest {

    private static final Path SOURCES = Path.of("src/main/java/fr/rempart");
    private static final Pattern ROW = Pattern.compile("^\\| (`[a-z_]+`(?:, `[a-z_]+`)*) \\| ([a-z.]+) \\|", Pattern.MULTILINE);
    private static final Pattern CREATED = Pattern.compile("create table (?:if not exists )?(\\w+)", Pattern.CASE_INSENSITIVE);
    /** String literals and text blocks. */
    private static final Pattern LITERAL = Pattern.compile("\"\"\"(.*?)\"\"\"|\"((?:[^\"\\\\\\n]|\\\\.)*)\"", Pattern.DOTALL);
    private static final Pattern TABLE_AFTER = Pattern.compile("\\b(?:insert\\s+into|merge\\s+into|update|delete\\s+from|from|join)\\s+(\\w+)",
            Pattern.CASE_INSENSITIVE);

    /** Table → owning capability (the first package segment: {@code signin.staff} is sign-in's). */
    private static Map<String, String> owners;
    private static Set<String> created;

    @BeforeAll
    static void read() throws IOException {
        owners = new TreeMap<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("docs/architecture.md")));
        while (row.find()) {
            String capability = row.group(2).split("\\.")[0];
            Arrays.stream(row.group(1).split(", ")).map(t -> t.replace("`", "")).forEach(t -> owners.put(t, capability));
        }
        created = new TreeSet<>();
        try (Stream<Path> migrations = Files.list(Path.of("src/main/resources/db/migration"))) {
            for (Path migration : migrations.toList()) {
                Matcher table = CREATED.matcher(Files.readString(migration));
                while (table.find()) {
                    created.add(table.group(1).toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    @Test
    void everyTableHasOneOwner() {
        assertThat(owners.keySet()).as("tables in docs/architecture.md").containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void onlyTheOwnerNamesItsTables() throws IOException {
        List<String> trespasses = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String capability = SOURCES.relativize(file).getName(0).toString();
                String source = Files.readString(file).replaceAll("(?m)//.*$", "");
                StringBuilder sql = new StringBuilder();
                Matcher literal = LITERAL.matcher(source);
                while (literal.find()) {
                    sql.append(literal.group(1) != null ? literal.group(1) : literal.group(2)).append(' ');
                }
                Matcher table = TABLE_AFTER.matcher(sql);
                while (table.find()) {
                    String name = table.group(1).toLowerCase(Locale.ROOT);
                    if (created.contains(name) && !capability.equals(owners.get(name))) {
                        trespasses.add(SOURCES.relativize(file) + " names " + name + " (" + owners.get(name) + "'s)");
                    }
                }
            }
        }
        assertThat(trespasses).isEmpty();
    }
}
