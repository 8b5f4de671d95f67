package fr.rempart.helpdesk;

import fr.rempart.audit.Actor;

import java.util.Set;

/**
 * The member of staff acting: on the console, signed in as staff; on the API, the caller of a
 * helpdesk token. {@code actor} identifies the person for the audit trail, the rate limit and the
 * four-eyes rule (a request is approved by another person); {@code person} is false for an
 * application's own token (client credentials), which may act but never approve.
 */
public record Agent(Actor actor, Set<String> groups, boolean person) {

    public Agent(Actor actor, Set<String> groups) {
        this(actor, groups, true);
    }

    public static final String AGENT = "helpdesk-agent";
    public static final String SUPERVISOR = "helpdesk-supervisor";

    public String id() {
        return actor.toString();
    }

    public boolean supervisor() {
        return groups.contains(SUPERVISOR);
    }
}
