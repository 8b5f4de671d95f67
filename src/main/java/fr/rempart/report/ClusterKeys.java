package fr.rempart.report;

import java.util.Locale;
import java.util.Optional;

/**
 * The normalised forms of a sender's address, a number and a link, so that the reports of one
 * phishing campaign share a key however each member typed it ({@code +33 6 12…} and {@code 06.12…};
 * {@code HTTPS://www.Ameli-Remboursement.fr/x?id=1} and {@code ameli-remboursement.fr/x}).
 */
final class ClusterKeys {

    private ClusterKeys() {
    }

    static Optional<String> sender(String address) {
        return blank(address) ? Optional.empty() : Optional.of(address.strip().toLowerCase(Locale.ROOT));
    }

    /** Digits only, a French {@code +33}/{@code 0033} number written with its leading 0. */
    static Optional<String> number(String number) {
        if (blank(number)) {
            return Optional.empty();
        }
        String digits = number.replaceAll("[^0-9+]", "");
        if (digits.startsWith("+33")) {
            digits = "0" + digits.substring(3);
        } else if (digits.startsWith("0033")) {
            digits = "0" + digits.substring(4);
        }
        digits = digits.replace("+", "");
        return digits.isEmpty() ? Optional.empty() : Optional.of(digits.length() > 30 ? digits.substring(0, 30) : digits);
    }

    /** A link without its scheme, {@code www.}, query, fragment or final slash, host in lower case; a number given instead is a number's key. */
    static Optional<String> link(String link) {
        if (blank(link)) {
            return Optional.empty();
        }
        String value = link.strip();
        if (value.matches("[+0-9 .()\\-]{2,30}")) {
            return number(value);
        }
        String rest = value.replaceFirst("^(?i)[a-z][a-z0-9+.\\-]*://", "").split("[?#\\s]", 2)[0];
        int slash = rest.indexOf('/');
        String host = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT).replaceFirst("^www\\.", "");
        String path = slash < 0 ? "" : rest.substring(slash).replaceAll("/+$", "");
        String key = host + path;
        return key.isEmpty() ? Optional.empty() : Optional.of(key.length() > 2000 ? key.substring(0, 2000) : key);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
