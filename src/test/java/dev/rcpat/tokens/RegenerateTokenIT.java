package dev.rcpat.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.CompositionRoot;
import dev.rcpat.domain.IsoTime;
import dev.rcpat.auth.Secrets;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.ForwardingUserStore;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;
import dev.rcpat.testing.TestStack;
import dev.rcpat.testing.TokenEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.rcpat.testing.Api.auth;
import static dev.rcpat.testing.Api.json;
import static dev.rcpat.testing.TokenEndpoints.NAMELESS_BODIES;
import static dev.rcpat.testing.TokenEndpoints.NAME_REQUIRED;
import static dev.rcpat.testing.TokenEndpoints.UNAUTHORIZED;
import static dev.rcpat.testing.TokenEndpoints.assertAuditLine;
import static dev.rcpat.testing.TokenEndpoints.assertStatusAndBody;
import static dev.rcpat.testing.TokenEndpoints.body;
import static dev.rcpat.testing.TokenEndpoints.invalidParams;
import static dev.rcpat.testing.TokenEndpoints.notAuthorized;
import static dev.rcpat.testing.TokenEndpoints.requestLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** users.regeneratePersonalAccessToken against dynalite, through the real handlers and SDK clients. */
@ExtendWith(LogSecretScan.class)
class RegenerateTokenIT {

    static final String CONFLICT = "{\"success\":false,\"error\":\"The request conflicted with a concurrent change, try again"
            + " [error-conflict]\",\"errorType\":\"error-conflict\"}";

    final TestStack stack = TestStack.get();
    final MutableClock clock = MutableClock.startingNow();
    final TokenEndpoints api = new TokenEndpoints(stack.services(Map.of(), clock));
    final Login user = stack.login(UserAdmin.NewUser.named("regen-" + UserAdmin.newUserId()));
    final String userId = user.userId();
    final Map<String, String> login = user.headers();

    @Test
    void tenConcurrentRegenerationsLeaveExactlyOneWorkingToken() throws Exception {
        String original = api.generate(login, body("race")).token();
        List<Api.Response> responses = Api.concurrently(10, i -> api.regenerate(login, body("race")));
        List<String> issued = new ArrayList<>();
        for (Api.Response r : responses) {
            if (r.status() == 200) {
                assertStatusAndBody(200, "{\"token\":\"" + r.token() + "\",\"success\":true}", r);
                issued.add(r.token());
            } else {
                assertStatusAndBody(409, CONFLICT, r);
            }
        }
        assertFalse(issued.isEmpty(), "at least one regeneration succeeds");
        assertEquals(1, issued.stream().filter(t -> api.authenticates(userId, t)).count(), issued.size() + " issued");
        assertFalse(api.authenticates(userId, original));
        String stored = stack.admin().rawItem(userId).get("personalAccessTokens").m().get("race").m().get("hashedToken").s();
        assertEquals(1, issued.stream().filter(t -> Secrets.hashToken(t).equals(stored)).count());
        assertEquals(1, stack.admin().rawItem(userId).get("personalAccessTokens").m().size());
    }

    @Test
    void regenerationsThatReadTheSameSecretCannotBothSucceed() throws Exception {
        String original = api.generate(login, body("interleaved")).token();
        TokenEndpoints together = new TokenEndpoints(stack.services(Map.of(), clock, real -> new ReadsTogether(real, 10)));
        List<Api.Response> responses = Api.concurrently(10, i -> together.regenerate(login, body("interleaved")));
        List<Api.Response> ok = responses.stream().filter(r -> r.status() == 200).toList();
        assertEquals(1, ok.size(), "all ten read the same secret; only one may replace it");
        for (Api.Response r : responses) {
            if (r.status() != 200) {
                assertStatusAndBody(409, CONFLICT, r);
            }
        }
        assertTrue(api.authenticates(userId, ok.get(0).token()));
        assertFalse(api.authenticates(userId, original));
    }

    @Test
    void aUseOfTheOldSecretIsNotRecordedOnItsSuccessor() throws Exception {
        String old = api.generate(login, body("successor")).token();
        String oldHash = Secrets.hashToken(old);
        api.regenerate(login, body("successor"));
        UserStore store = api.services.store();
        assertThrows(ConditionFailedException.class, () -> store.apply(new UserWrite(userId)
                .add(new UserWrite.TouchLastUsed("successor", oldHash, clock.millis()))));
        assertFalse(stack.admin().rawItem(userId).get("personalAccessTokens").m().get("successor").m().containsKey("lastUsedAt"));
    }

    /** The real store, except that the first {@code n} loads return only once all {@code n} have read. */
    static final class ReadsTogether extends ForwardingUserStore {
        private final CyclicBarrier barrier;
        private final AtomicInteger waiting;

        ReadsTogether(UserStore real, int n) {
            super(real);
            this.barrier = new CyclicBarrier(n);
            this.waiting = new AtomicInteger(n);
        }

        @Override
        public Snapshot load(String userId, List<String> permissionIds) throws StoreUnavailableException {
            Snapshot snapshot = delegate.load(userId, permissionIds);
            if (waiting.getAndDecrement() > 0) {
                try {
                    barrier.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return snapshot;
        }
    }

    @Test
    void keepsNameBypassAndLifetimeLengthWithANewSecretAndCreatedAt() {
        long generatedAt = clock.millis();
        String old = api.generate(login, "{\"tokenName\":\"ci\",\"bypassTwoFactor\":true,\"expiresInDays\":7}").token();
        clock.advance(Duration.ofDays(2));
        long regeneratedAt = clock.millis();
        Api.Response r = api.regenerate(login, body("ci"));
        String fresh = r.token();
        assertStatusAndBody(200, "{\"token\":\"" + fresh + "\",\"success\":true}", r);
        assertNotEquals(old, fresh);
        assertStatusAndBody(200, "{\"tokens\":[{\"name\":\"ci\",\"createdAt\":\"" + IsoTime.format(regeneratedAt)
                + "\",\"lastTokenPart\":\"" + fresh.substring(37) + "\",\"bypassTwoFactor\":true,\"expiresAt\":\""
                + IsoTime.format(regeneratedAt + Duration.ofDays(7).toMillis()) + "\"}],\"success\":true}", api.list(login));
        assertNotEquals(generatedAt, regeneratedAt);
        Map<String, AttributeValue> record = stack.admin().rawItem(userId).get("personalAccessTokens").m().get("ci").m();
        assertEquals(Secrets.hashToken(fresh), record.get("hashedToken").s());
        assertEquals("personalAccessToken", record.get("type").s());
        assertFalse(stack.admin().rawItem(userId).toString().contains(fresh), "plaintext token stored");
    }

    @Test
    void aTokenCanRegenerateItselfAndItsOldSecretStopsAtOnce() {
        String own = api.generate(login, body("self")).token();
        clock.advance(Duration.ofMinutes(2)); // the token's lastUsedAt would be due
        int before = LogCapture.lines().size();
        Api.Response r = api.regenerate(auth(userId, own), body("self"));
        String fresh = r.token();
        assertStatusAndBody(200, "{\"token\":\"" + fresh + "\",\"success\":true}", r);
        JsonNode line = requestLine(before, "users.regeneratePersonalAccessToken");
        assertEquals(2, line.get("dynamodbCalls").asInt(), "one read and one write, no lastUsedAt write for the replaced token");
        assertStatusAndBody(401, UNAUTHORIZED, api.regenerate(auth(userId, own), body("self")));
        assertStatusAndBody(200, "{\"tokens\":[{\"name\":\"self\",\"createdAt\":\"" + IsoTime.format(clock.millis())
                + "\",\"lastTokenPart\":\"" + fresh.substring(37) + "\",\"bypassTwoFactor\":false}],\"success\":true}",
                api.list(login));
        assertTrue(api.authenticates(userId, fresh));
    }

    @Test
    void missingOrInvalidNameIsRefusedAsGenerateRefusesIt() {
        for (String b : NAMELESS_BODIES) {
            assertStatusAndBody(400, NAME_REQUIRED, api.regenerate(login, b));
        }
        assertStatusAndBody(400, invalidParams("The 'tokenName' param must be a string"), api.regenerate(login, "{\"tokenName\":7}"));
        assertStatusAndBody(400, invalidParams("The request body is not valid JSON"), api.regenerate(login, "{\"tokenName\":"));
    }

    @Test
    void aUserWithoutThePermissionIsNotAuthorizedEvenForAnUnknownName() {
        Map<String, String> guest = stack.login(UserAdmin.NewUser.named("guest-" + UserAdmin.newUserId()).roles("guest")).headers();
        assertStatusAndBody(400, notAuthorized("regenerateToken"), api.regenerate(guest, body("nope")));
    }

    @Test
    void aBypassTokenRegeneratesWithoutAChallengeAndStaysABypassToken() {
        String pwUserId = stack.admin().createUser(UserAdmin.NewUser.named("pw-" + UserAdmin.newUserId())
                .password(LogCapture.secret("correct horse battery staple"))).userId();
        String bot = api.seedToken(pwUserId, "bot", true, clock.millis());
        Api.Response r = api.regenerate(auth(pwUserId, bot), body("bot"));
        String fresh = r.token();
        assertStatusAndBody(200, "{\"token\":\"" + fresh + "\",\"success\":true}", r);
        assertEquals(json("[{\"name\":\"bot\",\"createdAt\":\"" + IsoTime.format(clock.millis()) + "\",\"lastTokenPart\":\""
                + fresh.substring(37) + "\",\"bypassTwoFactor\":true}]"), api.tokens(auth(pwUserId, fresh)));
        Api.Response again = api.regenerate(auth(pwUserId, fresh), body("bot"));
        assertStatusAndBody(200, "{\"token\":\"" + again.token() + "\",\"success\":true}", again);
    }

    @Test
    void withoutABypassTokenASecondFactorIsRequired() {
        String pwUserId = stack.admin().createUser(UserAdmin.NewUser.named("pw-" + UserAdmin.newUserId())
                .password(LogCapture.secret("correct horse battery staple"))).userId();
        String ordinary = api.seedToken(pwUserId, "ordinary", false, clock.millis());
        String storedBefore = storedHash(pwUserId, "ordinary");
        Api.Response r = api.regenerate(auth(pwUserId, ordinary), body("ordinary"));
        assertStatusAndBody(400, "{\"success\":false,\"error\":\"TOTP Required [totp-required]\",\"errorType\":\"totp-required\","
                + "\"details\":{\"method\":\"password\",\"codeGenerated\":false,\"availableMethods\":[]}}", r);
        assertEquals(storedBefore, storedHash(pwUserId, "ordinary"));
        assertTrue(api.authenticates(pwUserId, ordinary));
    }

    @Test
    void writesAnAuditLineWithoutTheToken() {
        api.generate(login, body("audited"));
        String fresh = api.regenerate(login, body("audited")).token();
        List<JsonNode> lines = TokenEndpoints.auditLines(userId);
        assertAuditLine("regenerated", userId, "audited", fresh, lines.get(lines.size() - 1));
        assertEquals(List.of("created", "regenerated"), lines.stream().map(l -> l.get("action").asText()).toList());
    }

    String storedHash(String id, String name) {
        return stack.admin().rawItem(id).get("personalAccessTokens").m().get(name).m().get("hashedToken").s();
    }
}
