package fr.rempart.member;

import fr.rempart.platform.web.ClientInfo;

/**
 * The second factor, as the sign-in flow sees it; the {@code totp} capability implements it. A member
 * who has one enrolled must pass it right after the password step.
 */
public interface SecondFactor {

    enum Outcome { ACCEPTED, RECOVERY_ACCEPTED, INVALID, REPLAYED, LOCKED, MALFORMED, NOT_ENROLLED }

    /** The outcome and, after a recovery code, how many codes remain. */
    record Result(Outcome outcome, int recoveryCodesLeft) {
        public boolean accepted() {
            return outcome == Outcome.ACCEPTED || outcome == Outcome.RECOVERY_ACCEPTED;
        }
    }

    /** What the member's security page shows. */
    record Summary(boolean enrolled, java.time.Instant since, int recoveryCodesLeft) {
    }

    boolean enrolled(MemberId member);

    Summary summary(MemberId member);

    /** Verifies a code typed by the member: a current TOTP code, or one of their recovery codes. */
    Result verify(Member member, String code, ClientInfo client);
}
