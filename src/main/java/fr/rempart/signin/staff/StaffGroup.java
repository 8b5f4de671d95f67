package fr.rempart.signin.staff;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a member of staff may do, as the API's {@code @Allowed} and the tokens' {@code groups} claim
 * name it. A supervisor is also an agent: the groups are listed, never implied.
 */
public enum StaffGroup {
    HELPDESK_AGENT("helpdesk-agent"),
    HELPDESK_SUPERVISOR("helpdesk-supervisor"),
    SECURITY_ADMIN("security-admin");

    private final String value;

    StaffGroup(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<StaffGroup> of(String value) {
        return Arrays.stream(values()).filter(g -> g.value.equals(value)).findFirst();
    }
}
