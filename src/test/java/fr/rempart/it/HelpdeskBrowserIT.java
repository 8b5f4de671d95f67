package fr.rempart.it;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The helpdesk console in a real headless Chromium: an agent signs in, finds a locked member, proves
 * the caller with the code sent to the member's e-mail, and unlocks; a second factor reset on a
 * breached account waits, the agent cannot approve it, a supervisor does.
 */
class HelpdeskBrowserIT extends InChromium {

    private final RempartServer server = RempartServer.get();

    /** Clicks and waits for the answer page to replace this one. */
    private void click(By target) {
        Chromium.clickThrough(driver, target);
    }

    private void signIn(String username, String password, String secret) {
        driver.manage().deleteAllCookies();
        driver.get(server.baseUrl() + "/lang/fr?return=/staff/signin");
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password, Keys.ENTER);
        Chromium.awaitUrl(driver, "/staff/signin/code");
        driver.findElement(By.id("code")).sendKeys(StaffSignInIT.freshCode(secret), Keys.ENTER);
        Chromium.awaitUrl(driver, "/staff");
    }

    private void type(String id, String text) {
        driver.findElement(By.id(id)).sendKeys(text);
    }

    @Test
    void anAgentProvesTheCallerWithACodeAndUnlocksThenASupervisorApprovesAResetOnABreachedAccount() throws Exception {
        HelpdeskIT.Member locked = HelpdeskIT.newMember();
        HelpdeskIT.lock(locked);
        HelpdeskIT.Member breached = HelpdeskIT.newMember();
        HelpdeskIT.flag(breached);

        signIn("agent", StaffSignInIT.AGENT_PASSWORD, StaffSignInIT.AGENT_SECRET);
        click(By.cssSelector("a[href='/staff/helpdesk']"));
        Chromium.assertEveryFieldIsLabelled(driver);
        type("q", locked.number());
        click(By.id("search"));
        click(By.cssSelector("#results a[href='/staff/helpdesk/members/" + locked.number() + "']"));

        // The leaked facts are shown as what they are; nothing opens the account before the caller is proven.
        assertThat(driver.findElement(By.id("not-a-proof")).getText()).contains("ne prouvent jamais");
        assertThat(driver.findElement(By.id("nir")).getText()).contains("pas une preuve").doesNotContain(locked.nir().substring(5, 13));
        assertThat(driver.findElement(By.id("lockout")).getText()).startsWith("Bloqué");
        assertThat(driver.findElement(By.id("action-unlock")).isEnabled()).isFalse();
        Chromium.assertEveryFieldIsLabelled(driver);

        java.util.Set<String> earlier = HelpdeskIT.codes(locked);
        click(By.id("send-code"));
        String code = HelpdeskIT.newCode(locked, earlier);
        type("code", code.equals("000000") ? "000001" : "000000");
        click(By.id("confirm-code"));
        assertThat(driver.findElement(By.id("error")).getText()).contains("pas le bon");
        type("code", code);
        click(By.id("confirm-code"));
        assertThat(driver.findElement(By.id("verified")).getText()).contains("code envoyé");

        click(By.id("action-unlock"));
        assertThat(driver.findElement(By.id("error")).getText()).as("a reason is required").contains("raison");
        type("reason-unlock", "Appel au 3676 : compte bloqué après des essais");
        click(By.id("action-unlock"));
        assertThat(driver.findElement(By.id("notice")).getText()).contains("débloqué");
        assertThat(driver.findElement(By.id("lockout")).getText()).isEqualTo("Non bloqué");
        assertThat(driver.findElement(By.id("timeline")).getText()).contains("helpdesk.unlock");

        // A breached account's second factor: the request waits; the agent cannot decide it.
        driver.get(server.baseUrl() + "/staff/helpdesk/members/" + breached.number());
        type("checked", "carte nationale d'identité");
        click(By.id("record-in-person"));
        assertThat(driver.findElement(By.id("verified")).getText()).contains("en personne");
        type("reason-reset-totp", "Téléphone perdu, vu au guichet");
        click(By.id("action-reset-totp"));
        assertThat(driver.findElement(By.id("notice")).getText()).contains("superviseur");
        assertThat(driver.findElement(By.id("approvals")).getText()).contains("en attente");
        driver.get(server.baseUrl() + "/staff/helpdesk/approvals");
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("superviseurs");
        assertThat(driver.findElements(By.cssSelector("button.approve"))).isEmpty();
        Chromium.assertNoContentSecurityPolicyViolation(driver);

        signIn("supervisor", StaffSignInIT.SUPERVISOR_PASSWORD, StaffSignInIT.SUPERVISOR_SECRET);
        driver.get(server.baseUrl() + "/staff/helpdesk/approvals");
        By approve = By.xpath("//tr[td/a[text()='" + breached.number() + "']]//button[contains(@class,'approve')]");
        assertThat(driver.findElement(By.xpath("//tr[td/a[text()='" + breached.number() + "']]")).getText()).contains("agent")
                .contains("Téléphone perdu");
        click(approve);
        assertThat(driver.findElements(By.xpath("//tr[td/a[text()='" + breached.number() + "']]"))).isEmpty();
        driver.get(server.baseUrl() + "/staff/helpdesk/members/" + breached.number());
        assertThat(driver.findElement(By.id("approvals")).getText()).contains("approuvée");
        // The supervisor's own request waits for someone else: no button to approve it.
        type("checked", "passeport");
        click(By.id("record-in-person"));
        type("reason-reset-totp", "Nouveau téléphone, vu au guichet");
        click(By.id("action-reset-totp"));
        driver.get(server.baseUrl() + "/staff/helpdesk/approvals");
        assertThat(driver.findElement(By.xpath("//tr[td/a[text()='" + breached.number() + "']]")).getText()).contains("un autre superviseur décide");
        assertThat(driver.findElements(approve)).isEmpty();
        driver.get(server.baseUrl() + "/staff/helpdesk/members/" + breached.number());
        assertThat(driver.findElement(By.id("required-actions")).getText()).contains("Configurer la seconde vérification");
        assertThat(driver.findElement(By.id("proof-pending")).getText()).contains("Ne demandez jamais ce code");
        assertThat(driver.findElement(By.id("timeline")).getText()).contains("helpdesk.reset-totp");
        Chromium.assertNoContentSecurityPolicyViolation(driver);
    }
}
