package fr.rempart.member;

/** A postal address for letters (the breach notice goes by post too). French postcodes have 5 digits. */
public record PostalAddress(String line1, String line2, String postcode, String city, String country) {

    public static boolean validFrenchPostcode(String postcode) {
        return postcode != null && postcode.matches("(0[1-9]|[1-8]\\d|9[0-8])\\d{3}");
    }
}
