package fr.rempart.member;

/**
 * Ending a member's sessions, for the capabilities under sign-in: a new password or second factor
 * ends the other sessions, a helpdesk reset all of them. Sign-in keeps the sessions and implements
 * it ({@code signin.SessionStore}). A port rather than an event: a missing implementation stops the
 * deployment, where an event nobody observes would leave a thief's session open in silence.
 */
public interface MemberSessions {

    /** Ends every session of the member but this one. */
    int revokeOthers(MemberId member, WebSession kept, String reason);

    /** Ends every session of the member. */
    int revokeAll(MemberId member, String reason);
}
