package dev.rcpat.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.auth.Secrets;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.SesMailbox;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rcpat.testing.Api.json;
import static dev.rcpat.testing.TokenEndpoints.GENERATE;
import static dev.rcpat.testing.TokenEndpoints.UNAUTHORIZED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Black-box test of {@code bin/local}: starts the stack through {@link LocalCli}, creates users
 * with its commands, and calls the local API over HTTP as a client would. The stack runs with the
 * default settings, so the rate limiter counts every client address: each test calls from a
 * loopback address of its own (127.0.1.1, 127.0.1.2, ...), as separate clients would.
 */
@ExtendWith(LogSecretScan.class)
class BinLocalIT {

    static final String NO_STACK = "bin/local: no local stack is running (start one with: bin/local serve)\n";
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    final RunningLocal local = RunningLocal.get();
    final InetAddress client = nextClientAddress();
    final HttpClient http = clientAt(client);

    /** 127.0.1.1, 127.0.1.2, ...: on Linux all of 127.0.0.0/8 is the loopback interface. */
    static InetAddress nextClientAddress() {
        int n = CLIENTS.getAndIncrement();
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, (byte) (1 + n / 250), (byte) (1 + n % 250)});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpClient clientAt(InetAddress address) {
        return HttpClient.newBuilder().localAddress(address).version(HttpClient.Version.HTTP_1_1).build();
    }

    record Reply(int status, String contentType, JsonNode body, String raw, HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    Reply post(String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(local.stack.apiUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    Reply send(HttpRequest request) throws Exception {
        return send(http, request);
    }

    static Reply send(HttpClient from, HttpRequest request) throws Exception {
        HttpResponse<String> r = from.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = json(r.body());
        if (body.hasNonNull("token")) {
            LogCapture.secret(body.get("token").asText());
            LogCapture.secret(Secrets.hashToken(body.get("token").asText()));
        }
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), body, r.body(), r.headers());
    }

    static Map<String, String> auth(String userId, String token, String... more) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("X-User-Id", userId);
        h.put("X-Auth-Token", token);
        h.put("Content-Type", "application/json");
        for (int i = 0; i < more.length; i += 2) {
            h.put(more[i], more[i + 1]);
        }
        return h;
    }

    static void assertReply(int status, String expectedBody, Reply r) {
        assertEquals(status, r.status(), r.raw());
        assertEquals(json(expectedBody), r.body(), r.raw());
        assertEquals("application/json", r.contentType());
    }

    static void assertTokenReply(Reply r) {
        assertEquals(200, r.status(), r.raw());
        String token = r.body().path("token").asText();
        assertTrue(token.matches("^[A-Za-z0-9_-]{43}$"), r.raw());
        assertEquals(json("{\"token\":\"" + token + "\",\"success\":true}"), r.body());
    }

    static String unique(String prefix) {
        return prefix + "-" + UserAdmin.newUserId().toLowerCase(Locale.ROOT);
    }

    /** {@code users login-token --json}: {userId, authToken}. */
    String[] loginToken(String username) {
        RunningLocal.Result r = local.run("users", "login-token", "--username", username, "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = json(r.out());
        assertEquals(2, j.size(), r.out());
        return new String[] {j.get("userId").asText(), LogCapture.secret(j.get("authToken").asText())};
    }

    // ---- the stack ---------------------------------------------------------------------------

    @Test
    void servePrintsReadyOnceThenCredentialsCurlAndMailPage() {
        String out = local.serveOutput;
        List<String> ready = out.lines().filter(l -> l.startsWith("ready:")).toList();
        assertEquals(List.of("ready: " + local.stack.apiUrl()), ready, out);
        assertTrue(local.stack.apiUrl().matches("http://127\\.0\\.0\\.1:\\d+"), local.stack.apiUrl());
        int readyAt = out.indexOf("ready:");
        assertTrue(out.indexOf("X-User-Id: " + Demo.USER_ID) > readyAt, out);
        assertTrue(out.indexOf("X-Auth-Token: " + Demo.LOGIN_TOKEN) > readyAt, out);
        assertTrue(out.indexOf("  curl -s -X POST " + local.stack.apiUrl() + GENERATE) > readyAt, out);
        assertTrue(out.contains("mail page of the SES emulator (email 2FA codes): " + local.stack.state().sesEndpoint() + "/\n"), out);
        assertTrue(out.contains("route: POST " + GENERATE + " -> ApiHandler\n"), out);
    }

    @Test
    void statusReportsTheRunningStack() {
        RunningLocal.Result r = local.run("status", "--json");
        assertEquals(0, r.code(), r.err());
        LocalState s = local.stack.state();
        JsonNode j = json(r.out());
        assertEquals(s.apiUrl(), j.get("apiUrl").asText());
        assertEquals(s.dynamodbEndpoint(), j.get("dynamodbEndpoint").asText());
        assertEquals(s.sesEndpoint(), j.get("sesEndpoint").asText());
        assertEquals("rcpat-users", j.get("usersTable").asText());
        assertEquals("rcpat-permissions", j.get("permissionsTable").asText());
        assertTrue(j.get("running").asBoolean());

        RunningLocal.Result human = local.run("status");
        assertEquals(0, human.code());
        assertTrue(human.out().startsWith("running: " + s.apiUrl() + " (pid " + ProcessHandle.current().pid()), human.out());
    }

    @Test
    void everyCommandButServeSaysWhenNoStackIsRunning() {
        Path none = RunningLocal.PROJECT.resolve("target/local-it/no-stack.json");
        List<String[]> commands = List.of(
                new String[] {"status"},
                new String[] {"users", "create", "--username", "x", "--password", "y"},
                new String[] {"users", "login-token", "--username", "x"},
                new String[] {"permissions", "set", "create-personal-access-tokens", "user"},
                new String[] {"invoke", "events/generate-200.json"});
        for (String[] c : commands) {
            RunningLocal.Result r = RunningLocal.run(none, c);
            assertEquals(1, r.code(), String.join(" ", c));
            assertEquals(NO_STACK, r.err(), String.join(" ", c));
        }
        RunningLocal.Result json = RunningLocal.run(none, "status", "--json");
        assertEquals("{\"running\":false}\n", json.out());
    }

    @Test
    void aPortInUseIsOneLineAndStartsNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path state = RunningLocal.PROJECT.resolve("target/local-it/port-test.json");
            LocalCli cli = new LocalCli(RunningLocal.PROJECT, new StateFile(state), Map.of(),
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), LogCapture::record);
            CliException e = assertThrows(CliException.class,
                    () -> cli.serve(List.of("--port", String.valueOf(port), "--dynamodb-port", "0", "--ses-port", "0")));
            assertEquals("port " + port + " on 127.0.0.1 is in use: stop what is using it, or choose another with --port N",
                    e.getMessage());
            assertFalse(java.nio.file.Files.exists(state));
        }
    }

    @Test
    void secondServeWhileOneRunsIsRefused() {
        LocalCli cli = new LocalCli(RunningLocal.PROJECT, new StateFile(RunningLocal.STATE), Map.of(),
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), LogCapture::record);
        CliException e = assertThrows(CliException.class, () -> cli.serve(List.of("--port", "0")));
        assertEquals("a local stack is already running at " + local.stack.apiUrl() + " (pid "
                + ProcessHandle.current().pid() + "); stop it first (Ctrl-C where it runs)", e.getMessage());
    }

    @Test
    void unknownPathsAre404JsonAsApiGatewayAnswersThem() throws Exception {
        Reply r = send(HttpRequest.newBuilder(URI.create(local.stack.apiUrl() + "/api/v1/users.nothing")).GET().build());
        assertReply(404, "{\"success\":false,\"error\":\"Resource not found\"}", r);
        r = send(HttpRequest.newBuilder(URI.create(local.stack.apiUrl() + GENERATE)).GET().build());
        assertReply(404, "{\"success\":false,\"error\":\"Resource not found\"}", r);
        assertEquals(List.of("no-store", "no-cache", "nosniff"), List.of(r.header("Cache-Control"), r.header("Pragma"),
                r.header("X-Content-Type-Options")));
    }

    @Test
    void badCredentialsAre401OverHttp() throws Exception {
        RunningLocal.Result created = local.run("users", "create", "--username", unique("cred"), "--password",
                LogCapture.secret("cred-password"), "--json");
        assertEquals(0, created.code(), created.err());
        String userId = json(created.out()).get("userId").asText();
        assertReply(401, UNAUTHORIZED, post(GENERATE, Map.of("Content-Type", "application/json"), "{\"tokenName\":\"x\"}"));
        assertReply(401, UNAUTHORIZED, post(GENERATE, auth(userId, "not-a-token-of-this-user-not-a-token-of-th"),
                "{\"tokenName\":\"x\"}"));
        RunningLocal.Result inactive = local.run("users", "create", "--username", unique("off"), "--password",
                "off-password", "--inactive", "--json");
        String[] offLogin = loginToken(json(inactive.out()).get("username").asText());
        assertReply(401, UNAUTHORIZED, post(GENERATE, auth(offLogin[0], offLogin[1]), "{\"tokenName\":\"x\"}"));
    }

    // ---- users and two-factor over HTTP ----

    @Test
    void passwordUserIsChallengedThenGeneratesWithTheDigest() throws Exception {
        String username = unique("pw");
        String password = LogCapture.secret("correct horse " + username);
        RunningLocal.Result created = local.run("users", "create", "--username", username, "--password", password, "--json");
        assertEquals(0, created.code(), created.err());
        JsonNode c = json(created.out());
        assertEquals(json("{\"userId\":\"" + c.get("userId").asText() + "\",\"username\":\"" + username + "\"}"), c);
        String[] login = loginToken(username);
        assertEquals(c.get("userId").asText(), login[0]);

        assertReply(400, "{\"success\":false,\"error\":\"TOTP Required [totp-required]\",\"errorType\":\"totp-required\","
                + "\"details\":{\"method\":\"password\",\"codeGenerated\":false,\"availableMethods\":[]}}",
                post(GENERATE, auth(login[0], login[1]), "{\"tokenName\":\"cli\"}"));
        String digest = LogCapture.secret(Secrets.sha256Hex(password).toUpperCase(Locale.ROOT));
        Reply ok = post(GENERATE, auth(login[0], login[1], "x-2fa-method", "password", "x-2fa-code", digest),
                "{\"tokenName\":\"cli\",\"bypassTwoFactor\":true}");
        assertTokenReply(ok);
        // a bypassTwoFactor token is not challenged
        assertTokenReply(post(GENERATE, auth(login[0], ok.body().get("token").asText()), "{\"tokenName\":\"cli-2\"}"));
    }

    @Test
    void totpUserGeneratesWithACodeFromThePrintedSecret() throws Exception {
        String username = unique("totp");
        RunningLocal.Result created = local.run("users", "create", "--username", username, "--password",
                LogCapture.secret("totp-user-password"), "--totp");
        assertEquals(0, created.code(), created.err());
        String secret = LogCapture.secret(line(created.out(), "TOTP secret: (\\S+)"));
        assertTrue(secret.matches("[A-Z2-7]{32}"), secret);
        assertEquals("otpauth://totp/rcpat%3A" + username + "?secret=" + secret
                + "&issuer=rcpat&algorithm=SHA1&digits=6&period=30", line(created.out(), "TOTP URI: +(\\S+)"));
        long qrLines = created.out().lines().filter(l -> l.matches("[█▀▄ ]{25,}")).count();
        assertTrue(qrLines >= 12, "a QR code drawn in the terminal:\n" + created.out());
        List<String> backup = List.of(line(created.out(), "backup codes \\(each works once; shown only now\\): (.+)").split(" "));
        assertEquals(12, backup.size());
        backup.forEach(LogCapture::secret);

        RunningLocal.Result login = local.run("users", "login-token", "--username", username);
        assertEquals(0, login.code(), login.err());
        String userId = line(login.out(), "X-User-Id: (\\S+)");
        String token = LogCapture.secret(line(login.out(), "X-Auth-Token: (\\S+)"));

        assertReply(400, "{\"success\":false,\"error\":\"TOTP Required [totp-required]\",\"errorType\":\"totp-required\","
                + "\"details\":{\"method\":\"totp\",\"codeGenerated\":false,\"availableMethods\":[\"totp\"]}}",
                post(GENERATE, auth(userId, token), "{\"tokenName\":\"phone\"}"));
        String code = LogCapture.secret(new DefaultCodeGenerator(HashingAlgorithm.SHA1, 6)
                .generate(secret, Math.floorDiv(System.currentTimeMillis() / 1000, 30)));
        assertTokenReply(post(GENERATE, auth(userId, token, "x-2fa-method", "totp", "x-2fa-code", code),
                "{\"tokenName\":\"phone\"}"));
    }

    @Test
    void emailUserGeneratesWithTheCodeFromTheMail() throws Exception {
        String username = unique("mail");
        String address = username + "@rcpat.test";
        RunningLocal.Result created = local.run("users", "create", "--username", username, "--password",
                LogCapture.secret("mail-user-password"), "--email", address, "--email-2fa", "--json");
        assertEquals(0, created.code(), created.err());
        String[] login = loginToken(username);

        assertReply(400, "{\"success\":false,\"error\":\"TOTP Required [totp-required]\",\"errorType\":\"totp-required\","
                + "\"details\":{\"method\":\"email\",\"codeGenerated\":true,\"availableMethods\":[\"email\"],"
                + "\"emailOrUsername\":\"" + username + "\"}}",
                post(GENERATE, auth(login[0], login[1]), "{\"tokenName\":\"mailed\"}"));
        List<SesMailbox.Mail> mails = new SesMailbox(URI.create(local.stack.state().sesEndpoint())).to(address);
        assertEquals(1, mails.size(), mails.toString());
        assertEquals("Authentication code", mails.get(0).subject());
        Matcher m = Pattern.compile("(\\d{3})-(\\d{3})").matcher(mails.get(0).text());
        assertTrue(m.find(), mails.get(0).text());
        String code = LogCapture.secret(m.group(1) + m.group(2));
        assertTokenReply(post(GENERATE, auth(login[0], login[1], "x-2fa-method", "email", "x-2fa-code", code),
                "{\"tokenName\":\"mailed\"}"));
    }

    @Test
    void theCurlCommandsServePrintsWorkAsPrinted() throws Exception {
        List<String> curls = local.serveOutput.lines().filter(l -> l.startsWith("  curl ")).toList();
        assertFalse(curls.isEmpty(), local.serveOutput);
        for (String curl : curls) {
            Process p = new ProcessBuilder("bash", "-c", curl.trim()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), output);
            JsonNode body = json(output);
            if (body.hasNonNull("token")) {
                LogCapture.secret(body.get("token").asText());
            }
            assertTrue(body.path("success").asBoolean(), curl + "\n -> " + output);
        }
    }

    @Test
    void permissionsSetDecidesWhoMayGenerate() throws Exception {
        String username = unique("perm");
        String password = LogCapture.secret("perm-user-password");
        assertEquals(0, local.run("users", "create", "--username", username, "--password", password).code());
        String[] login = loginToken(username);
        Map<String, String> headers = auth(login[0], login[1], "x-2fa-method", "password", "x-2fa-code", Secrets.sha256Hex(password));
        RunningLocal.Result set = local.run("permissions", "set", "create-personal-access-tokens");
        try {
            assertEquals(0, set.code(), set.err());
            assertEquals(List.of(), local.stack.admin().permissionRoles("create-personal-access-tokens").orElseThrow());
            assertReply(400, "{\"success\":false,\"error\":\"Not Authorized [not-authorized]\",\"errorType\":\"not-authorized\","
                    + "\"details\":{\"method\":\"personalAccessTokens:generateToken\"}}",
                    post(GENERATE, headers, "{\"tokenName\":\"p\"}"));
        } finally {
            assertEquals(0, local.run("permissions", "set", "create-personal-access-tokens", "admin", "user").code());
        }
        assertTokenReply(post(GENERATE, headers, "{\"tokenName\":\"p\"}"));
    }

    // ---- the rate limiter over HTTP (default settings: 10 requests per address and route a minute) ----

    static final String LIST = "/api/v1/users.getPersonalAccessTokens";

    /** A new user with the given role (and a password), logged in: {userId, loginToken}. */
    String[] user(String prefix, String role) {
        String username = unique(prefix);
        RunningLocal.Result created = local.run("users", "create", "--username", username, "--password",
                LogCapture.secret(prefix + "-password-" + username), "--role", role);
        assertEquals(0, created.code(), created.err());
        return loginToken(username);
    }

    Reply list(HttpClient from, String[] login) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(local.stack.apiUrl() + LIST)).GET();
        auth(login[0], login[1]).forEach(b::header);
        return send(from, b.build());
    }

    static String tooManyRequests(long seconds) {
        return "{\"success\":false,\"error\":\"Error, too many requests. Please slow down. You must wait " + seconds
                + " seconds before trying this endpoint again. [error-too-many-requests]\"}";
    }

    static final List<String> LIMIT_HEADERS = List.of("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
            "Retry-After");

    static void assertNoLimitHeaders(Reply r) {
        for (String h : LIMIT_HEADERS) {
            assertEquals(null, r.header(h), h + " on " + r.raw());
        }
    }

    @Test
    void tenCallsPassPerAddressAndRouteTheEleventhIs429UntilTheWindowEnds() throws Exception {
        String[] alice = user("rl", "user");
        long reset = 0;
        // Ten calls in one window (if a window ends during them, once more from a fresh address).
        HttpClient from = http;
        for (int attempt = 0; attempt < 2; attempt++) {
            List<Reply> replies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                replies.add(list(from, alice));
            }
            reset = Long.parseLong(replies.get(0).header("X-RateLimit-Reset"));
            long first = reset;
            if (replies.stream().allMatch(r -> Long.parseLong(r.header("X-RateLimit-Reset")) == first)) {
                for (int i = 0; i < 10; i++) {
                    Reply r = replies.get(i);
                    assertReply(200, "{\"tokens\":[],\"success\":true}", r);
                    assertEquals("10", r.header("X-RateLimit-Limit"));
                    assertEquals(String.valueOf(9 - i), r.header("X-RateLimit-Remaining"));
                    assertEquals(null, r.header("Retry-After"));
                }
                break;
            }
            assertEquals(0, attempt, "a window ended twice in ten calls");
            from = clientAt(nextClientAddress());
        }
        long before = System.currentTimeMillis();
        Reply refused = list(from, alice);
        long after = System.currentTimeMillis();
        assertReply(429, tooManyRequests(Long.parseLong(refused.header("Retry-After"))), refused);
        assertEquals(tooManyRequests(Long.parseLong(refused.header("Retry-After"))), refused.raw());
        assertEquals(List.of("10", "0", String.valueOf(reset)),
                List.of(refused.header("X-RateLimit-Limit"), refused.header("X-RateLimit-Remaining"),
                        refused.header("X-RateLimit-Reset")));
        long wait = Long.parseLong(refused.header("Retry-After"));
        assertTrue(reset > after && wait >= Math.ceilDiv(reset - after, 1000) && wait <= Math.ceilDiv(reset - before, 1000),
                "Reset " + reset + " in the future, Retry-After " + wait + " its ceiling in seconds");

        // The same client on another route is still allowed (here: challenged for its second factor).
        Reply otherRoute = send(from, HttpRequest.newBuilder(URI.create(local.stack.apiUrl() + GENERATE))
                .POST(HttpRequest.BodyPublishers.ofString("{\"tokenName\":\"x\"}"))
                .headers(auth(alice[0], alice[1]).entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                        .toArray(String[]::new)).build());
        assertEquals(400, otherRoute.status(), otherRoute.raw());
        assertEquals("totp-required", otherRoute.body().get("errorType").asText());
        assertEquals("9", otherRoute.header("X-RateLimit-Remaining"));
        // Another address on the same route is too: a client bound to 127.0.0.2.
        Reply otherAddress = list(clientAt(InetAddress.getByAddress(new byte[] {127, 0, 0, 2})), alice);
        assertEquals(200, otherAddress.status(), otherAddress.raw());
        assertEquals("9", otherAddress.header("X-RateLimit-Remaining"));
        // An admin (who holds api-bypass-rate-limit) is never limited, and gets no headers.
        String[] admin = user("rl-admin", "admin");
        for (int i = 0; i < 12; i++) {
            Reply r = list(from, admin);
            assertEquals(200, r.status(), r.raw());
            assertNoLimitHeaders(r);
        }
        // Once the window has ended, calls pass again.
        Thread.sleep(Math.max(0, reset - System.currentTimeMillis()) + 50);
        Reply again = list(from, alice);
        assertEquals(200, again.status(), again.raw());
        assertEquals("9", again.header("X-RateLimit-Remaining"));
        assertEquals(String.valueOf(reset + 60_000), again.header("X-RateLimit-Reset"));
    }

    @Test
    void thirtyConcurrentCallsFromOneAddressLetExactlyTenThrough() throws Exception {
        String[] bob = user("rl-burst", "user");
        // All thirty in one window: windows are whole minutes since the epoch.
        long intoMinute = Math.floorMod(System.currentTimeMillis(), 60_000L);
        if (intoMinute > 50_000) {
            Thread.sleep(60_000 - intoMinute + 100);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(local.stack.apiUrl() + LIST)).GET();
        auth(bob[0], bob[1]).forEach(b::header);
        HttpRequest request = b.build();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            calls.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var call : calls) {
            statuses.add(call.get().statusCode());
        }
        assertEquals(10, statuses.stream().filter(st -> st == 200).count(), statuses.toString());
        assertEquals(20, statuses.stream().filter(st -> st == 429).count(), statuses.toString());
    }

    @Test
    void withTheLimiterOffThereAreNoHeadersAndNo429() throws Exception {
        java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        Path state = RunningLocal.PROJECT.resolve("target/local-it/limiter-off.json");
        LocalCli cli = new LocalCli(RunningLocal.PROJECT, new StateFile(state), Map.of("API_ENABLE_RATE_LIMITER", "false"),
                quiet, quiet, LogCapture::record);
        try (DevStack off = cli.serve(List.of("--port", "0", "--dynamodb-port", "0", "--ses-port", "0"))) {
            for (int i = 0; i < 15; i++) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(off.apiUrl() + LIST)).GET();
                auth(Demo.USER_ID, Demo.LOGIN_TOKEN).forEach(b::header);
                Reply r = send(b.build());
                assertEquals(200, r.status(), r.raw());
                assertNoLimitHeaders(r);
            }
        }
    }

    // ---- admin commands against AWS (DynamoDB reached through the SDK's standard settings) ----

    @Test
    void adminCommandsRunAgainstAwsTablesWithTheDefaultCredentialChain() {
        String[] aws = {"--aws", "--region", "us-east-1", "--users-table", "rcpat-users", "--permissions-table",
                "rcpat-permissions", "--lookups-table", "rcpat-lookups"};
        // What an operator's environment provides: credentials, and here an endpoint (the emulator, not AWS).
        Map<String, String> props = Map.of("aws.accessKeyId", "operator", "aws.secretAccessKey", "operator-secret",
                "aws.endpointUrl", local.stack.state().dynamodbEndpoint());
        props.forEach(System::setProperty);
        try {
            String username = unique("ops");
            RunningLocal.Result created = RunningLocal.run(RunningLocal.PROJECT.resolve("target/local-it/no-stack.json"),
                    concat(new String[] {"users", "create", "--username", username, "--password",
                            LogCapture.secret("ops-password"), "--role", "admin", "--json"}, aws));
            assertEquals(0, created.code(), created.err());
            String userId = json(created.out()).get("userId").asText();
            var user = local.stack.admin().findById(userId).orElseThrow();
            assertEquals(username, user.username());
            assertEquals(List.of("admin"), user.roles());

            RunningLocal.Result login = RunningLocal.run(RunningLocal.PROJECT.resolve("target/local-it/no-stack.json"),
                    concat(new String[] {"users", "login-token", "--username", username, "--json"}, aws));
            assertEquals(0, login.code(), login.err());
            LogCapture.secret(json(login.out()).get("authToken").asText());
            assertEquals(userId, json(login.out()).get("userId").asText());

            RunningLocal.Result perm = RunningLocal.run(RunningLocal.PROJECT.resolve("target/local-it/no-stack.json"),
                    concat(new String[] {"permissions", "set", "ops-test-permission", "admin"}, aws));
            assertEquals(0, perm.code(), perm.err());
            assertEquals(List.of("admin"), local.stack.admin().permissionRoles("ops-test-permission").orElseThrow());
        } finally {
            props.keySet().forEach(System::clearProperty);
        }
        RunningLocal.Result noTables = local.run("users", "login-token", "--username", "x", "--aws", "--region", "us-east-1");
        assertEquals(2, noTables.code());
        assertEquals("bin/local: --aws needs --stack-name S, or --users-table T, --permissions-table P and --lookups-table L\n",
                noTables.err());
        RunningLocal.Result notWithoutAws = local.run("users", "login-token", "--username", "x", "--users-table", "t");
        assertEquals(2, notWithoutAws.code());
        assertEquals("bin/local: --users-table only applies with --aws\n", notWithoutAws.err());
    }

    static String[] concat(String[] a, String[] b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    static String line(String output, String regex) {
        Matcher m = Pattern.compile("(?m)^" + regex + "$").matcher(output);
        assertTrue(m.find(), "no line /" + regex + "/ in:\n" + output);
        return m.group(1);
    }
}
