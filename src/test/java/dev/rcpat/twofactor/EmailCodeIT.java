package dev.rcpat.twofactor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.CompositionRoot;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.config.Settings;
import dev.rcpat.local.Emulators;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.mail.ses.SesCodeMailer;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.SesMailbox;
import dev.rcpat.testing.TestStack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static dev.rcpat.twofactor.TwoFactorClient.assertAnswer;
import static dev.rcpat.twofactor.TwoFactorClient.assertToken;
import static dev.rcpat.twofactor.TwoFactorClient.challenge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Email codes through the real handler, dynalite and the SES emulator: the test reads each mail
 * from the emulator's store and types the code it shows, as a user would.
 */
@ExtendWith(LogSecretScan.class)
class EmailCodeIT {

    static final TestStack stack = TestStack.get();
    static final SesMailbox mailbox = stack.mailbox();
    /** Remembering is off here, so every request must show its code. */
    static final Map<String, String> NO_REMEMBER = Map.of(Settings.REMEMBER_FOR_SECONDS, "0");

    /** JavaScript's Date.toISOString(): always milliseconds, always Z. */
    static final DateTimeFormatter JS_ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    final MutableClock clock = MutableClock.midStep();
    final TwoFactorClient rig = new TwoFactorClient(stack.services(NO_REMEMBER, clock));

    String username;
    String verified1;
    String verified2;
    String unverified;
    UserAdmin.Created user;
    String login;

    @BeforeEach
    void emailUser() {
        String id = UserAdmin.newUserId().toLowerCase();
        username = "mail-" + id;
        verified1 = "first-" + id + "@rcpat.test";
        verified2 = "second-" + id + "@rcpat.test";
        unverified = "unverified-" + id + "@rcpat.test";
        Login created = stack.login(UserAdmin.NewUser.named(username)
                .email(verified1, true).email(unverified, false).email(verified2, true).withEmail2fa());
        user = created.user();
        login = created.token();
    }

    Api.Response generate(String code, String tokenName) {
        return rig.generate(user.userId(), login, code, "{\"tokenName\":\"" + tokenName + "\"}");
    }

    String details(boolean generated, Long expires) {
        return "{\"method\":\"email\",\"codeGenerated\":" + generated + ",\"emailOrUsername\":\"" + username + "\""
                + (expires == null ? "" : ",\"codeExpires\":\"" + JS_ISO.format(Instant.ofEpochMilli(expires)) + "\"")
                + ",\"availableMethods\":[\"email\"]}";
    }

    Map<String, AttributeValue> storedCode() {
        AttributeValue v = stack.admin().rawItem(user.userId()).get("emailCode");
        return v == null ? null : v.m();
    }

    /** Requests a code and returns it as the (single) new mail to the first address shows it. */
    String requestCode(int mailsBefore) {
        assertAnswer(400, challenge("totp-required", details(true, null)), generate(null, "ask"));
        List<SesMailbox.Mail> mails = codeMails(verified1);
        assertEquals(mailsBefore + 1, mails.size());
        return TwoFactorClient.shownCode(mails.get(mails.size() - 1));
    }

    @Test
    void aCodeIsMailedToEveryVerifiedAddressAndWorksOnce() {
        Api.Response first = generate(null, "t");
        assertAnswer(400, challenge("totp-required", details(true, null)), first);
        JsonNode line = TwoFactorClient.lastRequestLine(user.userId());
        assertEquals(2, line.get("dynamodbCalls").asInt(), "the read and the write storing the code");
        assertEquals(2, line.get("sesCalls").asInt(), "one SendEmail per verified address");

        assertEquals(1, codeMails(verified1).size());
        assertEquals(1, codeMails(verified2).size());
        assertEquals(0, mailbox.to(unverified).size(), "nothing to an unverified address");
        SesMailbox.Mail mail = codeMails(verified1).get(0);
        assertEquals("Authentication code", mail.subject());
        assertEquals("no-reply@rcpat.test", mail.from());
        assertEquals(List.of(verified1), mail.to(), "each address gets its own mail");
        assertEquals(shown(mail), shown(codeMails(verified2).get(0)), "the same code to both");
        String shown = shown(mail);
        assertTrue(shown.matches("^[0-9]{3}-[0-9]{3}$"), "shown as 123-456");
        assertTrue(mail.text().contains("Do not share this code"), mail.text());
        assertTrue(mail.text().contains("If you did not try to sign in"), mail.text());
        assertTrue(mail.html().contains("Do not share this code"));

        Map<String, AttributeValue> stored = storedCode();
        assertTrue(stored.get("hash").s().startsWith("$2a$10$"), "bcrypt, cost 10");
        assertEquals("0", stored.get("attempts").n());
        long expires = Long.parseLong(stored.get("expire").n());
        assertEquals(clock.millis() + 3_600_000, expires);
        assertFalse(stack.admin().rawItem(user.userId()).toString().contains(shown.replace("-", "")), "plaintext code stored");

        clock.advance(Duration.ofMinutes(10));
        Api.Response again = generate(null, "t");
        assertAnswer(400, challenge("totp-required", details(false, expires)), again);
        assertEquals("2026-01-01T00:00:00.000Z".length(), again.body().at("/details/codeExpires").asText().length());
        assertEquals(1, codeMails(verified1).size(), "the kept code is not mailed again");

        Api.Response ok = generate(shown, "t");
        assertToken(ok);
        line = TwoFactorClient.lastRequestLine(user.userId());
        assertEquals(2, line.get("dynamodbCalls").asInt(), "one read, one write spending the code with the new token");
        assertEquals(2, line.get("sesCalls").asInt(), "the token notice, one per verified address");
        assertNull(storedCode(), "the code is spent");

        assertAnswer(400, challenge("totp-invalid", details(false, null)), generate(shown, "t2"));
        assertEquals(java.util.Set.of("t"), stack.admin().rawItem(user.userId()).get("personalAccessTokens").m().keySet());
    }

    /** The code mails to {@code address}: each success also mails a token notice, which is not one. */
    static List<SesMailbox.Mail> codeMails(String address) {
        return mailbox.to(address, SesCodeMailer.SUBJECT);
    }

    static String shown(SesMailbox.Mail mail) {
        return TwoFactorClient.shownCode(mail);
    }

    @Test
    void aUserWithOneVerifiedAddressCostsOneSesCall() {
        String address = "only-" + UserAdmin.newUserId().toLowerCase() + "@rcpat.test";
        Login single = stack.login(UserAdmin.NewUser.named("one-" + UserAdmin.newUserId()).email(address, true).withEmail2fa());
        assertEquals(400, rig.generate(single.userId(), single.token(), null, "{\"tokenName\":\"t\"}").status());
        JsonNode line = TwoFactorClient.lastRequestLine(single.userId());
        assertEquals("totp-required", line.get("errorType").asText());
        assertEquals(2, line.get("dynamodbCalls").asInt());
        assertEquals(1, line.get("sesCalls").asInt());
        String code = TwoFactorClient.shownCode(codeMails(address).get(0));
        assertToken(rig.generate(single.userId(), single.token(), code, "{\"tokenName\":\"t\"}"));
        line = TwoFactorClient.lastRequestLine(single.userId());
        assertEquals(2, line.get("dynamodbCalls").asInt());
        assertEquals(1, line.get("sesCalls").asInt(), "the token notice");
    }

    @Test
    void fiveWrongCodesUseTheCodeUpThenAFreshOneIsMailed() {
        String shown = requestCode(0);
        long expires = Long.parseLong(storedCode().get("expire").n());
        String digits = shown.replace("-", "");
        String wrong = String.format("%06d", (Integer.parseInt(digits) + 1) % 1_000_000);
        for (int i = 1; i <= 4; i++) {
            assertAnswer(400, challenge("totp-invalid", details(false, expires)), generate(wrong, "t"));
            assertEquals(String.valueOf(i), storedCode().get("attempts").n());
        }
        assertAnswer(400, challenge("totp-max-attempts", details(false, null)), generate(wrong, "t"));
        assertAnswer(400, challenge("totp-max-attempts", details(false, null)), generate(shown, "t"));

        String fresh = requestCode(1);
        assertEquals("0", storedCode().get("attempts").n());
        assertEquals(2, codeMails(verified2).size(), "the fresh code went to every verified address");
        assertToken(generate(fresh, "t"));
    }

    @Test
    void anExpiredCodeIsRefusedAndTheNextRequestMailsAFreshOne() {
        String shown = requestCode(0);
        clock.advance(Duration.ofSeconds(3600));
        assertAnswer(400, challenge("totp-invalid", details(false, null)), generate(shown, "t"));
        String fresh = requestCode(1);
        assertToken(generate(fresh, "t"));
    }

    @Test
    void codesAreAsciiDigitsWhateverTheDefaultLocale() {
        java.util.Locale before = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag("ar-EG")); // formats numbers in Arabic-Indic digits
        try {
            String shown = requestCode(0);
            assertTrue(shown.matches("^[0-9]{3}-[0-9]{3}$"), "shown as 123-456");
            assertToken(generate(shown, "t"));
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @Test
    void aCodeIsSpentOnlyWhenTheRequestSucceeds() {
        String shown = requestCode(0);
        assertToken(generate(shown, "taken"));
        String next = requestCode(1);
        Map<String, AttributeValue> before = storedCode();
        assertAnswer(400, "{\"success\":false,\"error\":\"A token with this name already exists [error-token-already-exists]\","
                + "\"errorType\":\"error-token-already-exists\",\"details\":{\"method\":\"personalAccessTokens:generateToken\"}}",
                generate(next, "taken"));
        assertEquals(before, storedCode(), "a refused request leaves the code as it was");
        assertToken(generate(next, "free"));
        assertNull(storedCode());
    }

    @Test
    void aCodeNotYetExpiredStillWorks() {
        String shown = requestCode(0);
        clock.advance(Duration.ofSeconds(3599));
        assertToken(generate(shown, "t"));
    }

    @Test
    void aCodeWithNoStoredCodeIsInvalidAndMailsNothing() {
        assertAnswer(400, challenge("totp-invalid", details(false, null)), generate("123456", "t"));
        assertEquals(0, mailbox.to(verified1).size());
    }

    @Test
    void sesUnreachableIs503AndNoCodeIsStored() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + Emulators.freePort());
        CompositionRoot noMail = CompositionRoot.build(Settings.from(stack.environment(NO_REMEMBER)),
                AwsEnvironment.emulators(stack.emulators().dynamoDbEndpoint(), closed), clock,
                LogCapture::record);
        Api.Response r = new TwoFactorClient(noMail).generate(user.userId(), login, null, "{\"tokenName\":\"t\"}");
        assertAnswer(503, "{\"success\":false,\"error\":\"The email service is unavailable, try again later [error-service-unavailable]\","
                + "\"errorType\":\"error-service-unavailable\"}", r);
        assertEquals("SdkClientException", TwoFactorClient.lastRequestLine(user.userId()).path("cause").asText(),
                "the log line says which failure of the dependency it was");
        assertNull(storedCode(), "no code the user never received");
        assertEquals(0, mailbox.to(verified1).size());
        // Once SES is back, the user gets a code at the first request.
        assertToken(generate(requestCode(0), "t"));
    }

    @Test
    void twentyConcurrentRequestsWithTheSameCodeMakeOneToken() throws Exception {
        String shown = requestCode(0);
        int ok = 0;
        int invalid = 0;
        for (Api.Response r : Api.concurrently(20, i -> generate(shown, "race-" + i))) {
            if (r.status() == 200) {
                ok++;
            } else if (r.body().equals(Api.json(challenge("totp-invalid", details(false, null))))) {
                invalid++;
            }
        }
        assertEquals(1, ok);
        assertEquals(19, invalid);
        assertEquals(1, stack.admin().rawItem(user.userId()).get("personalAccessTokens").m().size());
        assertNull(storedCode());
    }
}
