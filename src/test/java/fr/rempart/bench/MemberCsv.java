package fr.rempart.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Member import files of any size, every row valid: a unique member number, a NIR whose key is right
 * and which agrees with the row's sex and birth date (Corsica as 2A/2B from 1976, 20 before), a
 * unique e-mail on every other row, a phone on every third, an address on three rows out of four.
 * The format of MemberImportIT: UTF-8 with BOM, French header, {@code ;}, CRLF.
 */
final class MemberCsv {

    static final String HEADER = "numero_adherent;nir;nom;prenom;date_naissance;sexe;email;telephone;code_postal;adresse;ville";
    private static final String[] LAST = {"Lefèvre-Dupont", "Müller", "O'Brien", "Martin", "Nguyễn", "Da Silva", "Petit", "Garçon", "L'Hôte", "Bernard"};
    private static final String[] FIRST = {"Hélène", "Zoé", "Luc", "Anne-Marie", "Noël", "Maël", "Inès", "François", "Chloé", "Jean"};
    private static final String[][] PLACES = {{"69003", "3 place du Marché", "Lyon"}, {"13001", "1 quai du Port", "Marseille"},
            {"75011", "12 rue de la Roquette", "Paris"}, {"97400", "5 rue de Paris", "Saint-Denis"}};

    private MemberCsv() {
    }

    /** Writes {@code rows} members numbered from {@code first} (keep ranges apart: numbers and NIRs derive from it). */
    static void write(Path file, String prefix, int first, int rows) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             BufferedWriter out = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16)) {
            out.write('\uFEFF');
            out.write(HEADER);
            out.write("\r\n");
            StringBuilder line = new StringBuilder(200);
            for (int i = first; i < first + rows; i++) {
                line.setLength(0);
                row(line, prefix, i);
                out.append(line).append("\r\n");
            }
        }
    }

    static void row(StringBuilder line, String prefix, int i) {
        String number = prefix + String.format("%08d", i);
        boolean man = i % 2 == 0;
        int year = 1930 + i % 90;
        int month = 1 + (i / 90) % 12;
        int day = 1 + (i / 1080) % 28;
        String birth = i % 3 == 0 ? String.format("%04d-%02d-%02d", year, month, day) : String.format("%02d/%02d/%04d", day, month, year);
        line.append(number).append(';').append(nir(man, year, month, i)).append(';')
                .append(LAST[i % LAST.length]).append(';').append(FIRST[(i / 10) % FIRST.length]).append(';')
                .append(birth).append(';').append(man ? 'M' : 'F').append(';');
        if (i % 2 == 0) {
            line.append(number.toLowerCase(Locale.ROOT)).append("@exemple.fr");
        }
        line.append(';');
        if (i % 3 == 0) {
            line.append(String.format("06 %02d %02d %02d %02d", (i / 1_000_000) % 100, (i / 10_000) % 100, (i / 100) % 100, i % 100));
        }
        line.append(';');
        if (i % 4 != 0) {
            String[] place = PLACES[i % PLACES.length];
            line.append(place[0]).append(';').append(place[1]).append(';').append(place[2]);
        } else {
            line.append(";;");
        }
    }

    /** A valid NIR, distinct for each i below 998,001. */
    static String nir(boolean man, int year, int month, int i) {
        int department = 1 + (i / 7) % 95;
        String dep = department == 20 ? (year >= 1976 ? (i % 2 == 0 ? "2A" : "2B") : "20") : String.format("%02d", department);
        int commune = 1 + (i / 999) % 999;
        int order = 1 + i % 999;
        String first13 = (man ? "1" : "2") + String.format("%02d%02d", year % 100, month) + dep + String.format("%03d%03d", commune, order);
        long n = Long.parseLong(first13.replace("2A", "19").replace("2B", "18"));
        return first13 + String.format("%02d", 97 - n % 97);
    }
}
