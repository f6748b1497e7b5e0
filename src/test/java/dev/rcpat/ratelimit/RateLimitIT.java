package dev.rcpat.ratelimit;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.CompositionRoot;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.Permissions;
import dev.rcpat.entrypoints.ApiHandler;
import dev.rcpat.http.Responses;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.ratelimit.dynamodb.DynamoDbRateLimitCounters;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.rcpat.testing.TokenEndpoints.GENERATE;
import static dev.rcpat.testing.TokenEndpoints.LIST;
import static dev.rcpat.testing.TokenEndpoints.UNAUTHORIZED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rocket.Chat's rate limiter against the emulators, through the real handler (docs/compatibility.md,
 * "Rate limits"), with the default settings: 10 requests per client IP and route per 60 s window.
 * Each test sends from addresses of its own, so no other test shares its counters.
 */
@ExtendWith(LogSecretScan.class)
class RateLimitIT {

    static final long WINDOW = 60_000;

    final TestStack stack = TestStack.get();
    /** In the middle of a window, so that ten requests at a fixed time all fall in it. */
    final MutableClock clock = new MutableClock(Math.floorDiv(System.currentTimeMillis(), WINDOW) * WINDOW + 20_500);
    final long windowEnd = Math.floorDiv(clock.millis(), WINDOW) * WINDOW + WINDOW;
    final ApiHandler limited = new ApiHandler(stack.services(TestStack.RATE_LIMITER_ON, clock));
    final Login user = stack.login(UserAdmin.NewUser.named("rl-" + UserAdmin.newUserId()));
    final String client = Api.uniqueSourceIp();

    Api.Response list(ApiHandler handler, Login who, String sourceIp) {
        return Api.call(e -> handler.handleRequest(e, null), Api.get(LIST, who.headers(), sourceIp));
    }

    Api.Response list(Login who, String sourceIp) {
        return list(limited, who, sourceIp);
    }

    Api.Response generate(Map<String, String> headers, String body, String sourceIp) {
        return Api.call(e -> limited.handleRequest(e, null), Api.post(GENERATE, headers, body, sourceIp));
    }

    /** The JSON headers and the limiter's, exactly. */
    static Map<String, String> limitedHeaders(int remaining, long resetAt) {
        Map<String, String> h = new HashMap<>(Responses.HEADERS);
        h.put("X-RateLimit-Limit", "10");
        h.put("X-RateLimit-Remaining", String.valueOf(remaining));
        h.put("X-RateLimit-Reset", String.valueOf(resetAt));
        return h;
    }

    static String tooManyRequests(long seconds) {
        return "{\"success\":false,\"error\":\"Error, too many requests. Please slow down. You must wait " + seconds
                + " seconds before trying this endpoint again. [error-too-many-requests]\"}";
    }

    static void assertRefused(long seconds, long resetAt, Api.Response r) {
        assertEquals(429, r.status(), r.raw());
        assertEquals(tooManyRequests(seconds), r.raw());
        Map<String, String> headers = limitedHeaders(0, resetAt);
        headers.put("Retry-After", String.valueOf(seconds));
        assertEquals(headers, r.headers());
    }

    /** Ten calls pass, {@code Remaining} counting down 9 to 0; returns nothing, asserts all. */
    void tenPass(Login who, String sourceIp) {
        for (int remaining = 9; remaining >= 0; remaining--) {
            Api.Response r = list(who, sourceIp);
            assertEquals(200, r.status(), r.raw());
            assertEquals(limitedHeaders(remaining, windowEnd), r.headers(), "call " + (10 - remaining));
        }
    }

    @Test
    void tenPassTheEleventhIsRefusedUntilTheWindowEnds() {
        tenPass(user, client);
        // 39.5 s left in the window: Rocket.Chat's wait is the ceiling, 40.
        assertRefused(40, windowEnd, list(user, client));
        clock.advance(Duration.ofSeconds(39));
        assertRefused(1, windowEnd, list(user, client));
        clock.advance(Duration.ofMillis(500));
        Api.Response next = list(user, client);
        assertEquals(200, next.status(), next.raw());
        assertEquals(limitedHeaders(9, windowEnd + WINDOW), next.headers());
    }

    @Test
    void eachRouteAndEachAddressHasItsOwnCounter() {
        tenPass(user, client);
        assertEquals(429, list(user, client).status());
        // Another route, same client: its own ten.
        Api.Response generate = generate(user.headers(), "{\"tokenName\":\"other-route\"}", client);
        assertEquals(200, generate.status(), generate.raw());
        assertEquals(limitedHeaders(9, windowEnd), generate.headers());
        // Another address, same route, even the same user: its own ten.
        tenPass(user, Api.uniqueSourceIp());
        // Another user from the refused address: the address is what is counted.
        Login other = stack.login(UserAdmin.NewUser.named("rl-other-" + UserAdmin.newUserId()));
        assertRefused(40, windowEnd, list(other, client));
    }

    @Test
    void concurrentRequestsFromOneAddressLetExactlyTheLimitThrough() throws Exception {
        List<Api.Response> answers = Api.concurrently(30, i -> list(user, client));
        assertEquals(10, answers.stream().filter(r -> r.status() == 200).count(), answers.toString());
        assertEquals(20, answers.stream().filter(r -> r.status() == 429).count(), answers.toString());
        List<String> remaining = answers.stream().filter(r -> r.status() == 200)
                .map(r -> r.headers().get("X-RateLimit-Remaining")).sorted().toList();
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), remaining);
    }

    @Test
    void holdersOfTheBypassPermissionAreNeverLimitedAndUseUpNothing() {
        Login admin = stack.login(UserAdmin.NewUser.named("rl-admin-" + UserAdmin.newUserId()).roles("admin"));
        Login bot = stack.login(UserAdmin.NewUser.named("rl-bot-" + UserAdmin.newUserId()).roles("user", "bot"));
        for (int i = 0; i < 15; i++) {
            for (Login exempt : List.of(admin, bot)) {
                Api.Response r = list(exempt, client);
                assertEquals(200, r.status(), r.raw());
                assertEquals(Responses.HEADERS, r.headers(), "no rate-limit headers for the exempt");
            }
        }
        // Their 30 calls were taken back: a limited user at the same address still has all ten.
        tenPass(user, client);
        assertEquals(429, list(user, client).status());
        assertEquals(200, list(admin, client).status());
    }

    /** An instance remembers exempt users, but the read decides: a revoked permission is limited at once. */
    @Test
    void aUserWhoLosesTheBypassPermissionIsLimitedAtItsNextRequest() {
        Login bot = stack.login(UserAdmin.NewUser.named("rl-bot-" + UserAdmin.newUserId()).roles("user", "bot"));
        for (int i = 0; i < 12; i++) {
            assertEquals(Responses.HEADERS, list(bot, client).headers());
        }
        stack.admin().setPermission(Permissions.API_BYPASS_RATE_LIMIT, List.of("admin", "app"));
        try {
            for (int remaining = 9; remaining >= 0; remaining--) {
                assertEquals(limitedHeaders(remaining, windowEnd), list(bot, client).headers());
            }
            assertRefused(40, windowEnd, list(bot, client));
        } finally {
            stack.admin().setPermission(Permissions.API_BYPASS_RATE_LIMIT, Permissions.defaultRoles(Permissions.API_BYPASS_RATE_LIMIT));
        }
        assertEquals(200, list(bot, client).status(), "exempt again");
    }

    @Test
    void theBypassPermissionIsDataLikeAnyOther() {
        Login tester = stack.login(UserAdmin.NewUser.named("rl-role-" + UserAdmin.newUserId()).roles("user", "rl-tester"));
        Login admin = stack.login(UserAdmin.NewUser.named("rl-admin-" + UserAdmin.newUserId()).roles("admin"));
        stack.admin().setPermission(Permissions.API_BYPASS_RATE_LIMIT, List.of("rl-tester"));
        try {
            String address = Api.uniqueSourceIp();
            Api.Response exempt = list(tester, address);
            assertEquals(200, exempt.status(), exempt.raw());
            assertEquals(Responses.HEADERS, exempt.headers());
            Api.Response nowLimited = list(admin, address);
            assertEquals(limitedHeaders(9, windowEnd), nowLimited.headers(), "the stored roles replace the defaults");
        } finally {
            stack.admin().setPermission(Permissions.API_BYPASS_RATE_LIMIT, Permissions.defaultRoles(Permissions.API_BYPASS_RATE_LIMIT));
        }
    }

    @Test
    void authenticationComesFirstAndTheLimitBeforeEverythingElse() {
        // Without credentials: 401, nothing read, nothing counted, no headers.
        Api.Response anonymous = Api.call(e -> limited.handleRequest(e, null),
                Api.get(LIST, Map.of("Content-Type", "application/json"), client));
        assertEquals(401, anonymous.status());
        assertEquals(UNAUTHORIZED, anonymous.raw());
        assertEquals(Responses.HEADERS, anonymous.headers());
        // With a wrong token: 401 and no headers, but counted (ours: the count runs beside the read).
        Api.Response wrong = Api.call(e -> limited.handleRequest(e, null),
                Api.get(LIST, Api.auth(user.userId(), "not-the-token-of-this-user-not-the-token-of"), client));
        assertEquals(401, wrong.status());
        assertEquals(Responses.HEADERS, wrong.headers());
        Api.Response first = list(user, client);
        assertEquals(limitedHeaders(8, windowEnd), first.headers());

        // A body over 64 KiB is refused before anything: not counted.
        Map<String, String> headers = new LinkedHashMap<>(user.headers());
        assertEquals(413, generate(headers, "{\"tokenName\":\"" + "x".repeat(70_000) + "\"}", client).status());
        // Counted: no permission (403, with the headers), and invalid input, which comes after the limit.
        Login guest = stack.login(UserAdmin.NewUser.named("rl-guest-" + UserAdmin.newUserId()).roles("guest"));
        Api.Response forbidden = list(guest, client);
        assertEquals(403, forbidden.status());
        assertEquals(limitedHeaders(7, windowEnd), forbidden.headers());
        for (int remaining = 9; remaining >= 0; remaining--) {
            Api.Response r = generate(headers, "{", client);
            assertEquals(400, r.status(), r.raw());
            assertEquals(limitedHeaders(remaining, windowEnd), r.headers());
        }
        // Over the limit, the 429 comes before the body's syntax and the two-factor check.
        assertRefused(40, windowEnd, generate(headers, "{", client));
        Login totp = stack.login(UserAdmin.NewUser.named("rl-totp-" + UserAdmin.newUserId()).withTotp());
        assertRefused(40, windowEnd, generate(totp.headers(), "{\"tokenName\":\"x\"}", client));
    }

    @Test
    void offMeansNoHeadersAndNoRefusal() {
        ApiHandler off = new ApiHandler(stack.services(Map.of(Settings.API_ENABLE_RATE_LIMITER, "false"), clock));
        for (int i = 0; i < 15; i++) {
            Api.Response r = list(off, user, client);
            assertEquals(200, r.status(), r.raw());
            assertEquals(Responses.HEADERS, r.headers());
        }
        // Nor is anything counted meanwhile.
        tenPass(user, client);
    }

    @Test
    void theSettingsChangeTheLimitAndTheWindow() {
        MutableClock start = new MutableClock(Math.floorDiv(System.currentTimeMillis(), 5_000L) * 5_000 + 1_000);
        ApiHandler strict = new ApiHandler(stack.services(Map.of(Settings.API_ENABLE_RATE_LIMITER, "true",
                Settings.API_RATE_LIMIT_CALLS, "2", Settings.API_RATE_LIMIT_WINDOW_MS, "5000"), start));
        long end = start.millis() + 4_000;
        for (String remaining : List.of("1", "0")) {
            Api.Response r = list(strict, user, client);
            assertEquals(200, r.status(), r.raw());
            assertEquals(List.of("2", remaining, String.valueOf(end)), List.of(r.headers().get("X-RateLimit-Limit"),
                    r.headers().get("X-RateLimit-Remaining"), r.headers().get("X-RateLimit-Reset")));
        }
        Api.Response refused = list(strict, user, client);
        assertEquals(429, refused.status());
        assertEquals(tooManyRequests(4), refused.raw());
        start.advance(Duration.ofSeconds(4));
        assertEquals(200, list(strict, user, client).status());
    }

    /** API Gateway always gives an address; an event without a usable one is still counted, under "unknown". */
    @Test
    void aMissingOrOddSourceAddressIsCountedAsUnknown() {
        // A window of its own, weeks ahead (the login token lasts 90 days): no other test counts as "unknown" there.
        MutableClock elsewhere = new MutableClock(clock.millis() + WINDOW * (1 + (long) (Math.random() * 100_000)));
        ApiHandler handler = new ApiHandler(stack.services(TestStack.RATE_LIMITER_ON, elsewhere));
        long end = Math.floorDiv(elsewhere.millis(), WINDOW) * WINDOW + WINDOW;
        List<APIGatewayProxyRequestEvent> odd = new java.util.ArrayList<>();
        for (String address : new String[] {null, "", "not an address", "1.2.3.4; drop", "x".repeat(5_000), "1.2.3.4\n"}) {
            odd.add(Api.get(LIST, user.headers(), address));
        }
        APIGatewayProxyRequestEvent noIdentity = Api.get(LIST, user.headers());
        noIdentity.getRequestContext().setIdentity(null);
        odd.add(noIdentity);
        APIGatewayProxyRequestEvent noContext = Api.get(LIST, user.headers());
        noContext.setRequestContext(null);
        odd.add(noContext);
        int remaining = 9;
        for (APIGatewayProxyRequestEvent event : odd) {
            Api.Response r = Api.call(e -> handler.handleRequest(e, null), event);
            assertEquals(200, r.status(), r.raw());
            assertEquals(String.valueOf(remaining--), r.headers().get("X-RateLimit-Remaining"), "one counter for all");
        }
        String key = "unknown|GET users.getPersonalAccessTokens|" + (end - WINDOW) + "|" + WINDOW;
        Map<String, AttributeValue> item = stack.dynamo().getItem(b -> b.tableName(stack.rateLimitTable())
                .key(Map.of(DynamoDbRateLimitCounters.ID, AttributeValue.fromS(key))).consistentRead(true)).item();
        assertEquals("8", item.get(DynamoDbRateLimitCounters.CALLS).n());
        assertEquals(String.valueOf((end + WINDOW) / 1000 + 1), item.get(DynamoDbRateLimitCounters.TTL).n(),
                "deletable one window after its own");
    }

    @Test
    void theCounterTableDownIs503AndExemptUsersPassAnyway() {
        CompositionRoot broken = stack.services(Map.of(Settings.API_ENABLE_RATE_LIMITER, "true",
                Settings.RATE_LIMIT_TABLE, "no-such-table"), clock);
        ApiHandler handler = new ApiHandler(broken);
        Api.Response r = list(handler, user, client);
        assertEquals(503, r.status());
        assertEquals("{\"success\":false,\"error\":\"The token store is unavailable, try again later"
                + " [error-service-unavailable]\",\"errorType\":\"error-service-unavailable\"}", r.raw());
        assertEquals(Responses.HEADERS, r.headers());
        Login admin = stack.login(UserAdmin.NewUser.named("rl-admin-" + UserAdmin.newUserId()).roles("admin"));
        assertEquals(200, list(handler, admin, client).status(), "the exempt need no counter");
        JsonNode line = lastRequestLine(user.userId());
        assertEquals("error-service-unavailable", line.get("errorType").asText());
        assertEquals("ResourceNotFoundException", line.get("cause").asText());
    }

    @Test
    void aCountedRequestMakesOneCallMoreAndAnExemptOneNoneOnceKnown() {
        assertEquals(200, list(user, client).status());
        assertEquals(2, lastRequestLine(user.userId()).get("dynamodbCalls").asInt(), "the read and the count");
        Login admin = stack.login(UserAdmin.NewUser.named("rl-admin-" + UserAdmin.newUserId()).roles("admin"));
        assertEquals(200, list(admin, client).status());
        assertEquals(3, lastRequestLine(admin.userId()).get("dynamodbCalls").asInt(), "the read, the count, its refund");
        assertEquals(200, list(admin, client).status());
        assertEquals(1, lastRequestLine(admin.userId()).get("dynamodbCalls").asInt(), "known as exempt: the read alone");
        assertEquals(429, refuseOnce());
        JsonNode refused = lastRequestLine(user.userId());
        assertEquals(429, refused.get("status").asInt());
        assertEquals("error-too-many-requests", refused.get("errorType").asText());
        assertEquals(2, refused.get("dynamodbCalls").asInt(), "a refused request writes nothing else");
    }

    private int refuseOnce() {
        int status = 0;
        for (int i = 0; i < 10; i++) {
            status = list(user, client).status();
        }
        return status;
    }

    static JsonNode lastRequestLine(String userId) {
        List<String> lines = LogCapture.lines().stream()
                .filter(l -> l.startsWith("{\"log\":\"request\"") && l.contains("\"" + userId + "\""))
                .toList();
        assertTrue(!lines.isEmpty(), "no request line for the user");
        return Api.json(lines.get(lines.size() - 1));
    }
}
