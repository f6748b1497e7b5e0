package dev.rcpat.tokens;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.rcpat.CompositionRoot;
import dev.rcpat.auth.Secrets;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.config.Settings;
import dev.rcpat.entrypoints.ApiHandler;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.rcpat.testing.Api.auth;
import static dev.rcpat.testing.Api.json;
import static dev.rcpat.testing.TokenEndpoints.GENERATE;
import static dev.rcpat.testing.TokenEndpoints.NAMELESS_BODIES;
import static dev.rcpat.testing.TokenEndpoints.NAME_REQUIRED;
import static dev.rcpat.testing.TokenEndpoints.UNAUTHORIZED;
import static dev.rcpat.testing.TokenEndpoints.assertBody;
import static dev.rcpat.testing.TokenEndpoints.invalidParams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** users.generatePersonalAccessToken against dynalite, through the real handler and SDK clients. */
@ExtendWith(LogSecretScan.class)
class GenerateTokenIT {

    final TestStack stack = TestStack.get();
    final ApiHandler handler = new ApiHandler(stack.services());
    final Login user = stack.login(UserAdmin.NewUser.named("gen-" + UserAdmin.newUserId()));
    final String loginToken = user.token();

    Api.Response generate(Map<String, String> headers, String body) {
        return Api.call(e -> handler.handleRequest(e, null), Api.post(GENERATE, headers, body));
    }

    Api.Response generate(String body) {
        return generate(auth(user.userId(), loginToken), body);
    }

    @Test
    void createsATokenAndStoresOnlyItsHash() {
        Api.Response r = generate("{\"tokenName\":\"ci\",\"bypassTwoFactor\":true}");
        assertEquals(200, r.status(), r.raw());
        String token = r.token();
        assertTrue(token.matches("^[A-Za-z0-9_-]{43}$"), token);
        assertEquals(json("{\"token\":\"" + token + "\",\"success\":true}"), r.body());

        Map<String, AttributeValue> item = stack.admin().rawItem(user.userId());
        Map<String, AttributeValue> record = item.get("personalAccessTokens").m().get("ci").m();
        assertEquals(Secrets.hashToken(token), record.get("hashedToken").s());
        assertEquals(44, record.get("hashedToken").s().length());
        assertEquals(token.substring(37), record.get("lastTokenPart").s());
        assertEquals("personalAccessToken", record.get("type").s());
        assertEquals("ci", record.get("name").s());
        assertEquals(Boolean.TRUE, record.get("bypassTwoFactor").bool());
        long createdAt = Long.parseLong(record.get("createdAt").n());
        assertTrue(Math.abs(System.currentTimeMillis() - createdAt) < 60_000);
        assertFalse(item.toString().contains(token), "plaintext token stored");
    }

    @Test
    void theNewTokenAuthenticatesTheNextRequest() {
        String token = generate("{\"tokenName\":\"first\"}").token();
        Api.Response second = generate(auth(user.userId(), token), "{\"tokenName\":\"second\"}");
        assertEquals(200, second.status(), second.raw());
        assertFalse(stack.admin().rawItem(user.userId()).get("personalAccessTokens").m().get("first").m()
                .get("bypassTwoFactor").bool());
    }

    @Test
    void duplicateNameIsRefused() {
        assertEquals(200, generate("{\"tokenName\":\"dup\"}").status());
        Api.Response r = generate("{\"tokenName\":\"dup\"}");
        assertEquals(400, r.status());
        assertBody("{\"success\":false,\"error\":\"A token with this name already exists [error-token-already-exists]\","
                + "\"errorType\":\"error-token-already-exists\",\"details\":{\"method\":\"personalAccessTokens:generateToken\"}}", r);
        assertEquals(200, generate("{\"tokenName\":\"DUP\"}").status(), "names are case-sensitive");
    }

    @Test
    void missingNullOrEmptyNameIsRequired() {
        for (String body : NAMELESS_BODIES) {
            Api.Response r = generate(body);
            assertEquals(400, r.status(), body);
            assertBody(NAME_REQUIRED, r);
        }
    }

    @Test
    void wrongTypesAreInvalidParams() {
        Api.Response r = generate("{\"tokenName\":42}");
        assertEquals(400, r.status());
        assertBody(invalidParams("The 'tokenName' param must be a string"), r);
        r = generate("{\"tokenName\":\"x\",\"bypassTwoFactor\":\"yes\"}");
        assertBody(invalidParams("The 'bypassTwoFactor' param must be a boolean"), r);
        r = generate("{\"tokenName\":\"" + "n".repeat(101) + "\"}");
        assertBody(invalidParams("The 'tokenName' param must be at most 100 characters"), r);
        r = generate("{\"tokenName\":\"a\\nb\"}");
        assertBody(invalidParams("The 'tokenName' param must not contain control characters"), r);
    }

    /**
     * A JSON escape can carry half a surrogate pair. Stored as a map key, it made every later read
     * of the user fail to parse: every request of that user answered 503, for good.
     */
    @Test
    void aNameWithAnUnpairedSurrogateIsInvalidParamsAndTheUserStaysUsable() {
        for (String name : List.of("\\ud800", "x\\udc00", "\\ude00\\ud83d")) {
            Api.Response r = generate("{\"tokenName\":\"" + name + "\"}");
            assertEquals(400, r.status(), name);
            assertBody(invalidParams("The 'tokenName' param must be well-formed Unicode text"), r);
        }
        assertEquals(200, generate("{\"tokenName\":\"\\ud83d\\ude00 paired\"}").status());
        assertEquals(java.util.Set.of("\uD83D\uDE00 paired"),
                stack.admin().rawItem(user.userId()).get("personalAccessTokens").m().keySet());
    }

    @Test
    void malformedBodiesAreAnsweredNotCrashed() {
        Api.Response r = generate("{\"tokenName\":");
        assertEquals(400, r.status());
        assertBody(invalidParams("The request body is not valid JSON"), r);
        r = generate("[1,2]");
        assertBody(invalidParams("The request body must be a JSON object"), r);
        r = generate("x".repeat(64 * 1024 + 1));
        assertEquals(413, r.status());
        assertBody("{\"success\":false,\"error\":\"The request body is larger than 65536 bytes [error-payload-too-large]\",\"errorType\":\"error-payload-too-large\"}", r);
    }

    /** A Lambda invoked with the payload {@code null} gets a null event: it names no route, and is answered, not a crash (502). */
    @Test
    void aNullEventIsNotFoundNotACrash() {
        Api.Response r = Api.call(e -> handler.handleRequest(e, null), null);
        assertEquals(404, r.status());
        assertBody("{\"success\":false,\"error\":\"Resource not found\"}", r);
    }

    @Test
    void dataAfterTheJsonValueIsNotJson() {
        for (String body : List.of("{\"tokenName\":\"trailing\"} x", "{\"tokenName\":\"trailing\"}}",
                "{\"tokenName\":\"trailing\"}{\"tokenName\":\"second\"}")) {
            Api.Response r = generate(body);
            assertEquals(400, r.status(), body);
            assertBody(invalidParams("The request body is not valid JSON"), r);
        }
        assertEquals(200, generate(" {\"tokenName\":\"spaced\"} \n").status(), "whitespace around the value is JSON");
        assertEquals(java.util.Set.of("spaced"),
                stack.admin().rawItem(user.userId()).get("personalAccessTokens").m().keySet());
    }

    @Test
    void formEncodedAndBase64BodiesWork() {
        Map<String, String> headers = auth(user.userId(), loginToken);
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        assertEquals(200, generate(headers, "tokenName=from+form&bypassTwoFactor=false").status());
        APIGatewayProxyRequestEvent e = Api.post(GENERATE, auth(user.userId(), loginToken),
                Base64.getEncoder().encodeToString("{\"tokenName\":\"b64\"}".getBytes(StandardCharsets.UTF_8)));
        e.setIsBase64Encoded(true);
        assertEquals(200, Api.call(x -> handler.handleRequest(x, null), e).status());
        assertEquals(java.util.Set.of("from form", "b64"),
                stack.admin().rawItem(user.userId()).get("personalAccessTokens").m().keySet());
    }

    @Test
    void formFieldsAreTextSoATokenMayBeNamedTrueOrFalse() {
        Map<String, String> headers = auth(user.userId(), loginToken);
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        Api.Response r = generate(headers, "tokenName=true&bypassTwoFactor=true");
        assertEquals(200, r.status(), r.raw());
        assertEquals(json("{\"token\":\"" + r.token() + "\",\"success\":true}"), r.body());
        assertEquals(200, generate(headers, "tokenName=false").status());
        Map<String, AttributeValue> pats = stack.admin().rawItem(user.userId()).get("personalAccessTokens").m();
        assertEquals(java.util.Set.of("true", "false"), pats.keySet());
        assertEquals(Boolean.TRUE, pats.get("true").m().get("bypassTwoFactor").bool());
        assertEquals(Boolean.FALSE, pats.get("false").m().get("bypassTwoFactor").bool());
        assertBody(invalidParams("The 'bypassTwoFactor' param must be a boolean"),
                generate(headers, "tokenName=x&bypassTwoFactor=yes"));
        // In JSON only a JSON boolean is a boolean.
        assertBody(invalidParams("The 'bypassTwoFactor' param must be a boolean"),
                generate("{\"tokenName\":\"x\",\"bypassTwoFactor\":\"true\"}"));
    }

    @Test
    void theFormContentTypeIsRecognisedWhateverTheDefaultLocale() {
        Map<String, String> headers = auth(user.userId(), loginToken);
        headers.put("Content-Type", "APPLICATION/X-WWW-FORM-URLENCODED");
        java.util.Locale before = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR")); // lower-cases I to a dotless ı
        try {
            assertEquals(200, generate(headers, "tokenName=turkish").status());
        } finally {
            java.util.Locale.setDefault(before);
        }
        assertEquals(java.util.Set.of("turkish"), stack.admin().rawItem(user.userId()).get("personalAccessTokens").m().keySet());
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        Map<String, String> h = new HashMap<>();
        h.put("x-user-id", user.userId());
        h.put("x-auth-token", loginToken);
        assertEquals(200, generate(h, "{\"tokenName\":\"lower\"}").status());
    }

    @Test
    void userWithoutThePermissionIsNotAuthorized() {
        Login guest = stack.login(UserAdmin.NewUser.named("guest-" + UserAdmin.newUserId()).roles("guest"));
        Api.Response r = generate(guest.headers(), "{\"tokenName\":\"x\"}");
        assertEquals(400, r.status());
        assertBody("{\"success\":false,\"error\":\"Not Authorized [not-authorized]\",\"errorType\":\"not-authorized\","
                + "\"details\":{\"method\":\"personalAccessTokens:generateToken\"}}", r);
    }

    @Test
    void badCredentialsAre401() {
        Login inactive = stack.login(UserAdmin.NewUser.named("off-" + UserAdmin.newUserId()).inactive());
        List<Map<String, String>> cases = new ArrayList<>();
        Map<String, String> noUser = auth(user.userId(), loginToken);
        noUser.remove("X-User-Id");
        cases.add(noUser);
        Map<String, String> noToken = auth(user.userId(), loginToken);
        noToken.remove("X-Auth-Token");
        cases.add(noToken);
        cases.add(auth("NoSuchUser1234567", loginToken));
        cases.add(auth("u".repeat(2049), loginToken)); // longer than a DynamoDB key may be: no user has it
        cases.add(auth("\uD800", loginToken));
        cases.add(auth(user.userId(), "wrong-token-wrong-token-wrong-token-wrong-t"));
        cases.add(auth(user.userId(), ""));
        cases.add(inactive.headers());
        for (Map<String, String> headers : cases) {
            Api.Response r = generate(headers, "{\"tokenName\":\"x\"}");
            assertEquals(401, r.status(), String.valueOf(headers.get("X-User-Id")).length() + " " + headers.keySet());
            assertBody(UNAUTHORIZED, r);
        }
    }

    @Test
    void expiredLoginTokensStopWorking() {
        Clock in91Days = Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(91));
        ApiHandler later = new ApiHandler(stack.services(Map.of(), in91Days));
        Api.Response r = Api.call(e -> later.handleRequest(e, null),
                Api.post(GENERATE, auth(user.userId(), loginToken), "{\"tokenName\":\"late\"}"));
        assertEquals(401, r.status());
        ApiHandler in89 = new ApiHandler(stack.services(Map.of(),
                Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(89))));
        assertEquals(200, Api.call(e -> in89.handleRequest(e, null),
                Api.post(GENERATE, auth(user.userId(), loginToken), "{\"tokenName\":\"in time\"}")).status());
    }

    @Test
    void theHundredAndFirstTokenIsRefused() {
        for (int i = 0; i < 100; i++) {
            assertEquals(200, generate("{\"tokenName\":\"t" + i + "\"}").status());
        }
        Api.Response r = generate("{\"tokenName\":\"t100\"}");
        assertEquals(400, r.status());
        assertBody("{\"success\":false,\"error\":\"You have reached the maximum number of personal access tokens [error-token-limit-reached]\","
                + "\"errorType\":\"error-token-limit-reached\"}", r);
    }

    @Test
    void unreachableDynamoDbIs503() throws Exception {
        int closedPort = dev.rcpat.local.Emulators.freePort();
        CompositionRoot down = CompositionRoot.build(Settings.from(stack.environment(Map.of())),
                AwsEnvironment.emulators(URI.create("http://127.0.0.1:" + closedPort), stack.emulators().sesEndpoint()),
                Clock.systemUTC(), LogCapture::record);
        ApiHandler h = new ApiHandler(down);
        Api.Response r = Api.call(e -> h.handleRequest(e, null),
                Api.post(GENERATE, auth(user.userId(), loginToken), "{\"tokenName\":\"x\"}"));
        assertEquals(503, r.status());
        assertBody("{\"success\":false,\"error\":\"The token store is unavailable, try again later [error-service-unavailable]\","
                + "\"errorType\":\"error-service-unavailable\"}", r);
    }

    @Test
    void twentyConcurrentRequestsForOneNameMakeOneToken() throws Exception {
        int ok = 0;
        int exists = 0;
        for (Api.Response r : Api.concurrently(20, i -> generate("{\"tokenName\":\"race\"}"))) {
            if (r.status() == 200) {
                ok++;
            } else if (r.body().path("errorType").asText().equals("error-token-already-exists")) {
                exists++;
            }
        }
        assertEquals(1, ok);
        assertEquals(19, exists);
        assertEquals(1, stack.admin().rawItem(user.userId()).get("personalAccessTokens").m().size());
    }

    @Test
    void successMakesOneReadOneCountAndOneWriteAndLogsOneLine() {
        ApiHandler deployed = new ApiHandler(stack.services(TestStack.RATE_LIMITER_ON, Clock.systemUTC()));
        int before = LogCapture.lines().size();
        Api.Response r = Api.call(e -> deployed.handleRequest(e, null),
                Api.post(GENERATE, auth(user.userId(), loginToken), "{\"tokenName\":\"counted\"}", Api.uniqueSourceIp()));
        assertEquals(200, r.status(), r.raw());
        List<String> lines = LogCapture.lines().subList(before, LogCapture.lines().size()).stream()
                .filter(l -> l.contains(user.userId())).toList();
        List<String> requestLines = lines.stream().filter(l -> l.startsWith("{\"log\":\"request\"")).toList();
        assertEquals(1, requestLines.size(), lines.toString());
        var line = json(requestLines.get(0));
        assertEquals("users.generatePersonalAccessToken", line.get("route").asText());
        assertEquals(200, line.get("status").asInt());
        assertEquals(3, line.get("dynamodbCalls").asInt(),
                "one BatchGetItem, one UpdateItem of the rate-limit counter (beside it) and one UpdateItem of the user");
        assertEquals(0, line.get("sesCalls").asInt());
    }
}
