package fr.rempart.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.WebDriver;

/** A browser test class: one headless Chromium ({@link Chromium#start()}) for all its tests, quit after the last. */
abstract class InChromium {

    static WebDriver driver;

    @BeforeAll
    static void startBrowser() throws Exception {
        driver = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
    }
}
