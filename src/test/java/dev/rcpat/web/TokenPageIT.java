package dev.rcpat.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.auth.Secrets;
import dev.rcpat.local.RunningLocal;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.mail.ses.SesCodeMailer;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.AuthenticatorApp;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.SesMailbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The token page in a real browser (Debian's headless Chromium), at the URL {@code bin/local
 * serve} prints and nothing else: sign-in with each second factor, adding, regenerating and
 * removing tokens, signing out, the API's errors, keyboard use and an axe-core check of every
 * view. Each test fails on a console error, a failed request or an API error it did not expect.
 */
@ExtendWith(LogSecretScan.class)
class TokenPageIT {

    static final Path PROJECT = Path.of(System.getProperty("user.dir"));
    static final Path AXE = PROJECT.resolve("node_modules/axe-core/axe.min.js");
    static final Path SCREENSHOT = PROJECT.resolve("docs/token-page.png");
    static final Pattern PAGE_LINE = Pattern.compile("^token page: (\\S+) ", Pattern.MULTILINE);
    static final Pattern MAILED_CODE = Pattern.compile("(\\d{3})-(\\d{3})");
    static final int DESKTOP_WIDTH = 1280;
    static final int DESKTOP_HEIGHT = 900;

    static RunningLocal local;
    static URI page;
    static Browser browser;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startBrowser() throws Exception {
        local = RunningLocal.withoutRateLimiter();
        Matcher printed = PAGE_LINE.matcher(local.serveOutput());
        assertTrue(printed.find(), local.serveOutput());
        page = URI.create(printed.group(1));
        browser = Browser.start(page, DESKTOP_WIDTH, DESKTOP_HEIGHT);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void newVisit() {
        browser.resize(DESKTOP_WIDTH, DESKTOP_HEIGHT);
        browser.open(page);
    }

    @AfterEach
    void noConsoleErrorNorFailedRequest() {
        assertEquals(List.of(), browser.problems());
    }

    // ---- users, codes, the API as a program calls it ---------------------------------------------

    record Person(String userId, String username, String password, String totpSecret, String email) { }

    static String unique(String prefix) {
        return prefix + "-" + UserAdmin.newUserId().toLowerCase(Locale.ROOT);
    }

    static Person person(UserAdmin.NewUser spec, String email) {
        UserAdmin.Created c = local.stack().admin().createUser(spec);
        if (c.totpSecret() != null) {
            LogCapture.secret(c.totpSecret());
        }
        return new Person(c.userId(), c.username(), spec.password(), c.totpSecret(), email);
    }

    static Person totpUser() {
        String password = LogCapture.secret(unique("totp-password"));
        return person(UserAdmin.NewUser.named(unique("tina")).password(password).withTotp(), null);
    }

    static Person passwordUser() {
        String password = LogCapture.secret(unique("pw-password"));
        return person(UserAdmin.NewUser.named(unique("paul")).password(password), null);
    }

    static Person emailUser() {
        String password = LogCapture.secret(unique("eve-password"));
        String username = unique("eve");
        String address = username + "@rcpat.test";
        return person(UserAdmin.NewUser.named(username).password(password).email(address, true).withEmail2fa(), address);
    }

    static long currentStep() {
        return Math.floorDiv(System.currentTimeMillis(), 30_000L);
    }

    /** A TOTP code for a step; each step is accepted once, and the window takes the next one too. */
    static String totp(Person p, long step) {
        return LogCapture.secret(AuthenticatorApp.codeForStep(p.totpSecret(), step));
    }

    /** The newest code mailed (notices of token changes go to the same address and are not counted) to the person, once there are {@code count} mails, as the mail shows it (123-456). */
    static String mailedCode(Person p, int count) {
        SesMailbox mailbox = new SesMailbox(URI.create(local.stack().state().sesEndpoint()));
        List<SesMailbox.Mail> mails = browser.waitFor(() -> {
            List<SesMailbox.Mail> m = mailbox.to(p.email(), SesCodeMailer.SUBJECT);
            return m.size() >= count ? m : null;
        });
        Matcher m = MAILED_CODE.matcher(mails.get(mails.size() - 1).text());
        assertTrue(m.find(), "no 123-456 code in the mail");
        LogCapture.secret(m.group(1) + m.group(2));
        return LogCapture.secret(m.group());
    }

    static int mailCount(Person p) {
        return new SesMailbox(URI.create(local.stack().state().sesEndpoint())).to(p.email(), SesCodeMailer.SUBJECT).size();
    }

    HttpResponse<String> api(String method, String endpoint, String userId, String token, Map<String, String> headers,
                             String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(local.stack().apiUrl() + "/api/v1/" + endpoint))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (userId != null) {
            b.header("X-User-Id", userId).header("X-Auth-Token", token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = Api.json(r.body());
        if (json.hasNonNull("token")) {
            LogCapture.secret(json.get("token").asText());
            LogCapture.secret(Secrets.hashToken(json.get("token").asText()));
        }
        return r;
    }

    /** What a program using the token gets from {@code GET /api/v1/me}. */
    int meStatus(String userId, String token) throws Exception {
        return api("GET", "me", userId, token, Map.of(), null).statusCode();
    }

    // ---- the page ------------------------------------------------------------------------------

    void signIn(Person p) {
        browser.type("Username or email", p.username());
        browser.type("Password", p.password());
        browser.button("Sign in").click();
    }

    void waitForTokenList() {
        browser.named("h1", "Personal access tokens");
        browser.waitFor(() -> browser.driver.findElement(By.id("empty-state")).isDisplayed()
                || browser.driver.findElement(By.id("table-region")).isDisplayed());
    }

    void waitForSignIn() {
        browser.named("h1", "Sign in");
        browser.field("Username or email");
    }

    /** The login token the page keeps for this tab (the test reads it to prove what signing out does). */
    String[] pageSession() {
        JsonNode s = Api.json(String.valueOf(browser.js("return sessionStorage.getItem('rcpat.session')")));
        return new String[] {s.get("userId").asText(), LogCapture.secret(s.get("authToken").asText())};
    }

    void addToken(String name) {
        browser.type("Token name", name);
        browser.button("Add").click();
    }

    /** The token dialog's Token and User id, checked against what the page must say, then closed. */
    String[] readNewTokenAndClose(Person p) {
        WebElement dialog = browser.dialog();
        assertEquals("dialog", dialog.getAriaRole());
        assertTrue(dialog.getText().contains("It will not be shown again."), dialog.getText());
        String token = LogCapture.secret(browser.field("Token").getDomProperty("value"));
        LogCapture.secret(Secrets.hashToken(token));
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "the token field holds a token");
        assertEquals(p.userId(), browser.field("User id").getDomProperty("value"));
        assertEquals("true", browser.field("Token").getDomAttribute("readonly"));
        assertEquals("true", browser.field("User id").getDomAttribute("readonly"));
        browser.button("Copy").click();
        browser.waitFor(() -> !browser.driver.findElement(By.id("token-dialog-status")).getText().isEmpty());
        browser.button("Close").click();
        browser.waitUntilNoDialog();
        String html = String.valueOf(browser.js("return document.documentElement.outerHTML"));
        Object values = browser.js("return Array.from(document.querySelectorAll('input')).map(i => i.value).join(' ')");
        assertFalse(html.contains(token) || String.valueOf(values).contains(token), "closing the dialog forgets the token");
        assertFalse(String.valueOf(browser.js("return JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + document.cookie"))
                .contains(token), "the new token is stored nowhere");
        return new String[] {token, p.userId()};
    }

    List<String> rowNames() {
        return browser.driver.findElements(By.cssSelector("#token-rows th[scope=row]")).stream().map(WebElement::getText).toList();
    }

    /** The row of a token, as text per column header. */
    Map<String, String> row(String name) {
        List<String> headers = browser.driver.findElements(By.cssSelector("#token-table thead th")).stream()
                .map(WebElement::getText).toList();
        for (WebElement tr : browser.driver.findElements(By.cssSelector("#token-rows tr"))) {
            List<WebElement> cells = tr.findElements(By.cssSelector("th, td"));
            if (cells.get(0).getText().equals(name)) {
                Map<String, String> out = new java.util.LinkedHashMap<>();
                for (int i = 0; i < headers.size(); i++) {
                    out.put(headers.get(i), cells.get(i).getText());
                }
                return out;
            }
        }
        throw new AssertionError("no row " + name + " in " + rowNames());
    }

    void confirm() {
        WebElement dialog = browser.dialog();
        assertEquals("dialog", dialog.getAriaRole());
        browser.button("Confirm").click();
    }

    void assertNoSeriousAccessibilityViolations(String view) {
        List<String> serious = new ArrayList<>();
        for (String v : browser.accessibilityViolations(AXE)) {
            System.out.println("axe-core, " + view + ": " + v);
            if (v.startsWith("serious ") || v.startsWith("critical ")) {
                serious.add(v);
            }
        }
        assertEquals(List.of(), serious, "axe-core, " + view);
    }

    // ---- the journeys --------------------------------------------------------------------------

    @Test
    void aTotpUserSignsInAddsATokenThatWorksRegeneratesItAndRemovesIt() throws Exception {
        Person tina = totpUser();
        waitForSignIn();
        assertNoSeriousAccessibilityViolations("sign-in");
        signIn(tina);
        browser.expectApiError("login", 401);

        browser.field("Code");
        assertFalse(browser.hasButton("Send the code again"), "an authenticator code cannot be sent again");
        assertNoSeriousAccessibilityViolations("second-factor step");
        long loginStep = currentStep();
        browser.type("Code", totp(tina, loginStep));
        browser.button("Verify").click();
        waitForTokenList();
        browser.waitForText("status", "Signed in as " + tina.username() + ".");
        assertTrue(browser.driver.findElement(By.id("empty-state")).getText().contains("X-Auth-Token"),
                "the empty state explains what a token is for");
        assertNoSeriousAccessibilityViolations("empty list");

        addToken("ci");
        browser.expectApiError("users.generatePersonalAccessToken", 400);
        WebElement challenge = browser.dialog();
        assertTrue(challenge.getText().contains("authenticator app"), challenge.getText());
        assertNoSeriousAccessibilityViolations("two-factor dialog");
        assertEquals("Code", browser.activeElementName(), "focus moves into the dialog");
        browser.type("Code", totp(tina, Math.max(loginStep, currentStep()) + 1));
        browser.button("Verify").click();

        browser.waitFor(() -> browser.find("input", "Token").isPresent());
        assertNoSeriousAccessibilityViolations("new token dialog");
        String[] token = readNewTokenAndClose(tina);
        assertEquals("Add", browser.activeElementName(), "focus returns to what opened the dialog");
        assertEquals(200, meStatus(token[1], token[0]), "the token shown once authenticates an API call");

        browser.waitFor(() -> rowNames().equals(List.of("ci")));
        Map<String, String> row = row("ci");
        assertEquals("…" + token[0].substring(37), row.get("Ends with"));
        assertEquals("No", row.get("Ignores two-factor"));
        assertEquals("Never", row.get("Expires"));
        assertFalse(row.get("Created").isBlank());
        assertNoSeriousAccessibilityViolations("list with a token");

        // Regenerate: the second factor passed a moment ago is remembered for this login token.
        browser.button("Regenerate ci").click();
        assertTrue(browser.dialog().getText().contains("Regenerate “ci”?"), browser.dialog().getText());
        assertNoSeriousAccessibilityViolations("confirmation dialog");
        confirm();
        browser.waitFor(() -> browser.find("input", "Token").isPresent());
        String[] regenerated = readNewTokenAndClose(tina);
        assertNotEquals(token[0], regenerated[0]);
        assertEquals(401, meStatus(token[1], token[0]), "the old value gets 401");
        assertEquals(200, meStatus(regenerated[1], regenerated[0]));

        browser.button("Remove ci").click();
        assertTrue(browser.dialog().getText().contains("Remove “ci”?"));
        confirm();
        browser.waitForText("status", "Token “ci” removed.");
        browser.waitFor(() -> rowNames().isEmpty());
        assertTrue(browser.driver.findElement(By.id("empty-state")).isDisplayed());
        assertEquals(401, meStatus(regenerated[1], regenerated[0]), "a removed token gets 401");
    }

    @Test
    void aWrongCodeShowsTheErrorAndTheRightOneStillSignsIn() {
        Person tina = totpUser();
        signIn(tina);
        browser.expectApiError("login", 401);
        browser.type("Code", "000000");
        browser.button("Verify").click();
        browser.waitForText("second-factor-error", "That code is not right. Check it, then try again.");
        assertEquals("true", browser.field("Code").getDomAttribute("aria-invalid"));
        assertEquals("Code", browser.activeElementName());
        assertNoSeriousAccessibilityViolations("wrong code");

        browser.type("Code", totp(tina, currentStep()));
        browser.button("Verify").click();
        waitForTokenList();
    }

    @Test
    void anEmailUserSignsInWithTheMailedCodeAndConfirmsARegenerationByEmail() throws Exception {
        Person eve = emailUser();
        // A token made through the API beforehand, so the page's session is asked for a code again.
        String apiLogin = LogCapture.secret(local.stack().admin().createLoginToken(eve.userId()));
        String body = "{\"tokenName\":\"deploy\"}";
        assertEquals(400, api("POST", "users.generatePersonalAccessToken", eve.userId(), apiLogin, Map.of(), body).statusCode());
        String code = mailedCode(eve, 1);
        HttpResponse<String> made = api("POST", "users.generatePersonalAccessToken", eve.userId(), apiLogin,
                Map.of("x-2fa-method", "email", "x-2fa-code", code), body);
        assertEquals(200, made.statusCode(), made.body());
        String first = Api.json(made.body()).get("token").asText();

        signIn(eve);
        browser.expectApiError("login", 401);
        browser.field("Code");
        assertEquals(2, browser.waitFor(() -> mailCount(eve) >= 2 ? mailCount(eve) : null), "sign-in mailed a code");
        browser.button("Send the code again").click();
        browser.waitForText("second-factor-hint", "We sent a new code to your verified address. Enter the newest one.");
        browser.type("Code", mailedCode(eve, 3));
        browser.button("Verify").click();
        waitForTokenList();
        assertEquals(List.of("deploy"), rowNames());

        browser.button("Regenerate deploy").click();
        confirm();
        browser.expectApiError("users.regeneratePersonalAccessToken", 400);
        WebElement challenge = browser.dialog();
        browser.waitFor(() -> challenge.getText().contains("We emailed a code"));
        assertTrue(browser.hasButton("Send the code again"));
        browser.type("Code", mailedCode(eve, 4));
        browser.button("Verify").click();
        browser.waitFor(() -> browser.find("input", "Token").isPresent());
        String[] regenerated = readNewTokenAndClose(eve);
        assertEquals(401, meStatus(eve.userId(), first), "the old value gets 401");
        assertEquals(200, meStatus(regenerated[1], regenerated[0]));
    }

    @Test
    void aPasswordUserAddsATokenByTypingTheirPasswordThenSignsOut() throws Exception {
        Person paul = passwordUser();
        signIn(paul);
        waitForTokenList();
        String[] session = pageSession();

        browser.type("Token name", "laptop");
        browser.field("Ignore two factor authentication").click();
        browser.type("Expires in days", "30");
        browser.button("Add").click();
        browser.expectApiError("users.generatePersonalAccessToken", 400);
        WebElement challenge = browser.dialog();
        assertTrue(challenge.getText().contains("Enter your password"), challenge.getText());
        assertEquals("Password", browser.activeElementName());
        assertEquals("password", browser.field("Password").getDomAttribute("type"));
        browser.type("Password", "not-" + paul.password());
        browser.button("Verify").click();
        browser.waitForText("code-dialog-error", "That password is not right. Try again.");
        browser.type("Password", paul.password());
        browser.button("Verify").click();
        browser.waitFor(() -> browser.find("input", "Token").isPresent());
        String[] token = readNewTokenAndClose(paul);
        assertEquals(200, meStatus(token[1], token[0]));

        browser.waitFor(() -> rowNames().equals(List.of("laptop")));
        assertEquals("Yes", row("laptop").get("Ignores two-factor"));
        assertFalse(row("laptop").get("Expires").equals("Never"), row("laptop").toString());

        browser.button("Sign out").click();
        waitForSignIn();
        browser.waitForText("status", "You have signed out.");
        assertEquals(401, meStatus(session[0], session[1]), "signing out ends the login token");
        assertEquals("null", String.valueOf(browser.js("return sessionStorage.getItem('rcpat.session')")));
        browser.driver.navigate().refresh();
        waitForSignIn();
    }

    /** Presses Tab until the focused element has this accessible name. */
    void tabTo(Actions keys, String name) {
        for (int i = 0; i < 30 && !name.equals(browser.activeElementName()); i++) {
            keys.sendKeys(Keys.TAB).perform();
        }
        assertEquals(name, browser.activeElementName(), "Tab reaches " + name);
    }

    @Test
    void withTheKeyboardAloneAUserSignsInAddsAndFocusMovesIntoDialogsAndBack() {
        Person paul = passwordUser();
        browser.waitFor(() -> "Username or email".equals(browser.activeElementName()));
        Actions keys = new Actions(browser.driver);
        keys.sendKeys(paul.username()).sendKeys(Keys.TAB).sendKeys(paul.password()).sendKeys(Keys.ENTER).perform();
        waitForTokenList();

        tabTo(keys, "Token name");
        keys.sendKeys("keyboard").sendKeys(Keys.ENTER).perform();
        browser.expectApiError("users.generatePersonalAccessToken", 400);
        browser.waitFor(() -> "Password".equals(browser.activeElementName()));
        keys.sendKeys(paul.password()).sendKeys(Keys.ENTER).perform();
        browser.waitFor(() -> "Token".equals(browser.activeElementName()));
        keys.sendKeys(Keys.ESCAPE).perform();
        browser.waitUntilNoDialog();
        assertEquals("Token name", browser.activeElementName(), "focus returns where Enter added the token");

        String remove = "Remove keyboard";
        tabTo(keys, remove);
        keys.sendKeys(Keys.ENTER).perform();
        browser.dialog();
        assertEquals("Cancel", browser.activeElementName(), "focus moves into the dialog, on the safe choice");
        keys.sendKeys(Keys.ESCAPE).perform();
        browser.waitUntilNoDialog();
        assertEquals(remove, browser.activeElementName(), "focus returns to the button that opened the dialog");
        assertEquals(List.of("keyboard"), rowNames());
    }

    @Test
    void anEndedSessionGoesBackToSignIn() throws Exception {
        Person paul = passwordUser();
        signIn(paul);
        waitForTokenList();
        String[] session = pageSession();
        assertEquals(200, api("POST", "logout", session[0], session[1], Map.of(), null).statusCode());

        addToken("after-logout");
        browser.expectApiError("users.generatePersonalAccessToken", 401);
        waitForSignIn();
        browser.waitForText("alert", "Your session has ended. Sign in again.");
        assertEquals("null", String.valueOf(browser.js("return sessionStorage.getItem('rcpat.session')")));

        // A reload with a login token that ended meanwhile: the list's 401 leads to sign-in too.
        signIn(paul);
        waitForTokenList();
        session = pageSession();
        assertEquals(200, api("POST", "logout", session[0], session[1], Map.of(), null).statusCode());
        browser.driver.navigate().refresh();
        browser.expectApiError("users.getPersonalAccessTokens", 401);
        waitForSignIn();
        browser.waitForText("alert", "Your session has ended. Sign in again.");
    }

    @Test
    void theBrowserGetsTheSecurityHeadersRefusesInlineScriptAndKeepsTheLoginTokenForTheTabOnly() throws Exception {
        for (String path : List.of("", "assets/main.js", "assets/page.css")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(page.resolve(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path);
            PageHandler.securityHeaders().forEach((name, value) ->
                    assertEquals(value, r.headers().firstValue(name).orElse(null), path + " " + name));
            assertEquals(path.isEmpty() ? "no-store" : "no-cache", r.headers().firstValue("Cache-Control").orElse(null));
        }
        Object violated = ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                document.addEventListener('securitypolicyviolation', e => done(e.effectiveDirective), { once: true });
                const inline = document.createElement('script');
                inline.textContent = 'window.inlineScriptRan = true;';
                document.body.append(inline);
                """);
        assertEquals("script-src-elem", violated);
        assertEquals(null, browser.js("return window.inlineScriptRan === undefined ? null : true"));
        List<String> problems = browser.problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("Content Security Policy"), problems.toString());

        Person paul = passwordUser();
        signIn(paul);
        waitForTokenList();
        assertEquals(0L, browser.js("return localStorage.length"));
        assertEquals("", browser.js("return document.cookie"));
        assertEquals(List.of("rcpat.session"), browser.js("return Object.keys(sessionStorage)"));
        assertEquals(paul.userId(), pageSession()[0]);
    }

    @Test
    void rateLimitsAnUnavailableServiceAndANetworkFailureEachGetASentence() {
        Person paul = passwordUser();
        signIn(paul);
        waitForTokenList();

        answerNextApiCallWith("new Response('{\"success\":false,\"error\":\"Too many requests\"}', "
                + "{status: 429, headers: {'Content-Type': 'application/json', 'Retry-After': '30'}})");
        addToken("limited");
        browser.waitForText("add-error", "Too many requests. Wait 30 seconds, then try again.");

        answerNextApiCallWith("new Response('{\"success\":false,\"error\":\"DynamoDB is unavailable [error-service-unavailable]\","
                + "\"errorType\":\"error-service-unavailable\"}', {status: 503, headers: {'Content-Type': 'application/json'}})");
        browser.button("Add").click();
        browser.waitForText("add-error", "The service is unavailable for a moment; nothing was changed. Try again shortly.");

        answerNextApiCallWith("new Response('<html>Bad gateway</html>', {status: 502, headers: {'Content-Type': 'text/html'}})");
        browser.button("Add").click();
        browser.waitForText("add-error", "The server had a problem (HTTP 502). Try again shortly.");

        answerNextApiCallWith("Promise.reject(new TypeError('Failed to fetch'))");
        browser.button("Add").click();
        browser.waitForText("add-error", "The server could not be reached. Check your connection, then try again.");

        answerNextApiCallWith("new Response('{\"message\":\"Too Many Requests\"}', {status: 429})");
        browser.button("Sign out").click();
        browser.waitForText("alert", "You are still signed in. Too many requests. Wait a moment, then try again.");
        assertTrue(browser.driver.findElement(By.id("tokens")).isDisplayed(), "never a blank screen");
        assertNoSeriousAccessibilityViolations("an error shown");
    }

    /** The page's next fetch gets this answer (a JavaScript expression) instead of the network's. */
    void answerNextApiCallWith(String response) {
        browser.js("const real = window.fetch; window.fetch = () => { window.fetch = real; return " + response + "; };");
    }

    @Test
    void onAPhoneTheLayoutFitsTheWidth() throws Exception {
        browser.resize(390, 844);
        Person paul = passwordUser();
        signIn(paul);
        waitForTokenList();
        addToken("phone");
        browser.expectApiError("users.generatePersonalAccessToken", 400);
        browser.type("Password", paul.password());
        browser.button("Verify").click();
        browser.waitFor(() -> browser.find("input", "Token").isPresent());
        assertFitsTheWidth("token dialog");
        readNewTokenAndClose(paul);
        browser.waitFor(() -> rowNames().equals(List.of("phone")));
        assertFitsTheWidth("list");
        assertNoSeriousAccessibilityViolations("list on a phone");
        browser.screenshot(PROJECT.resolve("target/token-page-phone.png"));
        assertTrue(browser.button("Remove phone").isDisplayed());
    }

    void assertFitsTheWidth(String view) {
        Object overflow = browser.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertEquals(0L, overflow, view + ": the page scrolls sideways");
    }

    @Test
    void theTokenPageScreenshot() throws Exception {
        Person ada = person(UserAdmin.NewUser.named("ada").password(LogCapture.secret(unique("ada-password"))), null);
        String login = LogCapture.secret(local.stack().admin().createLoginToken(ada.userId()));
        Map<String, String> fallback = Map.of("x-2fa-method", "password", "x-2fa-code",
                LogCapture.secret(Secrets.sha256Hex(ada.password())));
        for (String token : List.of("{\"tokenName\":\"ci\"}",
                "{\"tokenName\":\"deploy-bot\",\"bypassTwoFactor\":true,\"expiresInDays\":90}",
                "{\"tokenName\":\"laptop\",\"expiresInDays\":30}")) {
            HttpResponse<String> r = api("POST", "users.generatePersonalAccessToken", ada.userId(), login, fallback, token);
            assertEquals(200, r.statusCode(), r.body());
            if (token.contains("\"ci\"")) {
                assertEquals(200, meStatus(ada.userId(), Api.json(r.body()).get("token").asText()));
            }
        }
        signIn(ada);
        waitForTokenList();
        browser.waitFor(() -> rowNames().size() == 3);
        browser.resize(DESKTOP_WIDTH, 1040);
        browser.js("document.activeElement.blur()");
        browser.screenshot(SCREENSHOT);
    }
}
