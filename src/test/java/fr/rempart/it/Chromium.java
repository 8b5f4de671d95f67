package fr.rempart.it;

import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium with the
 * driver path given, so nothing is downloaded), and the checks every page test makes with it.
 */
final class Chromium {

    private Chromium() {
    }

    static WebDriver start() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory("rempart-chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        return new ChromeDriver(service, options);
    }

    /** Clicks (a submit button, a link) and waits for the answer page to replace this one. */
    static void clickThrough(WebDriver driver, By target) {
        WebElement old = driver.findElement(By.tagName("h1"));
        driver.findElement(target).click();
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> {
            try {
                old.isDisplayed();
                return false;
            } catch (org.openqa.selenium.WebDriverException gone) {
                // Stale, or (Chromium) "node does not belong to the document": the old page is gone.
                return true;
            }
        });
    }

    /** After a submit, the browser reaches the page (the submit does not wait for the navigation). */
    static void awaitUrl(WebDriver driver, String ending) {
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> d.getCurrentUrl().endsWith(ending));
    }

    /** A form submitted: wait for the answer page to show the field's errors. */
    static void awaitErrorsOf(WebDriver driver, String field) {
        new WebDriverWait(driver, Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class)
                .until(d -> !d.findElements(By.cssSelector("#" + field + "-error li")).isEmpty());
    }

    static void assertEveryFieldIsLabelled(WebDriver driver) {
        List<WebElement> fields = driver.findElements(By.cssSelector("input:not([type=hidden]), select, textarea"));
        assertThat(fields).isNotEmpty();
        for (WebElement field : fields) {
            String id = field.getAttribute("id");
            boolean labelled = (id != null && !driver.findElements(By.cssSelector("label[for='" + id + "']")).isEmpty())
                    || field.getAttribute("aria-label") != null;
            assertThat(labelled).as("field %s has a label", field.getAttribute("name")).isTrue();
        }
    }

    static void assertNoContentSecurityPolicyViolation(WebDriver driver) {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(entries).noneMatch(e -> e.getMessage().contains("Content Security Policy") || e.getMessage().contains("Refused to"));
    }
}
