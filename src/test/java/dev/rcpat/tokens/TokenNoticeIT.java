package dev.rcpat.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.CompositionRoot;
import dev.rcpat.auth.Secrets;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.local.Emulators;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.mail.TokenNoticeMail;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.SesMailbox;
import dev.rcpat.testing.TestStack;
import dev.rcpat.testing.TokenEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static dev.rcpat.testing.Api.auth;
import static dev.rcpat.testing.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The token notice (ours, as GitHub does): every created, regenerated or removed personal access
 * token is mailed to the user's verified addresses, read here from the SES emulator as the user
 * would read it. It never holds the token, and it never fails the request: with SES down, the
 * token is created all the same.
 */
@ExtendWith(LogSecretScan.class)
class TokenNoticeIT {

    static final TestStack stack = TestStack.get();
    static final SesMailbox mailbox = stack.mailbox();

    final MutableClock clock = MutableClock.startingNow();
    final TokenEndpoints api = new TokenEndpoints(stack.services(Map.of(), clock));
    final String id = UserAdmin.newUserId().toLowerCase();
    final String address = "owner-" + id + "@rcpat.test";
    final String unverified = "unverified-" + id + "@rcpat.test";
    final Login user = stack.login(UserAdmin.NewUser.named("owner-" + id).email(address, true).email(unverified, false));

    Map<String, String> headers() {
        Map<String, String> h = auth(user.userId(), user.token());
        h.put("User-Agent", "deploy-bot/2.1 (+https://ci.example)");
        return h;
    }

    /** The request line of the user's last request. */
    JsonNode lastRequestLine() {
        List<String> lines = LogCapture.lines().stream()
                .filter(l -> l.startsWith("{\"log\":\"request\"") && l.contains("\"" + user.userId() + "\"")).toList();
        return json(lines.get(lines.size() - 1));
    }

    @Test
    void generatingATokenMailsOneNoticeWithItsNameAndNeverItsValue() {
        Api.Response r = api.generate(headers(), "{\"tokenName\":\"ci deploy\"}");
        assertEquals(200, r.status(), r.raw());
        String token = r.token();
        assertEquals(json("{\"token\":\"" + token + "\",\"success\":true}"), r.body());

        List<SesMailbox.Mail> mails = mailbox.to(address);
        assertEquals(1, mails.size(), "one notice");
        SesMailbox.Mail notice = mails.get(0);
        assertEquals("no-reply@rcpat.test", notice.from());
        assertEquals(List.of(address), notice.to());
        assertEquals(TokenNoticeMail.subject(TokenChange.CREATED), notice.subject());
        assertTrue(notice.text().contains("The personal access token \"ci deploy\" was created for your account."),
                notice.text());
        assertTrue(notice.text().contains("IP address:  " + Api.DEFAULT_SOURCE_IP), notice.text());
        assertTrue(notice.text().contains("Client:      deploy-bot/2.1 (+https://ci.example)"), notice.text());
        assertTrue(notice.text().contains("When:        " + java.time.format.DateTimeFormatter
                .ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli(clock.millis()))), notice.text());
        assertTrue(notice.html().contains("<b>ci deploy</b>"), notice.html());
        for (String part : List.of(notice.subject(), notice.text(), notice.html())) {
            assertFalse(part.contains(token), "the token is in the mail");
            assertFalse(part.contains(token.substring(token.length() - 6)), "the token's last characters are in the mail");
            assertFalse(part.contains(Secrets.hashToken(token)), "the token's hash is in the mail");
        }
        assertEquals(0, mailbox.to(unverified).size(), "nothing to an unverified address");

        JsonNode line = lastRequestLine();
        assertEquals(1, line.get("sesCalls").asInt());
        assertEquals(1, line.get("NotificationsSent").asInt());
        assertEquals(1, line.get("TokensCreated").asInt());
        assertFalse(line.has("NotificationFailures"));
    }

    @Test
    void regeneratingAndRemovingAreNoticedToo() {
        String token = api.generate(headers(), "{\"tokenName\":\"rotating\"}").token();
        String renewed = api.regenerate(headers(), "{\"tokenName\":\"rotating\"}").token();
        assertEquals(200, api.remove(headers(), "{\"tokenName\":\"rotating\"}").status());
        List<SesMailbox.Mail> mails = mailbox.to(address);
        assertEquals(List.of(TokenNoticeMail.subject(TokenChange.CREATED), TokenNoticeMail.subject(TokenChange.REGENERATED),
                TokenNoticeMail.subject(TokenChange.REMOVED)), mails.stream().map(SesMailbox.Mail::subject).toList());
        for (SesMailbox.Mail mail : mails) {
            assertTrue(mail.text().contains("\"rotating\""), mail.text());
            for (String secret : List.of(token, renewed)) {
                assertFalse(mail.text().contains(secret.substring(secret.length() - 6)), mail.text());
                assertFalse(mail.html().contains(secret.substring(secret.length() - 6)), mail.html());
            }
        }
        assertEquals(1, lastRequestLine().get("TokensRemoved").asInt());
    }

    /** The notice is no condition: the token is stored before it is sent, and a failed send is counted, not answered. */
    @Test
    void withSesDownTheTokenIsStillCreatedAndTheFailureCounted() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + Emulators.freePort());
        CompositionRoot sesDown = CompositionRoot.build(Settings.from(stack.environment(Map.of())),
                AwsEnvironment.emulators(stack.emulators().dynamoDbEndpoint(), closed), clock, LogCapture::record);
        Api.Response r = new TokenEndpoints(sesDown).generate(headers(), "{\"tokenName\":\"despite ses\"}");
        assertEquals(200, r.status(), r.raw());
        assertEquals(json("{\"token\":\"" + r.token() + "\",\"success\":true}"), r.body());
        JsonNode line = lastRequestLine();
        assertTrue(api.authenticates(user.userId(), r.token()), "the token works");
        assertEquals(0, mailbox.to(address).size());

        assertEquals("users.generatePersonalAccessToken", line.get("route").asText());
        assertEquals(200, line.get("status").asInt());
        assertEquals(1, line.get("NotificationFailures").asInt());
        assertEquals("SdkClientException", line.get("notificationFailure").asText());
        assertEquals(0, line.get("ServerErrors").asInt(), "not the request's failure");
        assertFalse(line.has("DependencyFailures"), "no 503, so no dependency failure");
        assertFalse(line.has("NotificationsSent"));
    }

    @Test
    void withNotificationsOffNothingIsSentAndSesIsNotCalled() {
        TokenEndpoints quiet = new TokenEndpoints(stack.services(
                Map.of(Settings.TOKEN_NOTIFICATIONS_ENABLED, "false"), clock));
        assertEquals(200, quiet.generate(headers(), "{\"tokenName\":\"quiet\"}").status());
        assertEquals(0, mailbox.to(address).size());
        JsonNode line = lastRequestLine();
        assertEquals(0, line.get("sesCalls").asInt());
        assertEquals(1, line.get("TokensCreated").asInt());
        assertFalse(line.has("NotificationsSent"));
    }
}
