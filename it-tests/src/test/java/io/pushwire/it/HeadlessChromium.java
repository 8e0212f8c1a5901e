package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's Chromium ({@code /usr/bin/chromium}) in headless mode, driven by the system's
 * {@code chromedriver} (Debian packages {@code chromium} and {@code chromium-driver}; {@code .ci/run}
 * installs them), with a fresh profile in a temporary directory. Both paths are given to Selenium, so
 * Selenium Manager, which would download a browser, never runs. Missing, they fail the test with the
 * fix in the message: a browser test that skips when there is no browser would never run anywhere.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final Path CHROMIUM = Path.of(System.getProperty("pushwire.it.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("pushwire.it.chromedriver", "/usr/bin/chromedriver"));
    /**
     * Selenium warns that it has no DevTools (CDP) bindings for this Chromium's version; the tests use
     * WebDriver only. Held here because java.util.logging keeps loggers weakly.
     */
    private static final Logger CDP_LOG = quiet("org.openqa.selenium.devtools.CdpVersionFinder");
    private static final Logger CHROMIUM_LOG = quiet("org.openqa.selenium.chromium.ChromiumDriver");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts the browser; chromedriver's log goes to {@code target/server-logs/<name>-chromedriver.log}. */
    static HeadlessChromium start(String name) throws IOException {
        requireExecutable(CHROMIUM, "chromium");
        requireExecutable(CHROMEDRIVER, "chromedriver");
        Path logs = Path.of(System.getProperty("pushwire.it.logs", "target/server-logs"));
        Files.createDirectories(logs);
        Path profile = Files.createTempDirectory("pushwire-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(logs.resolve(name + "-chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                // Containers often give /dev/shm 64 MB, too little for Chromium's renderer.
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1280,900");
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20)).scriptTimeout(Duration.ofSeconds(15));
            return new HeadlessChromium(service, driver, profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Replaces the current tab by a new one, which starts with an empty {@code sessionStorage}. */
    void freshTab() {
        String previous = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        String fresh = driver.getWindowHandle();
        driver.switchTo().window(previous).close();
        driver.switchTo().window(fresh);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static void requireExecutable(Path path, String what) {
        if (!Files.isExecutable(path)) {
            fail("no " + what + " at " + path + ": the browser tests need the Debian packages chromium and"
                    + " chromium-driver (apt-get install -y chromium chromium-driver; .ci/run installs them),"
                    + " or -Dpushwire.it.chromium / -Dpushwire.it.chromedriver pointing at them");
        }
    }

    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    private static void deleteQuietly(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
