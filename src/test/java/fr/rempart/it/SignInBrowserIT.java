package fr.rempart.it;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sign-in pages in a real headless Chromium (Debian's chromium and chromium-driver, driven by
 * Selenium with the driver path given, so nothing is downloaded): labelled fields, keyboard use,
 * errors tied to their fields, no Content-Security-Policy violation.
 */
class SignInBrowserIT extends InChromium {

    private static final String PASSWORD = "une phrase de passe assez longue";
    private final RempartServer server = RempartServer.get();

    private String newMember(boolean mustChangePassword) {
        String number = Api.newMemberNumber();
        String json = Api.member(number, number.toLowerCase() + "@example.org", PASSWORD).strip();
        if (mustChangePassword) {
            json = json.substring(0, json.length() - 1) + ",\"requiredActions\":[\"UPDATE_PASSWORD\"]}";
        }
        assertThat(Api.postJson("/api/v1/members", server.token("security-admin"), json).statusCode()).isEqualTo(201);
        return number;
    }

    private void freshBrowser() {
        driver.manage().deleteAllCookies();
        driver.get(server.baseUrl() + "/lang/fr?return=/signin");
    }

    @Test
    void aMemberSignsInWithTheKeyboardOnlyAndNoPageBreaksTheContentSecurityPolicy() {
        String number = newMember(false);
        freshBrowser();
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("fr");
        assertEveryFieldIsLabelled();

        WebElement identifier = driver.findElement(By.id("identifier"));
        identifier.click();
        identifier.sendKeys(number);
        driver.switchTo().activeElement().sendKeys(Keys.TAB);
        assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("password");
        driver.switchTo().activeElement().sendKeys(PASSWORD, Keys.ENTER);

        awaitUrl("/account");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Mon compte");
        assertThat(driver.getPageSource()).contains("2 84 05 ** *** *** ").contains("Connexion réussie");
        assertNoContentSecurityPolicyViolation();
    }

    @Test
    void aWrongPasswordShowsAnAccessibleErrorAndTheShowPasswordButtonWorks() {
        String number = newMember(false);
        freshBrowser();
        WebElement password = driver.findElement(By.id("password"));
        WebElement toggle = driver.findElement(By.cssSelector("button.toggle-password"));
        assertThat(toggle.isDisplayed()).as("our script ran under the CSP").isTrue();
        password.sendKeys("not the right one");
        toggle.click();
        assertThat(password.getAttribute("type")).isEqualTo("text");
        assertThat(toggle.getAttribute("aria-pressed")).isEqualTo("true");
        driver.findElement(By.id("identifier")).sendKeys(number);
        driver.findElement(By.cssSelector("button[type=submit]")).click();

        // The submit does not wait for the answer page: wait for its alert.
        WebElement alert = new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElements(By.id("signin-error")).stream().findFirst().orElse(null));
        assertThat(alert.getAttribute("role")).isEqualTo("alert");
        assertThat(driver.findElement(By.id("identifier")).getAttribute("aria-describedby")).contains("signin-error");
        assertThat(driver.findElement(By.id("identifier")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("signin-error");
        assertNoContentSecurityPolicyViolation();
    }

    @Test
    void theRequiredPasswordChangeGuidesTheMemberFieldByField() {
        String number = newMember(true);
        freshBrowser();
        driver.findElement(By.id("identifier")).sendKeys(number);
        driver.findElement(By.id("password")).sendKeys(PASSWORD, Keys.ENTER);
        awaitUrl("/required-actions/update-password");
        assertEveryFieldIsLabelled();
        assertThat(driver.findElement(By.id("newPassword")).getAttribute("aria-describedby")).contains("newPassword-hint");

        driver.findElement(By.id("newPassword")).sendKeys("trop court");
        driver.findElement(By.id("confirmPassword")).sendKeys("trop court", Keys.ENTER);
        awaitErrorsOf("newPassword");
        WebElement field = driver.findElement(By.id("newPassword"));
        assertThat(field.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(field.getAttribute("aria-describedby")).contains("newPassword-error");
        assertThat(driver.findElement(By.id("newPassword-error")).getText()).contains("au moins 15 caractères");
        assertThat(driver.findElement(By.cssSelector(".error-summary a")).getAttribute("href")).endsWith("#newPassword");

        driver.findElement(By.id("newPassword")).sendKeys("une nouvelle phrase de passe");
        driver.findElement(By.id("confirmPassword")).sendKeys("une nouvelle phrase de passe", Keys.ENTER);
        awaitUrl("/account");
        assertThat(driver.getPageSource()).contains("Mot de passe modifié");
        assertNoContentSecurityPolicyViolation();
    }

    @Test
    void theResetPageListsEveryBrokenRuleAndShowsTheServersLiveEstimate() {
        String number = newMember(true);
        freshBrowser();
        driver.findElement(By.id("identifier")).sendKeys(number);
        driver.findElement(By.id("password")).sendKeys(PASSWORD, Keys.ENTER);
        awaitUrl("/required-actions/update-password");

        WebElement field = driver.findElement(By.id("newPassword"));
        assertThat(field.getAttribute("autocomplete")).isEqualTo("new-password");
        field.sendKeys("password");
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(10))
                .until(d -> d.findElement(By.id("strength")).getText().contains("Robustesse estimée"));
        assertThat(driver.findElement(By.id("strength")).getText()).contains("très faible").contains("fuites de données");

        driver.findElement(By.id("confirmPassword")).sendKeys("password", Keys.ENTER);
        awaitErrorsOf("newPassword");
        List<WebElement> broken = driver.findElements(By.cssSelector("#newPassword-error li"));
        assertThat(broken).hasSizeGreaterThanOrEqualTo(3);
        assertThat(broken).extracting(WebElement::getText).anyMatch(t -> t.contains("au moins 15 caractères"))
                .anyMatch(t -> t.contains("fuites de données"));
        assertThat(driver.findElements(By.cssSelector(".error-summary li"))).hasSameSizeAs(broken);

        driver.findElement(By.id("newPassword")).sendKeys("Lefevre-Dupont sous la pluie");
        driver.findElement(By.id("confirmPassword")).sendKeys("Lefevre-Dupont sous la pluie", Keys.ENTER);
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(15)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElements(By.id("newPassword-error")).stream().anyMatch(e -> e.getText().contains("votre nom")));
        assertThat(driver.findElement(By.id("newPassword-error")).getText()).contains("votre nom");
        assertNoContentSecurityPolicyViolation();
    }

    @Test
    void aFlaggedMemberEnrolsTotpInTheBrowserReadingTheKeyFromThePage() {
        String number = Api.newMemberNumber();
        String json = Api.member(number, number.toLowerCase() + "@example.org", PASSWORD).strip();
        json = json.substring(0, json.length() - 1) + ",\"requiredActions\":[\"UPDATE_PASSWORD\",\"CONFIGURE_TOTP\"]}";
        assertThat(Api.postJson("/api/v1/members", server.token("security-admin"), json).statusCode()).isEqualTo(201);
        freshBrowser();
        driver.findElement(By.id("identifier")).sendKeys(number);
        driver.findElement(By.id("password")).sendKeys(PASSWORD, Keys.ENTER);
        // First the new password, then the second factor, then the account.
        awaitUrl("/required-actions/update-password");
        driver.findElement(By.id("newPassword")).sendKeys("le grand héron cendré du marais");
        driver.findElement(By.id("confirmPassword")).sendKeys("le grand héron cendré du marais", Keys.ENTER);
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(15))
                .until(d -> d.getCurrentUrl().endsWith("/required-actions/configure-totp"));
        assertEveryFieldIsLabelled();
        assertThat(driver.findElement(By.cssSelector("img[src^='data:image/png']")).getAttribute("alt")).isNotBlank();
        String secret = driver.findElement(By.id("totp-key")).getText().replace(" ", "");
        driver.findElement(By.id("code")).sendKeys(TotpIT.oathtool(secret, java.time.Instant.now().getEpochSecond()), Keys.ENTER);
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(15))
                .until(d -> d.findElements(By.cssSelector("#recovery-codes li")).size() == 10);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(15)).until(d -> d.getCurrentUrl().endsWith("/account"));
        assertThat(driver.findElement(By.id("second-factor-status")).getText()).startsWith("Activée depuis le");
        assertThat(driver.findElement(By.id("recovery-codes-left")).getText()).isEqualTo("10");
        assertNoContentSecurityPolicyViolation();
    }

    @Test
    void theLanguageLinkSwitchesThePagesToEnglish() {
        freshBrowser();
        driver.findElement(By.cssSelector("a[hreflang=en]")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> "en".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
        assertThat(driver.findElement(By.cssSelector("label[for=identifier]")).getText()).startsWith("Identifier");
        assertEveryFieldIsLabelled();
        driver.get(server.baseUrl() + "/lang/fr?return=/signin");
    }

    @Test
    void aRelyingPartyGetsItsCodeBackAfterTheSignInPagesDespiteTheFormActionPolicy() throws Exception {
        com.sun.net.httpserver.HttpServer relyingParty = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        relyingParty.createContext("/cb", exchange -> {
            byte[] page = "<!DOCTYPE html><title>RP</title><p>relying party</p>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        relyingParty.start();
        try {
            String callback = "http://127.0.0.1:" + relyingParty.getAddress().getPort() + "/cb";
            String clientId = "browser-rp-" + System.nanoTime();
            assertThat(Api.postJson("/api/v1/clients", server.token("security-admin"), "{\"clientId\":\"" + clientId
                    + "\",\"redirectUris\":[\"" + callback + "\"],\"grantTypes\":[\"authorization_code\"]}").statusCode()).isEqualTo(201);
            String challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest("a-verifier-long-enough-for-pkce-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            String number = newMember(false);
            driver.manage().deleteAllCookies();
            driver.get(server.baseUrl() + "/oauth2/authorize?response_type=code&scope=openid&client_id=" + clientId + "&redirect_uri="
                    + java.net.URLEncoder.encode(callback, java.nio.charset.StandardCharsets.UTF_8) + "&state=s1&nonce=n1&code_challenge="
                    + challenge + "&code_challenge_method=S256");
            awaitUrl("/signin");
            driver.findElement(By.id("identifier")).sendKeys(number);
            driver.findElement(By.id("password")).sendKeys(PASSWORD, Keys.ENTER);
            new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(15))
                    .until(d -> d.getCurrentUrl().startsWith(callback + "?code="));
            assertThat(driver.getCurrentUrl()).contains("&state=s1&iss=");
            assertThat(driver.getPageSource()).contains("relying party");
            assertNoContentSecurityPolicyViolation();
        } finally {
            relyingParty.stop(0);
        }
    }

    private void awaitUrl(String ending) {
        Chromium.awaitUrl(driver, ending);
    }

    private void awaitErrorsOf(String field) {
        Chromium.awaitErrorsOf(driver, field);
    }

    private void assertEveryFieldIsLabelled() {
        Chromium.assertEveryFieldIsLabelled(driver);
    }

    private void assertNoContentSecurityPolicyViolation() {
        Chromium.assertNoContentSecurityPolicyViolation(driver);
    }
}
