package fr.rempart.platform.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The scopes that open {@code /api/v1} in Rempart's own access tokens (RFC 6749 §3.3), and which group each
 * one lets a token use. A group in a token is not enough: the client must have asked for the scope, and been
 * registered for it, so a relying party holding a staff member's or a member's token for its own use gets nothing.
 */
public final class ApiScopes {

    /** A member's own view: their security state, their reports, password checks against their own data. */
    public static final String SELF = "rempart:self";
    /** The helpdesk groups' endpoints. */
    public static final String HELPDESK = "rempart:helpdesk";
    /** The security administrators' endpoints. */
    public static final String ADMIN = "rempart:admin";
    public static final List<String> ALL = List.of(SELF, HELPDESK, ADMIN);

    private static final Map<String, String> BY_GROUP = Map.of(
            "helpdesk-agent", HELPDESK,
            "helpdesk-supervisor", HELPDESK,
            "security-admin", ADMIN);

    private ApiScopes() {
    }

    /** The scope a token needs to use this group on the API; empty for a group the API does not know (resource-server). */
    public static Optional<String> of(String group) {
        return Optional.ofNullable(BY_GROUP.get(group));
    }

    /** The API scopes these groups imply: what a client-credentials client gets for its registered groups. */
    public static Set<String> impliedBy(Collection<String> groups) {
        return groups.stream().map(BY_GROUP::get).filter(java.util.Objects::nonNull).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }
}
