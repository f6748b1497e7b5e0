package dev.rcpat.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.testing.Api;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver: both are given by path, so
 * Selenium Manager never runs and nothing downloads a browser. Elements are found by their
 * accessible name as Chromium computes it (what a screen reader announces), and every test's
 * console and network traffic is checked: a console error, a failed request or an API error the
 * test did not expect fails it ({@link #problems()}).
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(15);
    /**
     * Selenium looks for a DevTools binding of Chromium's version and warns that it has none: the
     * tests use none (chromedriver's logs and CDP commands need no binding). Kept here, as
     * java.util.logging holds loggers weakly.
     */
    private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");
    private static final Pattern NETWORK_ERROR_ECHO =
            Pattern.compile("^(\\S+) - Failed to load resource: the server responded with a status of (\\d{3})");

    final ChromeDriver driver;
    private final Path profile;
    private final String origin;
    /** API answers other than 200 that the running test expects: "endpoint status", e.g. "login 401". */
    private final Set<String> expectedApiErrors = new HashSet<>();

    private Browser(ChromeDriver driver, Path profile, String origin) {
        this.driver = driver;
        this.profile = profile;
        this.origin = origin;
    }

    /** A fresh browser (new profile, nothing stored) at {@code width} × {@code height} CSS pixels. */
    static Browser start(URI page, int width, int height) throws IOException {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(p + " is missing: the browser tests need Debian's Chromium, "
                        + "`apt-get install -y chromium chromium-driver` (.ci/run installs them)");
            }
        }
        DEVTOOLS_LOG.setLevel(Level.SEVERE);
        Path profile = Files.createTempDirectory("rcpat-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Without the networking flags Chromium calls Google's services at start, which this
        // machine's closed network refuses; a fresh profile each time keeps runs independent.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--lang=en-US",
                "--window-size=" + (width + 100) + "," + (height + 200));
        options.setExperimentalOption("prefs", Map.of(
                "credentials_enable_service", false,
                "profile.password_manager_enabled", false,
                "profile.password_manager_leak_detection", false,
                "intl.accept_languages", "en-US"));
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL", LogType.PERFORMANCE, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        Browser browser = new Browser(driver, profile, page.getScheme() + "://" + page.getAuthority());
        browser.resize(width, height);
        driver.get("about:blank");
        browser.problems(); // the browser's own start (its new-tab page) is no test's traffic
        return browser;
    }

    /** The page's viewport, in CSS pixels; a narrow one is a phone's (the meta viewport applies, touch emulated). */
    void resize(int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", width < 600));
    }

    /** Opens the page as a new visit: this origin's session storage is emptied first. */
    void open(URI page) {
        driver.get(page.toString());
        js("sessionStorage.clear(); localStorage.clear();");
        driver.navigate().refresh();
        waitFor(() -> Boolean.TRUE.equals(js("return document.readyState === 'complete'")));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    <T> T waitFor(java.util.function.Supplier<T> condition) {
        return new WebDriverWait(driver, WAIT).ignoring(RuntimeException.class).until(d -> {
            T v = condition.get();
            return v instanceof Boolean b && !b ? null : v;
        });
    }

    // ---- elements by accessible name -------------------------------------------------------------

    /** The one displayed element among {@code css} whose accessible name is exactly {@code name}, waiting for it. */
    WebElement named(String css, String name) {
        try {
            return waitFor(() -> find(css, name).orElse(null));
        } catch (RuntimeException e) {
            throw new AssertionError("no displayed " + css + " named \"" + name + "\"; displayed names: " + names(css), e);
        }
    }

    Optional<WebElement> find(String css, String name) {
        List<WebElement> matches = driver.findElements(By.cssSelector(css)).stream()
                .filter(WebElement::isDisplayed)
                .filter(e -> name.equals(e.getAccessibleName()))
                .toList();
        if (matches.size() > 1) {
            throw new AssertionError(matches.size() + " displayed " + css + " are named \"" + name + "\"");
        }
        return matches.stream().findFirst();
    }

    List<String> names(String css) {
        return driver.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed)
                .map(WebElement::getAccessibleName).toList();
    }

    WebElement button(String name) {
        return named("button", name);
    }

    WebElement field(String name) {
        return named("input, textarea, select", name);
    }

    boolean hasButton(String name) {
        return find("button", name).isPresent();
    }

    void type(String fieldName, String text) {
        WebElement field = field(fieldName);
        field.clear();
        field.sendKeys(text);
    }

    /** The open modal dialog (there is at most one), waiting for it. */
    WebElement dialog() {
        return waitFor(() -> driver.findElements(By.cssSelector("dialog[open]")).stream().findFirst().orElse(null));
    }

    boolean dialogOpen() {
        return !driver.findElements(By.cssSelector("dialog[open]")).isEmpty();
    }

    void waitUntilNoDialog() {
        waitFor(() -> !dialogOpen());
    }

    /** Waits until the element with this id shows exactly {@code text}. */
    void waitForText(String id, String text) {
        try {
            waitFor(() -> text.equals(driver.findElement(By.id(id)).getText()));
        } catch (RuntimeException e) {
            throw new AssertionError("#" + id + " shows \"" + driver.findElement(By.id(id)).getText()
                    + "\", expected \"" + text + "\"", e);
        }
    }

    String activeElementName() {
        return driver.switchTo().activeElement().getAccessibleName();
    }

    // ---- checks --------------------------------------------------------------------------------

    /** An API answer other than 200 that the page handles as part of the journey, e.g. ("login", 401). */
    void expectApiError(String endpoint, int status) {
        expectedApiErrors.add(endpoint + " " + status);
    }

    /**
     * Console errors, failed requests and unexpected API errors since the last call (reading
     * the logs empties them); the expected API errors are forgotten too.
     */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() < Level.SEVERE.intValue()) {
                continue;
            }
            Matcher echo = NETWORK_ERROR_ECHO.matcher(e.getMessage());
            if (echo.find() && echo.group(1).startsWith(origin + "/")) {
                continue; // Chromium's echo of an HTTP error status: judged below, with the request
            }
            problems.add("console: " + e.getMessage());
        }
        Map<String, String> urls = new HashMap<>();
        for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = Api.json(e.getMessage()).path("message");
            JsonNode params = message.path("params");
            String requestId = params.path("requestId").asText();
            switch (message.path("method").asText()) {
                case "Network.requestWillBeSent" -> urls.put(requestId, params.path("request").path("url").asText());
                case "Network.loadingFailed" -> {
                    String url = urls.get(requestId);
                    if (url != null && isWeb(url) && !params.path("canceled").asBoolean()) {
                        problems.add("request failed: " + url + " " + params.path("errorText").asText());
                    }
                }
                case "Network.responseReceived" -> {
                    String url = params.path("response").path("url").asText();
                    int status = params.path("response").path("status").asInt();
                    String problem = judge(url, status);
                    if (problem != null) {
                        problems.add(problem);
                    }
                }
                default -> { }
            }
        }
        expectedApiErrors.clear();
        return problems;
    }

    /** http(s): what a page can fetch (chrome:// and data: are the browser's own). */
    private static boolean isWeb(String url) {
        return url.startsWith("http://") || url.startsWith("https://");
    }

    private String judge(String url, int status) {
        if (!isWeb(url)) {
            return null;
        }
        if (!url.startsWith(origin + "/")) {
            return "a request to another origin: " + url;
        }
        String path = URI.create(url).getPath();
        if (path.startsWith("/api/v1/")) {
            String endpoint = path.substring("/api/v1/".length());
            return status == 200 || expectedApiErrors.contains(endpoint + " " + status)
                    ? null : "unexpected API answer: " + status + " from " + endpoint;
        }
        return status == 200 || status == 304 ? null : "failed request: " + status + " " + url;
    }

    /**
     * axe-core (from the npm registry, node_modules) run on the page as it is now: its
     * violations, each as "impact rule: help (selectors)".
     */
    List<String> accessibilityViolations(Path axeScript) {
        try {
            js(Files.readString(axeScript));
        } catch (IOException e) {
            throw new UncheckedIOException(axeScript + ": run npm ci first", e);
        }
        Object result = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ['violations'] })
                  .then(r => done(JSON.stringify(r.violations)))
                  .catch(e => done(JSON.stringify({ error: String(e) })));
                """);
        JsonNode violations = Api.json(String.valueOf(result));
        if (violations.has("error")) {
            throw new AssertionError("axe-core failed: " + violations.get("error").asText());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : violations) {
            List<String> targets = new ArrayList<>();
            v.path("nodes").forEach(n -> targets.add(n.path("target").toString()));
            out.add(v.path("impact").asText() + " " + v.path("id").asText() + ": " + v.path("help").asText() + " " + targets);
        }
        return out;
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary profile left behind
            }
        }
    }
}
