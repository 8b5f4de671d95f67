package fr.rempart.notify;

import fr.rempart.member.Email;
import fr.rempart.member.Member;
import fr.rempart.member.PostalAddress;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.web.Messages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;

/**
 * The messages Rempart sends members, in their language, written in the outbox. They never ask
 * for a password or a code, and say how to reach the helpdesk by its known number.
 */
@ApplicationScoped
public class Notices {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    Outbox outbox;
    Settings settings;

    protected Notices() {
    }

    @Inject
    public Notices(Outbox outbox, Settings settings) {
        this.outbox = outbox;
        this.settings = settings;
    }

    /** "Your password was changed" — so a member who did not do it reacts at once. */
    public void passwordChanged(Member member) {
        send(member, "mail.password-changed", now(member));
    }

    /** The helpdesk removed the second factor: if the member did not ask for it, they must call. */
    public void secondFactorReset(Member member) {
        send(member, "mail.totp-reset", now(member));
    }

    /** A second factor was added to the account: a member who did not do it must call before it is used against them. */
    public void secondFactorEnrolled(Member member) {
        send(member, "mail.totp-enrolled", now(member));
    }

    /**
     * The code that lets the member finish hardening the account after a breach, for the session that
     * asked for it: typed on the mutual's own site, never read to anyone.
     */
    public void hardeningCode(Member member, String code, long minutes) {
        send(member, "mail.hardening-code", code, minutes, settings.publicUrl());
    }

    /** A session proved the member's contact on file: if she did not just type a code herself, someone else did. */
    public void hardeningProven(Member member) {
        send(member, "mail.hardening-proven", now(member));
    }

    /** The helpdesk did something to the account ({@code actionKey} names it): if the member did not call, they must. */
    public void helpdeskAction(Member member, String actionKey) {
        Locale locale = Locale.forLanguageTag(member.language());
        send(member, locale, "mail.helpdesk-action", now(member), Messages.get(locale, actionKey));
    }

    /** To a helpdesk supervisor: an agent's unusual volume of actions, to look at in the approvals queue. */
    public void helpdeskVolumeAlert(Email supervisor, String agent, int actions) {
        send(supervisor, "", Locale.FRENCH, "mail.helpdesk-volume", agent, actions);
    }

    /**
     * To a security admin: a genuine verification code was checked from many addresses, so it is
     * surely printed on messages the mutual did not send; the check now says so.
     */
    public void messageCodeCopied(Email admin, String code, MessageCodes.Sent sent, int addresses) {
        Locale locale = Locale.FRENCH;
        send(admin, "", locale, "mail.message-code-copied", code, Messages.get(locale, "message-check.channel." + sent.channel()),
                DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT).withLocale(locale).format(sent.sentAt().atZone(PARIS)),
                sent.incident() == null ? "-" : sent.incident(), addresses);
    }

    /** The one-time code a helpdesk agent asks the caller to read back: whoever reads it receives the member's e-mail. */
    public void helpdeskCode(Member member, String code, long minutes) {
        send(member, "mail.helpdesk-code", code, minutes);
    }

    /** The same code by SMS to the phone number on file: short, and only for someone who called the helpdesk themselves. */
    public void helpdeskCodeSms(Member member, String code, long minutes) {
        Locale locale = Locale.forLanguageTag(member.language());
        outbox.enqueueSms(member.phone(), Messages.get(locale, "sms.helpdesk-code", settings.mutualName(), code, minutes, settings.helpdeskPhone()));
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
     * The breach notice (GDPR art. 34) by e-mail: what happened and when, what leaked and what did
     * not, what the mutual did to the account and what the member should do, the risks (targeted
     * phishing, fraud, identity theft), the helpdesk number, no link to click, and the verification
     * code the member can check.
     */
    public void breachEmail(Member member, Locale locale, NoticeFacts.Breach facts, String code) {
        send(member, locale, "mail.breach", breachArguments(locale, facts, code));
    }

    /** The same notice as a postal letter, for the print shop. */
    public LetterRenderer.Letter breachLetter(Member member, Locale locale, NoticeFacts.Breach facts, String code) {
        return breachLetter(member, locale, facts, code, null);
    }

    /**
     * The letter with, for a member without e-mail, the activation code that proves receiving it
     * (the only way such a member finishes hardening the account without calling the helpdesk).
     */
    public LetterRenderer.Letter breachLetter(Member member, Locale locale, NoticeFacts.Breach facts, String code, String activationCode) {
        String mutual = settings.mutualName();
        return new LetterRenderer.Letter(member.number().value(), member.displayName(), addressLines(member), mutual,
                String.join("\n", settings.mutualPostalAddress()), settings.mutualCity(),
                DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale).format(LocalDate.now(PARIS)),
                Messages.get(locale, "letter.breach.subject"), Messages.get(locale, "mail.breach.body", all(member, breachArguments(locale, facts, code)))
                        + (activationCode == null ? "" : "\n\n" + Messages.get(locale, "letter.activation", activationCode)),
                Messages.get(locale, "letter.code"), code, Messages.get(locale, "letter.page"));
    }

    /**
     * A letter of its own with the activation code, for a member without e-mail whose hardening waits for
     * a proof after a report or a helpdesk action; with its verification code, like every letter.
     */
    public LetterRenderer.Letter activationLetter(Member member, Locale locale, String code, String activationCode) {
        String mutual = settings.mutualName();
        return new LetterRenderer.Letter(member.number().value(), member.displayName(), addressLines(member), mutual,
                String.join("\n", settings.mutualPostalAddress()), settings.mutualCity(),
                DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale).format(LocalDate.now(PARIS)),
                Messages.get(locale, "letter.activation.subject"), Messages.get(locale, "letter.activation.body", all(member))
                        + "\n\n" + Messages.get(locale, "letter.activation", activationCode),
                Messages.get(locale, "letter.code"), code, Messages.get(locale, "letter.page"));
    }

    private static List<String> addressLines(Member member) {
        PostalAddress a = member.address();
        return java.util.stream.Stream.of(a.line1(), a.line2(), a.postcode() + " " + a.city(),
                        a.country() == null || a.country().equals("FR") ? null : new Locale("", a.country()).getDisplayCountry(Locale.FRENCH))
                .filter(line -> line != null && !line.isBlank()).toList();
    }

    private static Object[] breachArguments(Locale locale, NoticeFacts.Breach facts, String code) {
        return new Object[]{facts.source(), DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale).format(facts.discoveredOn()),
                facts.leaked(), facts.notLeaked(), code};
    }

    private void send(Member member, String key, Object... arguments) {
        send(member, Locale.forLanguageTag(member.language()), key, arguments);
    }

    private void send(Member member, Locale locale, String key, Object... arguments) {
        if (member.email() != null) {
            send(member.email(), member.displayName(), locale, key, arguments);
        }
    }

    private void send(Email to, String name, Locale locale, String key, Object... arguments) {
        outbox.enqueue(to, Messages.get(locale, key + ".subject", settings.mutualName()), Messages.get(locale, key + ".body", all(name, arguments)));
    }

    /**
     * The acknowledgment of an alert or pre-complaint: its reference, the official channels that fit
     * the case (already written out, in order), no link. Sent to the contact the report gives, member or not.
     */
    public void reportReceived(Email to, String name, Locale locale, String reference, String nextSteps) {
        send(to, name, locale, "mail.report-received", reference, nextSteps);
    }

    /**
     * A code proving that whoever filed a report reads this address, before its acknowledgement is sent there. Fixed
     * words and the code only: the address is not proven yet, so nothing from the report goes to it.
     */
    public void reportContactCode(Email to, Locale locale, String code) {
        send(to, "", locale, "mail.report-contact-code", code);
    }

    private Object[] all(Member member, Object... arguments) {
        return all(member.displayName(), arguments);
    }

    /** The addressee's name, the mutual's name and the helpdesk number come first in every message. */
    private Object[] all(String name, Object... arguments) {
        Object[] all = new Object[arguments.length + 3];
        all[0] = name;
        all[1] = settings.mutualName();
        all[2] = settings.helpdeskPhone();
        System.arraycopy(arguments, 0, all, 3, arguments.length);
        return all;
    }

    private static String now(Member member) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT).withLocale(Locale.forLanguageTag(member.language()))
                .format(ZonedDateTime.now(PARIS));
    }
}
