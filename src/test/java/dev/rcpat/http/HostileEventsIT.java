package dev.rcpat.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.CompositionRoot;
import dev.rcpat.auth.Secrets;
import dev.rcpat.entrypoints.ApiHandler;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.TestStack;
import dev.rcpat.testing.TokenEndpoints;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Generated hostile and malformed API Gateway events (a fixed seed, so every run sends the same
 * ones) against each of the four handlers, with the emulators up: every answer must be a JSON
 * object with a status the contract allows and {@code Content-Type: application/json}, the
 * handler must never throw (API Gateway's 502), and, the dependencies being healthy, no answer
 * may be a 503. Afterwards no plaintext secret may be in the users' items, nor (LogSecretScan) in a log line.
 */
@ExtendWith(LogSecretScan.class)
class HostileEventsIT {

    static final long SEED = 0x5EC0_2026L;
    static final int EVENTS_PER_HANDLER = 300;
    static final Set<Integer> ALLOWED = Set.of(200, 400, 401, 403, 404, 409, 413);

    final TestStack stack = TestStack.get();
    final CompositionRoot services = stack.services();
    /** The users of one route's events, new for each route: logout ends the sessions it is called with. */
    Login plain;
    Login totp;
    Login password;
    Login email;
    Login guest;
    /** The password fallback's code for {@link #password}: the hex SHA-256 of the password. */
    final String passwordCode = LogCapture.secret(Secrets.sha256Hex("hostile-password"));
    List<Login> users;

    void newUsers() {
        plain = stack.login(UserAdmin.NewUser.named("hostile-" + UserAdmin.newUserId()));
        totp = stack.login(UserAdmin.NewUser.named("hostile-totp-" + UserAdmin.newUserId()).withTotp());
        password = stack.login(UserAdmin.NewUser.named("hostile-pw-" + UserAdmin.newUserId())
                .password(LogCapture.secret("hostile-password")));
        email = stack.login(UserAdmin.NewUser.named("hostile-mail-" + UserAdmin.newUserId())
                .email("hostile-" + UserAdmin.newUserId().toLowerCase() + "@rcpat.test", true).withEmail2fa());
        guest = stack.login(UserAdmin.NewUser.named("hostile-guest-" + UserAdmin.newUserId()).roles("guest"));
        users = List.of(plain, plain, plain, totp, password, email, guest);
    }

    /** Every route of the route table, each with its own seed. */
    @TestFactory
    Stream<DynamicTest> everyRouteAnswersHostileEvents() {
        List<Route<?>> routes = services.pipeline().routes();
        return IntStream.range(0, routes.size()).mapToObj(i -> DynamicTest.dynamicTest(routes.get(i).name(),
                () -> throwAt(routes.get(i), i + 1)));
    }

    private void throwAt(Route<?> route, long salt) {
        newUsers();
        ApiHandler handler = new ApiHandler(services);
        Random random = new Random(SEED + salt);
        // Names that exist, so regenerate and remove get past "does not exist" now and then.
        for (String name : List.of("a.b", "#x", ":v", "[0]", "n")) {
            new TokenEndpoints(services).seedToken(plain.userId(), name + "-" + salt, true, System.currentTimeMillis());
        }
        List<String> problems = new ArrayList<>();
        List<String> issued = new ArrayList<>();
        int authenticated = 0;
        for (int i = 0; i < EVENTS_PER_HANDLER; i++) {
            APIGatewayProxyRequestEvent event = i == 0 ? null : event(random, route, salt);
            String described = describe(event);
            int linesBefore = LogCapture.lines().size();
            APIGatewayProxyResponseEvent r;
            try {
                r = handler.handleRequest(event, null);
            } catch (RuntimeException | Error e) {
                problems.add("#" + i + " threw " + e + " for " + described);
                continue;
            }
            String problem = check(route, r, linesBefore);
            if (problem == null && r.getBody().contains("\"token\"")) {
                issued.add(Api.json(r.getBody()).get("token").asText());
            }
            if (problem == null && r.getStatusCode() != 401) {
                authenticated++;
            }
            if (problem != null) {
                problems.add("#" + i + " " + problem + " for " + described);
            }
        }
        problems.addAll(plaintextsStored(issued));
        // Public routes have no authentication to get past; logout ends the session an event used.
        boolean endsSessions = route.name().equals("logout");
        assertTrue(!route.requiresLogin() || endsSessions || authenticated >= EVENTS_PER_HANDLER / 2,
                "only " + authenticated + " events got past authentication: the endpoints were hardly reached");
        if (!problems.isEmpty()) {
            fail(problems.size() + " of " + EVENTS_PER_HANDLER + " events answered wrongly:\n"
                    + String.join("\n", problems.subList(0, Math.min(25, problems.size()))));
        }
    }

    /** Plaintext secrets (tokens, the password and its digest, backup codes) found in the users' items. */
    private List<String> plaintextsStored(List<String> issued) {
        List<String> plaintexts = new ArrayList<>(issued);
        users.forEach(u -> plaintexts.add(u.token()));
        plaintexts.add("hostile-password");
        plaintexts.add(passwordCode);
        plaintexts.addAll(totp.user().backupCodes());
        List<String> found = new ArrayList<>();
        for (Login user : Set.copyOf(users)) {
            String item = stack.admin().rawItem(user.userId()).toString();
            for (String secret : plaintexts) {
                if (item.contains(secret)) {
                    found.add("a plaintext secret of length " + secret.length() + " is stored in " + user.user().username());
                }
            }
        }
        return found;
    }

    /** Null when the answer is well-formed, else what is wrong with it. */
    private static String check(Route<?> route, APIGatewayProxyResponseEvent r, int linesBefore) {
        if (r == null || r.getStatusCode() == null) {
            return "no status";
        }
        int status = r.getStatusCode();
        List<String> lines = LogCapture.lines().subList(linesBefore, LogCapture.lines().size()).stream()
                .filter(l -> l.startsWith("{\"log\":\"request\""))
                .toList();
        String cause = lines.isEmpty() ? "no request line" : Api.json(lines.get(lines.size() - 1)).path("cause").asText("");
        if (!ALLOWED.contains(status)) {
            return "status " + status + " (cause " + cause + ")";
        }
        if (!Responses.HEADERS.equals(r.getHeaders())) {
            return "headers " + r.getHeaders();
        }
        JsonNode body;
        try {
            body = Api.json(r.getBody());
        } catch (RuntimeException e) {
            return "body not JSON";
        }
        boolean successAsIs = status == 200 && !route.addsSuccessField(); // logout answers Rocket.Chat's body as is
        if (!body.isObject() || (!successAsIs && (!body.path("success").isBoolean()
                || body.get("success").booleanValue() != (status == 200)))) {
            return "body " + r.getBody();
        }
        if (status != 200 && !body.path("error").isTextual()) {
            return "error body without error text " + r.getBody();
        }
        if (body.hasNonNull("token")) {
            LogCapture.secret(body.get("token").asText());
            if (!body.get("token").asText().matches("^[A-Za-z0-9_-]{43}$")) {
                return "malformed token";
            }
        }
        if (lines.size() != 1) {
            return lines.size() + " request lines";
        }
        return null;
    }

    private APIGatewayProxyRequestEvent event(Random r, Route<?> route, long salt) {
        String path = route.path();
        APIGatewayProxyRequestEvent e = new APIGatewayProxyRequestEvent()
                // API Gateway sends only the route's method; now and then another, which no route serves.
                .withHttpMethod(r.nextInt(8) == 0 ? pick(r, "POST", "GET", null, "", "DELETE", "post") : route.method())
                .withPath(path)
                .withResource(path);
        // Most events authenticate, so that what follows authentication is reached too.
        boolean authenticates = r.nextInt(10) < 7;
        Map<String, String> headers = headers(r, authenticates);
        switch (r.nextInt(6)) {
            case 0 -> {
                if (authenticates) {
                    e.setMultiValueHeaders(multi(headers, r, true));
                } else {
                    e.setHeaders(null);
                }
            }
            case 1 -> e.setMultiValueHeaders(multi(headers, r, authenticates));
            case 2 -> {
                e.setHeaders(headers);
                e.setMultiValueHeaders(multi(headers(r, false), r, false)); // disagreeing duplicates
            }
            default -> e.setHeaders(headers);
        }
        switch (r.nextInt(5)) {
            case 0 -> e.setRequestContext(null);
            case 1 -> e.setRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext());
            default -> {
                APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
                identity.setSourceIp(pick(r, "203.0.113.7", null, "", "::1", "x".repeat(5000)));
                identity.setUserAgent(pick(r, "hostile/1.0", null, "\u202Eevil\u200B", "\uD800", "u".repeat(20_000)));
                APIGatewayProxyRequestEvent.ProxyRequestContext ctx = new APIGatewayProxyRequestEvent.ProxyRequestContext();
                ctx.setIdentity(r.nextInt(4) == 0 ? null : identity);
                ctx.setRequestId(pick(r, "req-" + r.nextInt(), null, "", "\"quoted\"\n"));
                e.setRequestContext(ctx);
            }
        }
        if (authenticates && r.nextBoolean()) {
            // A well-formed request whose only oddity is the token name: reaches the endpoints' writes.
            Map<String, String> plainHeaders = headers(r, true);
            plainHeaders.put("Content-Type", "application/json");
            e.setHeaders(plainHeaders);
            e.setMultiValueHeaders(null);
            e.setBody("{\"tokenName\":\"" + (r.nextBoolean() ? pick(r, UNUSUAL_NAMES)
                    : pick(r, "a.b", "#x", ":v", "[0]", "n") + "-" + salt) + "\"}");
            e.setIsBase64Encoded(false);
        } else {
            body(e, r, salt);
        }
        return e;
    }

    private Map<String, String> headers(Random r, boolean authenticates) {
        Map<String, String> h = new HashMap<>();
        Login user = users.get(r.nextInt(users.size()));
        String userId = authenticates ? user.userId() : switch (r.nextInt(8)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> "u".repeat(3000);
            case 3 -> "\uD83D\uDE00\u202E\u200B" + user.userId();
            case 4 -> "\uD800";
            case 5 -> user.userId() + "\u0000";
            default -> user.userId();
        };
        String token = authenticates ? user.token() : switch (r.nextInt(5)) {
            case 0 -> null;
            case 1 -> "wrong";
            case 2 -> "t".repeat(9000);
            case 3 -> "\uDC00\uD800";
            default -> user.token();
        };
        put(h, r, "X-User-Id", userId);
        put(h, r, "X-Auth-Token", token);
        put(h, r, "Content-Type", pick(r, "application/json", "application/x-www-form-urlencoded", null,
                "APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8", "text/plain", "c".repeat(8000)));
        if (r.nextBoolean()) {
            put(h, r, "x-2fa-code", pick(r, "123456", "12345a", "", " 123 456 ", "١٢٣٤٥٦", "1".repeat(5000),
                    "abcdefgh", "0".repeat(64), "f".repeat(64), "\uD800\uDC00", "-1", "99999999999999999999", passwordCode, passwordCode.toUpperCase()));
        }
        if (r.nextBoolean()) {
            put(h, r, "x-2fa-method", pick(r, "totp", "email", "password", "TOTP", "", "sms", "m".repeat(4000)));
        }
        if (r.nextInt(5) == 0) {
            h.put(null, "null key");
        }
        return h;
    }

    /** Puts the header under a randomly cased name (API Gateway passes names as the client sent them). */
    private static void put(Map<String, String> h, Random r, String name, String value) {
        if (value == null) {
            return;
        }
        String cased = switch (r.nextInt(4)) {
            case 0 -> name.toLowerCase();
            case 1 -> name.toUpperCase();
            case 2 -> {
                StringBuilder sb = new StringBuilder();
                for (char c : name.toCharArray()) {
                    sb.append(r.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
                }
                yield sb.toString();
            }
            default -> name;
        };
        h.put(cased, value);
    }

    /** The headers as multi-value headers, mangled; with {@code keepFirst}, every header's first value is its own. */
    private static Map<String, List<String>> multi(Map<String, String> headers, Random r, boolean keepFirst) {
        Map<String, List<String>> m = new HashMap<>();
        headers.forEach((k, v) -> {
            List<String> values = new ArrayList<>();
            switch (keepFirst ? 2 : r.nextInt(5)) {
                case 0 -> { }
                case 1 -> {
                    values.add("bogus");
                    values.add(v);
                }
                case 2 -> {
                    values.add(v);
                    values.add("bogus");
                }
                case 3 -> values.add(null);
                default -> values.add(v);
            }
            m.put(k, !keepFirst && r.nextInt(8) == 0 ? null : values);
        });
        return m;
    }

    private static void body(APIGatewayProxyRequestEvent e, Random r, long salt) {
        String json = jsonBody(r, salt);
        switch (r.nextInt(10)) {
            case 0 -> {
                e.setBody(null);
                e.setIsBase64Encoded(r.nextBoolean() ? null : Boolean.TRUE);
            }
            case 1 -> {
                e.setBody(Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
                e.setIsBase64Encoded(true);
            }
            case 2 -> {
                e.setBody(pick(r, "%%%not base64%%%", "YWJj=ZGVm", "====", "a", "4pyT\n4pyT", "-_-_"));
                e.setIsBase64Encoded(true);
            }
            case 3 -> {
                byte[] bytes = new byte[1 + r.nextInt(200)];
                r.nextBytes(bytes);
                e.setBody(Base64.getEncoder().encodeToString(bytes));
                e.setIsBase64Encoded(true);
            }
            case 4 -> {
                e.setBody(pick(r, "tokenName=%zz", "tokenName=a%2Eb&bypassTwoFactor=true", "=&=&&", "tokenName",
                        "tokenName=" + "%F0%9F%98%80".repeat(101), "tokenName=%ED%A0%80", "expiresInDays=-1&tokenName=x"));
                e.setIsBase64Encoded(false);
            }
            default -> {
                e.setBody(json);
                e.setIsBase64Encoded(r.nextInt(3) == 0 ? null : Boolean.FALSE);
            }
        }
    }

    private static String jsonBody(Random r, long salt) {
        return switch (r.nextInt(22)) {
            case 0 -> "[".repeat(20_000) + "]".repeat(20_000);
            case 1 -> "{\"a\":".repeat(3000) + "1" + "}".repeat(3000);
            case 2 -> "{\"tokenName\":" + pick(r, "1", "1.5", "true", "[]", "{}", "-0", "1e400", "[\"x\"]") + "}";
            case 3 -> "{\"tokenName\":\"" + "x".repeat(100) + "\"}";
            case 4 -> "{\"tokenName\":\"" + "x".repeat(101) + "\"}";
            case 5 -> "{\"tokenName\":\"" + "\uD83D\uDE00".repeat(100) + "\"}";
            case 6 -> "{\"tokenName\":\"" + "\\ud83d\\ude00".repeat(101) + "\"}";
            case 7 -> "{\"tokenName\":\"" + pick(r, UNUSUAL_NAMES) + "\"}";
            case 8 -> "{\"tokenName\":\"" + pick(r, "a.b", "#x", ":v", "[0]", "n", "#n0", ":v0", "a.b[0]", "x)", "size(x)")
                    + (r.nextBoolean() ? "-" + salt : "") + "\"}";
            case 9 -> "{\"tokenName\":\"t" + r.nextInt(1000) + "\",\"expiresInDays\":"
                    + pick(r, "-1", "0", "1", "36500", "36501", "99999999999999999999999", "1.5", "\"7\"", "\"-7\"",
                        "\"0x10\"", "null", "[]", "1e3", "-9223372036854775808", "9".repeat(900)) + "}";
            case 10 -> "{\"tokenName\":\"t" + r.nextInt(1000) + "\",\"expiresAt\":"
                    + pick(r, "\"1970-01-01T00:00:00Z\"", "\"+999999999-12-31T23:59:59.999999999Z\"",
                        "\"-999999999-01-01T00:00:00+18:00\"", "\"2999-01-01T00:00:00Z\"", "\"tomorrow\"",
                        "\"2027-02-30T00:00:00Z\"", "\"2027-01-01T00:00:00\"", "1", "\"\"", "null", "{}",
                        "\"" + java.time.Instant.now().plusSeconds(86_400) + "\"") + "}";
            case 11 -> "{\"tokenName\":\"t\",\"expiresAt\":\"2999-01-01T00:00:00Z\",\"expiresInDays\":1}";
            case 12 -> "{\"tokenName\":\"t\",\"bypassTwoFactor\":" + pick(r, "\"true\"", "1", "null", "false", "{}") + "}";
            case 13 -> pick(r, "", " ", "null", "1", "\"s\"", "[]", "{", "{\"tokenName\":\"x\"", "{}}", "\uFEFF{}",
                    "{\"tokenName\":\"a\",\"tokenName\":\"b\"}", "{'tokenName':'x'}", "{\"tokenName\":\"x\"}garbage");
            case 14 -> "{\"tokenName\":\"big\",\"pad\":\"" + "p".repeat(70_000) + "\"}";
            case 15 -> "{\"tokenName\":\"" + "\u00e9".repeat(40_000) + "\"}";
            case 16 -> "{\"tokenName\":\"n-" + salt + "\"}";
            default -> "{\"tokenName\":\"f" + r.nextInt(50) + "\"}";
        };
    }

    /** Token names as JSON string contents: bidi and zero-width characters, unpaired surrogates, specials. */
    static final String[] UNUSUAL_NAMES = {"\\u202Ertl", "zero\\u200Bwidth", "\\ud800", "\\udc00x", "a\\u0000b",
        "\\u0085", "\\ufeff", "\\uffff", " ", "\\u2028", "\\ud83d\\ude00\\u200d\\ud83d\\udc69", "\\ude00\\ud83d",
        "\\\\", "\\\"", "'", "%s", "${x}"};

    @SafeVarargs
    private static <T> T pick(Random r, T... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static String describe(APIGatewayProxyRequestEvent e) {
        if (e == null) {
            return "a null event";
        }
        String body = e.getBody() == null ? "null" : e.getBody().length() > 80 ? e.getBody().substring(0, 80) + "...("
                + e.getBody().length() + ")" : e.getBody();
        return "method=" + e.getHttpMethod() + " base64=" + e.getIsBase64Encoded() + " ctx=" + (e.getRequestContext() != null)
                + " headers=" + abbreviate(e.getHeaders()) + " multi=" + abbreviate(e.getMultiValueHeaders()) + " body=" + body;
    }

    private static String abbreviate(Map<String, ?> m) {
        if (m == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> {
            String s = String.valueOf(v);
            sb.append(k == null ? null : k.length() > 20 ? k.substring(0, 20) : k).append('=')
              .append(s.length() > 16 ? s.substring(0, 16) + "...(" + s.length() + ")" : s).append(' ');
        });
        return sb.append('}').toString();
    }
}
