package fr.rempart.helpdesk;

import java.util.Arrays;
import java.util.Optional;

/**
 * What the helpdesk may do to an account, named as in the API path. The two that open the account to
 * whoever is on the phone (unlock, second factor reset) need the caller proven first; the others only
 * close it further or tell the member again, so a fraudster gains nothing from them.
 */
public enum HelpdeskAction {
    UNLOCK("unlock", true),
    RESET_TOTP("reset-totp", true),
    REQUIRE_PASSWORD_RESET("require-password-reset", false),
    REVOKE_SESSIONS("revoke-sessions", false),
    RESEND_NOTICE("resend-notice", false);

    private final String path;
    private final boolean needsVerification;

    HelpdeskAction(String path, boolean needsVerification) {
        this.path = path;
        this.needsVerification = needsVerification;
    }

    public String path() {
        return path;
    }

    public boolean needsVerification() {
        return needsVerification;
    }

    public static Optional<HelpdeskAction> of(String path) {
        return Arrays.stream(values()).filter(a -> a.path.equals(path)).findFirst();
    }
}
