package fr.rempart.member;

/**
 * The proof a flagged account gives before its hardening (what the leak does not give), as the
 * capabilities under sign-in ask for it: password and totp refuse a change without it, notify prints
 * its activation code in letters. Sign-in implements it ({@code signin.HardeningProofs}) and serves
 * the proof's page, so the port lives here, below all of them.
 */
public interface HardeningGate {

    /** Whether the member's hardening may only be finished after such a proof. */
    boolean required(MemberId member);

    /** Requires the proof of one member, in the caller's transaction. */
    void require(MemberId member, String reason);

    /** Whether this session gave the proof (and it is still fresh). */
    boolean proven(WebSession session);

    /** The hardening was finished with the proof ({@code how}): the account no longer needs one. */
    void complete(Member member, String how);

    /** A new activation code for a letter to the member, printed once and never kept in clear. */
    String letterCode(MemberId member);
}
