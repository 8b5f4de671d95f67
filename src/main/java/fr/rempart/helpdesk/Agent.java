package fr.rempart.helpdesk;

import fr.rempart.audit.Actor;

import java.util.Set;

/**
 * The member of staff acting: on the console, signed in as staff; on the API, the caller of a
 * helpdesk token. {@code actor} names them in the audit trail, the rate limit and the proofs;
 * {@code staff} is the staff account's id when the caller is one (console sessions, local or through
 * the external provider; Rempart tokens of a staff account; the external provider's tokens of an
 * account it signed in), null otherwise. {@code person} is false for an application's own token
 * (client credentials), which may act but never approve nor vouch for a face-to-face check.
 */
public record Agent(Actor actor, Set<String> groups, boolean person, String staff) {

    public Agent(Actor actor, Set<String> groups) {
        this(actor, groups, true, null);
    }

    public static final String AGENT = "helpdesk-agent";
    public static final String SUPERVISOR = "helpdesk-supervisor";

    public String id() {
        return actor.toString();
    }

    /**
     * Who this is as a person, for the four-eyes rule: the staff account whatever the way in, so one
     * person signed in by two routes is one person; otherwise the token's issuer and subject.
     */
    public String who() {
        return staff != null ? "staff-id:" + staff : actor.toString();
    }

    public boolean supervisor() {
        return groups.contains(SUPERVISOR);
    }
}
