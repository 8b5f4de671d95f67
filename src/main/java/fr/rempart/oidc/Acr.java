package fr.rempart.oidc;

import java.util.List;
import java.util.Set;

/**
 * Authentication context classes (OpenID Connect Core §2 {@code acr}): a password alone, or a
 * password and a second factor. A relying party asking {@code acr_values} for MFA (our value, the
 * PAPE multi-factor policy, or simply {@code mfa}) gets a second factor forced on the member.
 */
public final class Acr {

    public static final String PASSWORD = "urn:rempart:acr:pwd";
    public static final String MFA = "urn:rempart:acr:mfa";
    private static final Set<String> MFA_ALIASES = Set.of(MFA, "mfa", "http://schemas.openid.net/pape/policies/2007/06/multi-factor");

    private Acr() {
    }

    public static List<String> supported() {
        return List.of(PASSWORD, MFA);
    }

    /** Whether the requested values can only be met with a second factor (every one asks for MFA). */
    public static boolean requiresMfa(List<String> requested) {
        return !requested.isEmpty() && requested.stream().allMatch(MFA_ALIASES::contains);
    }

    public static String of(Set<String> amr) {
        return amr.contains("otp") || amr.contains("mfa") ? MFA : PASSWORD;
    }

    /** RFC 8176: "mfa" is added whenever more than one factor was used. */
    public static List<String> amr(Set<String> amr) {
        List<String> values = new java.util.ArrayList<>(amr);
        if (values.contains("pwd") && values.contains("otp") && !values.contains("mfa")) {
            values.add("mfa");
        }
        return values;
    }
}
