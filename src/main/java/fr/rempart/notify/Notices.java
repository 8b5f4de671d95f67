package fr.rempart.notify;

import fr.rempart.member.Member;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.web.Messages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;

/**
 * The messages Rempart sends members, in their language, written in the outbox. They never ask
 * for a password or a code, and say how to reach the helpdesk by its known number.
 */
@ApplicationScoped
public class Notices {

    @Inject
    Outbox outbox;
    @Inject
    Settings settings;
    @Inject
    MessageCodes codes;

    /** "Your password was changed" — so a member who did not do it reacts at once. */
    public void passwordChanged(Member member) {
        send(member, "mail.password-changed", now(member));
    }

    /** The helpdesk removed the second factor: if the member did not ask for it, they must call. */
    public void secondFactorReset(Member member) {
        send(member, "mail.totp-reset", now(member));
    }

    /** A second-factor code already used was typed again: perhaps phished, so the member is warned. */
    public void codeReplayed(Member member) {
        send(member, "mail.otp-replayed", now(member));
    }

    /** The forgotten-password link, valid {@code minutes} minutes, single use. */
    public void passwordResetLink(Member member, String link, long minutes) {
        send(member, "mail.password-reset", link, minutes);
    }

    /**
     * The breach notice (GDPR art. 34): what happened and when, what leaked and what did not, what
     * the mutual did to the account and what the member should do, the risks (targeted phishing,
     * fraud, identity theft), the helpdesk number, no link to click, and a verification code the
     * member can check. Returns whether it was sent (an address is on file).
     */
    public boolean breachNotice(Member member, String source, java.time.LocalDate discoveredOn, String leaked, String notLeaked) {
        if (member.email() == null) {
            return false;
        }
        String code = codes.issue("EMAIL", "BREACH_NOTICE", java.time.Instant.now());
        Locale locale = Locale.forLanguageTag(member.language());
        String date = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale).format(discoveredOn);
        send(member, "mail.breach", source, date, leaked, notLeaked, code);
        return true;
    }

    private void send(Member member, String key, Object... arguments) {
        if (member.email() == null) {
            return;
        }
        Locale locale = Locale.forLanguageTag(member.language());
        Object[] all = new Object[arguments.length + 3];
        all[0] = member.displayName();
        all[1] = settings.mutualName();
        all[2] = settings.helpdeskPhone();
        System.arraycopy(arguments, 0, all, 3, arguments.length);
        outbox.enqueue(member.email(), Messages.get(locale, key + ".subject", settings.mutualName()), Messages.get(locale, key + ".body", all));
    }

    private static String now(Member member) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT).withLocale(Locale.forLanguageTag(member.language()))
                .format(ZonedDateTime.now(ZoneId.of("Europe/Paris")));
    }
}
