package fr.rempart.report;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Set;

import static fr.rempart.report.OfficialChannels.Route.BANK_FIRST;
import static fr.rempart.report.OfficialChannels.Route.CYBER_17;
import static fr.rempart.report.OfficialChannels.Route.IDENTITY_THEFT_COMPLAINT;
import static fr.rempart.report.OfficialChannels.Route.PERCEVAL;
import static fr.rempart.report.OfficialChannels.Route.PLAINTE_EN_LIGNE;
import static fr.rempart.report.OfficialChannels.Route.SIGNAL_SPAM;
import static fr.rempart.report.OfficialChannels.Route.SMS_33700;
import static fr.rempart.report.OfficialChannels.Route.THESEE;
import static org.assertj.core.api.Assertions.assertThat;

/** The official channel that fits each case (reference/victim-help.md), the most urgent first. */
class OfficialChannelsTest {

    @Test
    void aPhishingEmailGoesTo17CyberAndSignalSpam() {
        assertThat(OfficialChannels.forCase(Set.of(Report.Kind.SUSPICIOUS_MESSAGE), Report.Channel.EMAIL, Set.of()))
                .containsExactly(CYBER_17, SIGNAL_SPAM);
    }

    @Test
    void aFraudulentSmsGoesTo33700AndBankDetailsGivenMeanTheBankFirst() {
        assertThat(OfficialChannels.forCase(Set.of(Report.Kind.GAVE_INFORMATION), Report.Channel.SMS, Set.of(Report.Information.BANK_DETAILS)))
                .containsExactly(BANK_FIRST, CYBER_17, SMS_33700);
    }

    @Test
    void moneyTakenOnlineGoesToTheseeAndPercevalAfterTheBankOfflineToPlainteEnLigne() {
        assertThat(OfficialChannels.forCase(Set.of(Report.Kind.MONEY_TAKEN), Report.Channel.CALL, Set.of()))
                .containsExactly(BANK_FIRST, CYBER_17, SMS_33700, THESEE, PERCEVAL);
        assertThat(OfficialChannels.forCase(Set.of(Report.Kind.MONEY_TAKEN), Report.Channel.HOME_VISIT, Set.of()))
                .containsExactly(BANK_FIRST, PLAINTE_EN_LIGNE);
    }

    @Test
    void identityUsedOrIdentityDocumentsGivenCallForAComplaintForIdentityTheft() {
        assertThat(OfficialChannels.forCase(Set.of(Report.Kind.IDENTITY_USED), Report.Channel.LETTER, Set.of()))
                .containsExactly(IDENTITY_THEFT_COMPLAINT);
        assertThat(OfficialChannels.forCase(Set.of(Report.Kind.GAVE_INFORMATION), Report.Channel.CALL, Set.of(Report.Information.IDENTITY_DOCUMENTS)))
                .contains(IDENTITY_THEFT_COMPLAINT);
    }

    @Test
    void everyRouteIsNamedWithHowToReachItAndWhatToBringInBothLanguages() {
        for (OfficialChannels.Route route : OfficialChannels.Route.values()) {
            for (Locale locale : new Locale[]{Locale.FRENCH, Locale.ENGLISH}) {
                for (String part : new String[]{"name", "how", "bring"}) {
                    String key = "report.route." + route.name() + "." + part;
                    assertThat(fr.rempart.platform.web.Messages.get(locale, key)).as(key).isNotBlank().isNotEqualTo(key);
                }
            }
        }
        assertThat(fr.rempart.platform.web.Messages.get(Locale.FRENCH, "report.route.IDENTITY_THEFT_COMPLAINT.how")).contains("226-4-1");
    }
}
