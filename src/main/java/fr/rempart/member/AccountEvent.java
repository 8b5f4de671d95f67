package fr.rempart.member;

import java.util.Set;

/**
 * Security-relevant changes to an account, fired as CDI events by the capability that makes them,
 * inside its transaction. The OpenID provider turns them into revoked grants and Security Event
 * Tokens for the relying parties (RISC and CAEP event types).
 */
public sealed interface AccountEvent {

    MemberId member();

    /**
     * Sessions ended: one by the member signing out ({@code wholeAccount} false), or every session
     * but {@code kept} (null: all) after a password change, by the helpdesk or an incident.
     * {@code ended} lists the ids of the sessions that were still open.
     */
    record SessionsRevoked(MemberId member, Set<String> ended, String kept, boolean wholeAccount, String reason) implements AccountEvent {
    }

    /** A credential was created, updated or deleted ({@code type}: CAEP credential types, {@code password} or {@code app}). */
    record CredentialChanged(MemberId member, String type, String change) implements AccountEvent {
    }

    /** The member must change the password before going further (RISC account-credential-change-required). */
    record CredentialChangeRequired(MemberId member, String reason) implements AccountEvent {
    }
}
