package fr.rempart.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where a victim goes next, from the facts of the report (reference/victim-help.md): the official
 * channels that fit the case, the most urgent first. Rempart files nothing itself; it tells the
 * member which door to knock on and what to bring.
 */
public final class OfficialChannels {

    /** Each has its name, how to reach it and what to bring in the messages ({@code report.route.<NAME>.*}). */
    public enum Route {
        /** Bank details given or money taken: the bank first, to stop the card and the transfers. */
        BANK_FIRST,
        /** Any cyber-malice: 17Cyber, diagnostic and a chat with police or gendarmerie. */
        CYBER_17,
        /** A phishing e-mail: Signal Spam, with the message kept as evidence. */
        SIGNAL_SPAM,
        /** A fraudulent SMS or call: 33700. */
        SMS_33700,
        /** An online scam: THESEE, the online complaint. */
        THESEE,
        /** A card used online while still in hand: Perceval, after the stop. */
        PERCEVAL,
        /** A scam outside the internet: Plainte en ligne. */
        PLAINTE_EN_LIGNE,
        /** Identity theft (art. 226-4-1 of the Code pénal): a complaint at a police station or gendarmerie, or a letter to the procureur. */
        IDENTITY_THEFT_COMPLAINT;

        /** The channel's name, in the reader's language. */
        public String title(java.util.Locale locale) {
            return fr.rempart.platform.web.Messages.get(locale, "report.route." + name() + ".name");
        }

        /** How to reach it. */
        public String how(java.util.Locale locale) {
            return fr.rempart.platform.web.Messages.get(locale, "report.route." + name() + ".how");
        }

        /** What to bring. */
        public String bring(java.util.Locale locale) {
            return fr.rempart.platform.web.Messages.get(locale, "report.route." + name() + ".bring");
        }
    }

    private OfficialChannels() {
    }

    public static List<Route> forCase(Set<Report.Kind> kinds, Report.Channel channel, Set<Report.Information> given) {
        boolean online = channel == Report.Channel.EMAIL || channel == Report.Channel.SMS || channel == Report.Channel.CALL;
        boolean money = kinds.contains(Report.Kind.MONEY_TAKEN);
        List<Route> routes = new ArrayList<>();
        if (money || given.contains(Report.Information.BANK_DETAILS)) {
            routes.add(Route.BANK_FIRST);
        }
        if (online) {
            routes.add(Route.CYBER_17);
        }
        if (channel == Report.Channel.EMAIL) {
            routes.add(Route.SIGNAL_SPAM);
        }
        if (channel == Report.Channel.SMS || channel == Report.Channel.CALL) {
            routes.add(Route.SMS_33700);
        }
        if (money) {
            routes.addAll(online ? List.of(Route.THESEE, Route.PERCEVAL) : List.of(Route.PLAINTE_EN_LIGNE));
        }
        if (kinds.contains(Report.Kind.IDENTITY_USED) || given.contains(Report.Information.IDENTITY_DOCUMENTS)
                || given.contains(Report.Information.NIR)) {
            routes.add(Route.IDENTITY_THEFT_COMPLAINT);
        }
        return List.copyOf(routes);
    }
}
