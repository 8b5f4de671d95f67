package fr.rempart.helpdesk;

import fr.rempart.audit.Actor;

import java.util.Set;

/**
 * The member of staff acting: on the console, signed in as staff; on the API, the caller of a
 * helpdesk token. {@code actor} identifies the person for the audit trail, the rate limit and the
 * four-eyes rule (a request is approved by another person).
 */
public record Agent(Actor actor, Set<String> groups) {

    public static final String AGENT = "helpdesk-agent";
    public static final String SUPERVISOR = "helpdesk-supervisor";

    public String id() {
        return actor.toString();
    }

    public boolean supervisor() {
        return groups.contains(SUPERVISOR);
    }
}
