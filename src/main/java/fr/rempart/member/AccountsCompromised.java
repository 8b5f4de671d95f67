package fr.rempart.member;

import java.util.List;

/**
 * Accounts whose identity or credentials are known to have leaked (RISC credential-compromise), a
 * batch at a time: an incident flags hundreds of thousands of members, so this is one event per
 * batch, fired inside the flagging transaction. With {@code sessionsRevoked}, what relying parties
 * hold for these accounts ends too.
 */
public record AccountsCompromised(String incident, List<MemberId> members, boolean sessionsRevoked) {
}
