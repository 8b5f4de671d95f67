package fr.rempart.report;

import fr.rempart.member.validation.ValidBirthDate;
import fr.rempart.member.validation.ValidEmail;
import fr.rempart.member.validation.ValidPersonName;
import fr.rempart.member.validation.ValidPhone;
import fr.rempart.member.validation.ValidPostcode;
import fr.rempart.platform.validation.ValidPastDate;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * An alert or pre-complaint as the member fills it in, step by step: each constraint belongs to the
 * step ({@link Step}) that asks for it, so a page validates its own step alone, and the submission
 * validates them all. Text fields take any characters (HTML included: escaping is the views' job)
 * within their size.
 */
@ConsistentFacts(groups = ReportForm.Step.Details.class)
public record ReportForm(
        // What happened
        @NotEmpty(groups = Step.What.class) @Size(max = 4, groups = Step.What.class)
        List<@NotBlank(groups = Step.What.class) @OneOf(value = Report.Kind.class, groups = Step.What.class) String> kinds,
        @NotBlank(groups = Step.What.class) @Size(max = 20, groups = Step.What.class)
        @OneOf(value = Report.Channel.class, groups = Step.What.class) String channel,
        @NotBlank(groups = Step.What.class) @Size(max = 20, groups = Step.What.class)
        @OneOf(value = Report.Sender.class, groups = Step.What.class) String claimedSender,
        @NotBlank(groups = Step.What.class) @Size(max = 10, groups = Step.What.class)
        @ValidPastDate(message = "{rempart.report.date}", groups = Step.What.class) String occurredOn,
        // The details
        @Size(max = 254, groups = Step.Details.class) @ValidEmail(groups = Step.Details.class) String senderAddress,
        @Size(max = 30, groups = Step.Details.class)
        @Pattern(regexp = "\\+?[0-9][0-9 .()\\-]{0,29}", message = "{rempart.report.sender-number}", groups = Step.Details.class) String senderNumber,
        @Size(max = 2000, groups = Step.Details.class) String linkOrNumber,
        @Size(max = 5000, groups = Step.Details.class) String messageText,
        @Size(max = 5, groups = Step.Details.class)
        List<@NotBlank(groups = Step.Details.class) @OneOf(value = Report.Information.class, groups = Step.Details.class) String> informationGiven,
        @Size(max = 200, groups = Step.Details.class) String organisation,
        @Size(max = 2000, groups = Step.Details.class) String identityUse,
        @Size(max = 13, groups = Step.Details.class)
        @Pattern(regexp = "\\d{1,9}([.,]\\d{1,2})?", message = "{rempart.report.amount}", groups = Step.Details.class) String amount,
        @Size(max = 200, groups = Step.Details.class) String paymentMethod,
        // Who and how to reach them
        @NotBlank(groups = Step.Identity.class) @Size(max = 100, groups = Step.Identity.class)
        @ValidPersonName(groups = Step.Identity.class) String lastName,
        @NotBlank(groups = Step.Identity.class) @Size(max = 100, groups = Step.Identity.class)
        @ValidPersonName(groups = Step.Identity.class) String firstName,
        @NotBlank(groups = Step.Identity.class) @Size(max = 10, groups = Step.Identity.class)
        @ValidBirthDate(groups = Step.Identity.class) String birthDate,
        @NotBlank(groups = Step.Anonymous.class) @Size(max = 254, groups = Step.Identity.class)
        @ValidEmail(groups = Step.Identity.class) String contactEmail,
        @Size(max = 30, groups = Step.Identity.class) @ValidPhone(groups = Step.Identity.class) String phone,
        @Size(max = 10, groups = Step.Identity.class) @ValidPostcode(groups = Step.Identity.class) String postcode,
        /* A random token the form carries so that posting it twice files one report. */
        @Pattern(regexp = "[A-Za-z0-9_\\-]{16,64}", message = "{rempart.report.submission-key}") String submissionKey) {

    /** The form's steps, each a validation group; {@link Anonymous} adds what someone not signed in must give. */
    public interface Step {
        interface What {
        }

        interface Details {
        }

        interface Identity {
        }

        /** Not signed in: an e-mail address is the only way to reach them. */
        interface Anonymous {
        }

        /** Everything a submission is checked against, signed in or not. */
        static Class<?>[] all(boolean signedIn) {
            return signedIn ? new Class<?>[]{jakarta.validation.groups.Default.class, What.class, Details.class, Identity.class}
                    : new Class<?>[]{jakarta.validation.groups.Default.class, What.class, Details.class, Identity.class, Anonymous.class};
        }
    }

    Set<Report.Kind> kindSet() {
        return names(kinds, Report.Kind.class);
    }

    Set<Report.Information> informationSet() {
        return names(informationGiven, Report.Information.class);
    }

    Optional<Report.Channel> channelValue() {
        return one(channel, Report.Channel.class);
    }

    Optional<Report.Sender> senderValue() {
        return one(claimedSender, Report.Sender.class);
    }

    /** The amount in euro cents, when it is well formed. */
    Optional<Long> amountInCents() {
        if (amount == null || !amount.strip().matches("\\d{1,9}([.,]\\d{1,2})?")) {
            return Optional.empty();
        }
        return Optional.of(new BigDecimal(amount.strip().replace(',', '.')).movePointRight(2).longValueExact());
    }

    private static <E extends Enum<E>> Optional<E> one(String name, Class<E> type) {
        try {
            return name == null ? Optional.empty() : Optional.of(Enum.valueOf(type, name.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static <E extends Enum<E>> Set<E> names(List<String> names, Class<E> type) {
        EnumSet<E> set = EnumSet.noneOf(type);
        if (names != null) {
            names.forEach(n -> one(n, type).ifPresent(set::add));
        }
        return set;
    }

    /** The same form under another submission key (the key as bound to its sender). */
    public ReportForm withSubmissionKey(String key) {
        var components = ReportForm.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = components[i].getName().equals("submissionKey") ? key : components[i].getAccessor().invoke(this);
            }
            return ReportForm.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
