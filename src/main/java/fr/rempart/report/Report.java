package fr.rempart.report;

import java.time.Instant;
import java.util.Set;

/** A report as the helpdesk's queue shows it: never the words of the message nor the victim's identity. */
public record Report(ReportReference reference, Status status, Set<Kind> kinds, Channel channel, Instant createdAt,
                     String senderKey, String numberKey, String linkKey, String assignedTo) {

    /** What happened; a report may say several. */
    public enum Kind { SUSPICIOUS_MESSAGE, GAVE_INFORMATION, IDENTITY_USED, MONEY_TAKEN }

    public enum Channel { EMAIL, SMS, CALL, LETTER, HOME_VISIT }

    /** Whom the message claimed to come from. */
    public enum Sender { MUTUAL, ASSURANCE_MALADIE, OTHER }

    /** What the victim gave away. */
    public enum Information { PASSWORD, SECOND_FACTOR_CODE, BANK_DETAILS, NIR, IDENTITY_DOCUMENTS }

    public enum Status { NEW, IN_PROGRESS, CLOSED }
}
