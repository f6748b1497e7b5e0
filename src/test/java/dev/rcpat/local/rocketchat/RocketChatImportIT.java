package dev.rcpat.local.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcpat.CompositionRoot;
import dev.rcpat.auth.Secrets;
import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.aws.AwsClients;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.domain.Permissions;
import dev.rcpat.json.JsonCodec;
import dev.rcpat.local.CliException;
import dev.rcpat.local.Emulators;
import dev.rcpat.local.Json;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.store.dynamodb.UserItem;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.AuthenticatorApp;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.SessionEndpoints;
import dev.rcpat.testing.TokenEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rcpat.local.rocketchat.RocketChatFixtures.*;
import static dev.rcpat.testing.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Rocket.Chat import against the DynamoDB emulator, each test in tables of its own, and what
 * the imported users can do afterwards, through the service's real functions on a clock set to
 * the export's time.
 */
@ExtendWith(LogSecretScan.class)
class RocketChatImportIT {

    static {
        registerSecrets();
    }

    static final UserImport.Options IMPORT = new UserImport.Options(false, false, 16);
    static final UserImport.Options DRY_RUN = new UserImport.Options(true, false, 16);
    static final String TRUNCATED = "users.json, line 7: not valid JSON (column 101)";
    static final String NO_ID = "users.json, line 8: no _id";
    static final String OTHER_ADA = "users.json, line 6 (_id " + OTHER_ADA_ID + "): username Ada is the username of line 1"
            + " (usernames are unique without regard to case; the first one is imported)";
    /**
     * The fixture's permissions this service uses, with their roles as exported, in the file's order:
     * create-personal-access-tokens, and api-bypass-rate-limit once the rate limiter reads it.
     */
    static final Map<String, List<String>> USED_PERMISSIONS = new LinkedHashMap<>();

    static {
        USED_PERMISSIONS.put("create-personal-access-tokens", List.of("admin", "user", "bot"));
        USED_PERMISSIONS.put("api-bypass-rate-limit", List.of("admin", "bot", "app"));
        USED_PERMISSIONS.keySet().retainAll(Permissions.defaults().keySet());
    }

    static final String PERMISSIONS_LINE = "  permissions: " + String.join(", ", USED_PERMISSIONS.entrySet().stream()
            .map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")").toList())
            + "; " + (4 - USED_PERMISSIONS.size()) + " others not used here\n";
    static final String PERMISSIONS_JSON = JsonCodec.write(USED_PERMISSIONS);
    static final String FIRST_RUN = "Imported users.json into the test tables:\n"
            + "  users: 4 imported, 0 updated, 0 unchanged, 1 skipped (1 bot or app without tokens), 3 rejected (listed above)\n"
            + "  tokens carried: 5 personal access tokens, 3 login tokens; not carried: 1 expired login token\n"
            + PERMISSIONS_LINE;

    @TempDir
    Path dir;

    final ImportTables tables = new ImportTables();
    final Clock exportTime = Clock.fixed(EXPORTED_AT, ZoneOffset.UTC);
    /** The API's clock: the export's time, in the middle of a TOTP step. */
    final MutableClock clock = new MutableClock(EXPORTED_AT.toEpochMilli() + 15_000);
    final CompositionRoot services = tables.services(clock);
    final TokenEndpoints tokens = new TokenEndpoints(services);
    final SessionEndpoints session = new SessionEndpoints(services);

    ImportReport importUsers(Path users, Path permissions, UserImport.Options options) throws CliException {
        ImportReport report = tables.importer(exportTime).run(users, permissions, options, UserImport.Progress.NONE);
        assertNoSecret(report.summary("test tables") + report.problemLines() + JsonCodec.write(report.toJson()));
        return report;
    }

    ImportReport importFixture() throws CliException {
        return importUsers(users(), permissions(), IMPORT);
    }

    static void assertNoSecret(String output) {
        for (String secret : secrets()) {
            assertFalse(output.contains(secret), "a secret of length " + secret.length() + " in: " + output);
        }
    }

    static Map<String, String> auth(String userId, String token, String... more) {
        Map<String, String> h = new HashMap<>(Api.auth(userId, token));
        for (int i = 0; i < more.length; i += 2) {
            h.put(more[i], more[i + 1]);
        }
        return h;
    }

    static String loginBody(String user, String password) {
        return "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}";
    }

    String generated(Api.Response r) {
        assertEquals(200, r.status(), r.raw());
        String token = LogCapture.secret(r.body().path("token").asText());
        LogCapture.secret(Secrets.hashToken(token));
        return token;
    }

    // ---- what must keep working ---------------------------------------------------------------

    @Test
    void importedUsersKeepTheirTokensPasswordsAndSecondFactors() throws Exception {
        ImportReport report = importFixture();
        assertEquals(FIRST_RUN, report.summary("test tables"));
        assertEquals(List.of(OTHER_ADA, TRUNCATED, NO_ID), report.problemLines());
        assertFalse(report.complete());

        // The same personal access tokens that worked against Rocket.Chat, with the same X-User-Id.
        assertTrue(tokens.authenticates(ADA_ID, ADA_CI));
        assertTrue(tokens.authenticates(ADA_ID, ADA_DEPLOY));
        assertTrue(tokens.authenticates(GRACE_ID, GRACE_LAPTOP));
        assertTrue(tokens.authenticates(EDSGER_ID, EDSGER_CI));
        assertTrue(tokens.authenticates(BUILD_BOT_ID, BUILD_BOT_JENKINS), "the bot role holds the permission, as imported");
        assertEquals(json("[{\"name\":\"ci\",\"createdAt\":\"2026-02-01T12:00:00.000Z\",\"lastTokenPart\":\"4oZYEU\","
                        + "\"bypassTwoFactor\":false,\"lastUsedAt\":\"2026-12-01T12:00:15.000Z\"},{\"name\":\"deploy\","
                        + "\"createdAt\":\"2026-06-30T16:20:05.120Z\",\"lastTokenPart\":\"" + ADA_DEPLOY.substring(37)
                        + "\",\"bypassTwoFactor\":true,\"lastUsedAt\":\"2026-12-01T12:00:15.000Z\"}]"),
                tokens.tokens(Api.auth(ADA_ID, ADA_CI)));

        // Login tokens: the unexpired one authenticates and resumes; the expired one was not carried.
        assertTrue(tokens.authenticates(ADA_ID, ADA_LOGIN_FRESH));
        assertTrue(tokens.authenticates(GRACE_ID, GRACE_LOGIN));
        assertFalse(tokens.authenticates(ADA_ID, ADA_LOGIN_EXPIRED));
        Api.Response resumed = session.login("{\"resume\":\"" + ADA_LOGIN_FRESH + "\"}");
        assertEquals(200, resumed.status(), resumed.raw());
        assertEquals(ADA_LOGIN_FRESH, resumed.body().path("data").path("authToken").asText());

        // The password: the password fallback, and login.
        String viaFallback = generated(tokens.generate(auth(ADA_ID, ADA_CI, "x-2fa-method", "password",
                "x-2fa-code", Secrets.sha256Hex(ADA_PASSWORD)), TokenEndpoints.body("after-import")));
        assertTrue(tokens.authenticates(ADA_ID, viaFallback));
        Api.Response adaLogin = session.login(loginBody("ada", ADA_PASSWORD));
        assertEquals(200, adaLogin.status(), adaLogin.raw());
        assertEquals(ADA_ID, adaLogin.body().path("data").path("userId").asText());
        assertEquals(401, session.login(loginBody("ada@example.com", OTHER_ADA_PASSWORD)).status(),
                "the rejected Ada's password is nobody's");

        // A bypassTwoFactor token is never challenged.
        generated(tokens.generate(Api.auth(ADA_ID, ADA_DEPLOY), TokenEndpoints.body("bypassed")));

        // TOTP from the exported secret, at login and on the token endpoints.
        Api.Response challenged = session.login(loginBody("grace", GRACE_PASSWORD));
        assertEquals("totp-required", challenged.body().path("error").asText(), challenged.raw());
        assertEquals("totp", challenged.body().path("details").path("method").asText());
        String code = LogCapture.secret(AuthenticatorApp.code(GRACE_TOTP_SECRET, clock.millis()));
        Api.Response graceLogin = session.login("{\"user\":\"grace\",\"password\":\"" + GRACE_PASSWORD + "\",\"code\":\"" + code + "\"}");
        assertEquals(200, graceLogin.status(), graceLogin.raw());

        // A backup code works once.
        String backup = GRACE_BACKUP_CODES.get(3);
        generated(tokens.generate(auth(GRACE_ID, GRACE_LAPTOP, "x-2fa-method", "totp", "x-2fa-code", backup),
                TokenEndpoints.body("with-backup-code")));
        // (with another token: the first one is now remembered for this client, and would not be asked)
        Api.Response again = tokens.generate(auth(GRACE_ID, GRACE_LOGIN, "x-2fa-method", "totp", "x-2fa-code", backup),
                TokenEndpoints.body("backup-code-again"));
        assertEquals("totp-invalid", again.body().path("errorType").asText(), again.raw());

        // Email two-factor holds: a login and a token call each ask for an emailed code.
        int mailsBefore = tables.stack.mailbox().to("edsger@example.com").size();
        Api.Response edsger = session.login(loginBody("edsger", EDSGER_PASSWORD));
        assertEquals("{\"success\":false,\"error\":\"totp-required\",\"status\":\"error\",\"details\":{\"method\":\"email\","
                + "\"codeGenerated\":true,\"emailOrUsername\":\"edsger\",\"availableMethods\":[\"email\"]},"
                + "\"message\":\"TOTP Required\"}", edsger.raw());
        List<dev.rcpat.testing.SesMailbox.Mail> mails = tables.stack.mailbox().to("edsger@example.com");
        assertEquals(mailsBefore + 1, mails.size());
        Matcher m = Pattern.compile("(\\d{3})-(\\d{3})").matcher(mails.get(mails.size() - 1).text());
        assertTrue(m.find());
        LogCapture.secret(m.group(1) + m.group(2));
        Api.Response edsgerLogin = session.login("{\"user\":\"edsger\",\"password\":\"" + EDSGER_PASSWORD
                + "\",\"code\":\"" + m.group(1) + m.group(2) + "\"}");
        assertEquals(200, edsgerLogin.status(), edsgerLogin.raw());
        Api.Response edsgerGenerate = tokens.generate(Api.auth(EDSGER_ID, EDSGER_CI), TokenEndpoints.body("x"));
        assertEquals("email", edsgerGenerate.body().path("details").path("method").asText(), edsgerGenerate.raw());

        // Skipped and rejected documents wrote nothing.
        assertTrue(tables.admin().findById("rocket.cat").isEmpty());
        assertTrue(tables.admin().findById(OTHER_ADA_ID).isEmpty());
        assertFalse(tokens.authenticates(OTHER_ADA_ID, OTHER_ADA_LOGIN));
    }

    @Test
    void theImportWritesTheUsersAndLookupItemsTheServiceReads() throws Exception {
        importFixture();
        assertEquals(Set.of(
                "email:ada@example.com -> " + ADA_ID, "email:edsger@example.com -> " + EDSGER_ID,
                "email:grace@example.com -> " + GRACE_ID,
                "token:" + Secrets.hashToken(ADA_LOGIN_FRESH) + " -> " + ADA_ID,
                "token:" + Secrets.hashToken(EDSGER_LOGIN) + " -> " + EDSGER_ID,
                "token:" + Secrets.hashToken(GRACE_LOGIN) + " -> " + GRACE_ID,
                "username:ada -> " + ADA_ID, "username:build-bot -> " + BUILD_BOT_ID,
                "username:edsger -> " + EDSGER_ID, "username:grace -> " + GRACE_ID), tables.lookupKeys());
        Map<String, AttributeValue> token = tables.dynamo().getItem(b -> b.tableName(tables.lookups()).key(Map.of("_id",
                AttributeValue.fromS("token:" + Secrets.hashToken(ADA_LOGIN_FRESH))))).item();
        assertEquals(String.valueOf((java.time.Instant.parse("2026-11-28T07:45:12.331Z").toEpochMilli()
                + Duration.ofDays(90).toMillis()) / 1000), token.get("expiresAt").n(), "expires with the token");

        Map<String, AttributeValue> ada = tables.admin().rawItem(ADA_ID);
        assertEquals(new TreeSet<>(List.of("_id", "username", "name", "active", "roles", "emails", "passwordBcrypt",
                "loginTokens", "personalAccessTokens", "email2fa", "rocketChatImport")), new TreeSet<>(ada.keySet()));
        assertEquals(ADA_BCRYPT, ada.get("passwordBcrypt").s(), "Meteor's hash, as exported");
        assertEquals(Map.of("hashedToken", AttributeValue.fromS(Secrets.hashToken(ADA_LOGIN_FRESH)),
                        "when", AttributeValue.fromN("1795851912331")),
                ada.get("loginTokens").m().get(Secrets.hashToken(ADA_LOGIN_FRESH)).m(), "no remember fields");
        Map<String, AttributeValue> grace = tables.admin().rawItem(GRACE_ID);
        assertEquals(GRACE_TOTP_SECRET, grace.get("totp").m().get("secret").s());
        assertEquals(GRACE_BACKUP_CODES.stream().map(Secrets::sha256Hex).toList(),
                UserItem.strings(grace.get("totp").m().get("hashedBackup")));
        assertEquals(Map.of("enabled", AttributeValue.fromBool(true)), tables.admin().rawItem(EDSGER_ID).get("email2fa").m());
        assertEquals(List.of("admin", "user", "bot"),
                tables.admin().permissionRoles("create-personal-access-tokens").orElseThrow());
        assertTrue(tables.admin().permissionRoles("view-logs").isEmpty(), "Rocket.Chat's other permissions stay there");
    }

    @Test
    void theCanonicalJsonArrayImportsTheSameUsersAsTheRelaxedLines() throws Exception {
        ImportTables relaxed = tables;
        importUsers(users(), null, IMPORT);
        ImportTables canonical = new ImportTables();
        ImportReport report = canonical.importer(exportTime).run(usersArrayCanonical(), null, IMPORT, UserImport.Progress.NONE);
        assertEquals("Imported users-array-canonical.json into the test tables:\n"
                + "  users: 4 imported, 0 updated, 0 unchanged, 1 skipped (1 bot or app without tokens), 0 rejected\n"
                + "  tokens carried: 5 personal access tokens, 3 login tokens; not carried: 1 expired login token\n",
                report.summary("test tables"));
        assertTrue(report.complete());
        for (String id : List.of(ADA_ID, GRACE_ID, EDSGER_ID, BUILD_BOT_ID)) {
            assertEquals(relaxed.admin().rawItem(id), canonical.admin().rawItem(id), id);
        }
        assertEquals(relaxed.lookupKeys(), canonical.lookupKeys());
    }

    // ---- re-runs ------------------------------------------------------------------------------

    @Test
    void aSecondRunUpdatesAndNeverDuplicates() throws Exception {
        importFixture();
        Set<String> lookups = tables.lookupKeys();
        ImportReport same = importFixture();
        assertEquals("Imported users.json into the test tables:\n"
                + "  users: 0 imported, 0 updated, 4 unchanged, 1 skipped (1 bot or app without tokens), 3 rejected (listed above)\n"
                + "  tokens carried: 5 personal access tokens, 3 login tokens; not carried: 1 expired login token\n"
                + PERMISSIONS_LINE,
                same.summary("test tables"));
        assertEquals(List.of(OTHER_ADA, TRUNCATED, NO_ID), same.problemLines());

        // Rocket.Chat moved on: Ada was renamed and revoked "deploy", Grace made a token, a new user
        // took Ada's old username in the same export.
        String graceNew = LogCapture.secret("gRaCeNeWtOkEnFrOmRoCkEtChAtAfTeRtHeFiRsTiMp");
        LogCapture.secret(Secrets.hashToken(graceNew));
        Path later = rewrite(users(), docs -> {
            ObjectNode ada = docs.get(0);
            ada.put("username", "ada.lovelace").put("name", "Augusta Ada King");
            ArrayNode adaTokens = (ArrayNode) ada.path("services").path("resume").path("loginTokens");
            adaTokens.remove(3);
            ObjectNode graceToken = ((ArrayNode) docs.get(1).path("services").path("resume").path("loginTokens")).addObject();
            graceToken.put("hashedToken", Secrets.hashToken(graceNew)).put("type", "personalAccessToken")
                    .put("lastTokenPart", graceNew.substring(37)).put("name", "desktop").put("bypassTwoFactor", false)
                    .putObject("createdAt").put("$date", "2026-11-30T10:00:00Z");
            ObjectNode newcomer = Json.MAPPER.createObjectNode().put("_id", "NewAdaXXXXXXXXXXX").put("username", "ada")
                    .put("type", "user").put("active", true);
            newcomer.putArray("roles").add("user");
            docs.set(5, newcomer);
        });
        ImportReport moved = importUsers(later, null, IMPORT);
        assertEquals("Imported users.json into the test tables:\n"
                + "  users: 1 imported, 2 updated, 2 unchanged, 1 skipped (1 bot or app without tokens), 2 rejected (listed above)\n"
                + "  tokens carried: 5 personal access tokens, 3 login tokens; not carried: 1 expired login token\n"
                + "  tokens removed: 1 token gone from Rocket.Chat since the last import\n", moved.summary("test tables"));
        assertEquals(List.of(TRUNCATED, NO_ID), moved.problemLines());

        assertEquals(5, tables.scan(tables.users()).size(), "one item per user, whatever the runs");
        Set<String> expected = new TreeSet<>(lookups);
        expected.remove("username:ada -> " + ADA_ID);
        expected.add("username:ada -> NewAdaXXXXXXXXXXX");
        expected.add("username:ada.lovelace -> " + ADA_ID);
        assertEquals(expected, tables.lookupKeys());

        assertFalse(tokens.authenticates(ADA_ID, ADA_DEPLOY), "revoked in Rocket.Chat, so here too");
        assertTrue(tokens.authenticates(ADA_ID, ADA_CI));
        assertTrue(tokens.authenticates(GRACE_ID, graceNew));
        assertEquals(200, session.login(loginBody("ada.lovelace", ADA_PASSWORD)).status());
        assertEquals("NewAdaXXXXXXXXXXX", tables.admin().findByUsername("ada").orElseThrow().id(),
                "the old username went to the newcomer in the same run");
    }

    @Test
    void whatWasDoneHereSinceTheLastImportIsKept() throws Exception {
        importFixture();
        String madeHere = generated(tokens.generate(auth(ADA_ID, ADA_CI, "x-2fa-method", "password",
                "x-2fa-code", Secrets.sha256Hex(ADA_PASSWORD)), TokenEndpoints.body("made-here")));
        assertEquals(200, tokens.remove(auth(ADA_ID, ADA_DEPLOY), TokenEndpoints.body("ci")).status());
        String spent = GRACE_BACKUP_CODES.get(0);
        String graceMadeHere = generated(tokens.generate(auth(GRACE_ID, GRACE_LAPTOP, "x-2fa-method", "totp",
                "x-2fa-code", spent), TokenEndpoints.body("spent-a-code")));
        Api.Response adaLogin = session.login(loginBody("ada", ADA_PASSWORD));
        assertEquals(200, adaLogin.status(), adaLogin.raw());
        String loginHere = adaLogin.body().path("data").path("authToken").asText();
        assertEquals(200, session.logout(Api.auth(GRACE_ID, GRACE_LOGIN), "POST").status());

        ImportReport again = importFixture();
        assertEquals("Imported users.json into the test tables:\n"
                + "  users: 0 imported, 0 updated, 4 unchanged, 1 skipped (1 bot or app without tokens), 3 rejected (listed above)\n"
                + "  tokens carried: 4 personal access tokens, 2 login tokens; not carried: 1 expired login token,"
                + " 2 tokens removed here since the last import\n"
                + PERMISSIONS_LINE,
                again.summary("test tables"));
        assertTrue(tokens.authenticates(ADA_ID, madeHere), "created here: kept");
        assertFalse(tokens.authenticates(ADA_ID, ADA_CI), "removed here: not brought back");
        assertFalse(tokens.authenticates(GRACE_ID, GRACE_LOGIN), "logged out here: not brought back");
        Api.Response reused = tokens.generate(auth(GRACE_ID, graceMadeHere, "x-2fa-method", "totp", "x-2fa-code", spent),
                TokenEndpoints.body("spent-again"));
        assertEquals("totp-invalid", reused.body().path("errorType").asText(), "a spent backup code stays spent: " + reused.raw());
        assertTrue(tokens.authenticates(ADA_ID, loginHere), "a login here since: kept");
    }

    // ---- refusals and atomicity -----------------------------------------------------------------

    @Test
    void aUsernameOrAddressOfAnotherUserHereRejectsTheDocumentAndWritesNothingOfIt() throws Exception {
        UserAdmin.Created grace = tables.admin().createUser(UserAdmin.NewUser.named("Grace").password("p"));
        UserAdmin.Created edsger = tables.admin().createUser(UserAdmin.NewUser.named("dijkstra").email("EDSGER@example.com", true));
        ImportReport report = importUsers(users(), null, IMPORT);
        assertEquals(List.of(
                "users.json, line 2 (_id " + GRACE_ID + "): username grace belongs to user " + grace.userId()
                        + " here; nothing of this user was written",
                "users.json, line 3 (_id " + EDSGER_ID + "): address edsger@example.com belongs to user " + edsger.userId()
                        + " here; nothing of this user was written",
                OTHER_ADA, TRUNCATED, NO_ID), report.problemLines());
        assertEquals(2, report.imported());
        assertTrue(tables.admin().findById(GRACE_ID).isEmpty());
        assertTrue(tables.admin().findById(EDSGER_ID).isEmpty());
        assertTrue(tables.lookupKeys().stream().noneMatch(k -> k.endsWith(GRACE_ID) || k.endsWith(EDSGER_ID)),
                tables.lookupKeys().toString());
    }

    @Test
    void aUserWhoseWriteFailsLeavesNothingBehindAndTheOthersAreImported() throws Exception {
        DynamoDbClient failingForGrace = failing(tables.dynamo(), "putItem",
                r -> r instanceof PutItemRequest p && p.tableName().equals(tables.users())
                        && p.item().get("_id").s().equals(GRACE_ID));
        ImportReport report = tables.importer(failingForGrace, exportTime).run(users(), null, IMPORT, UserImport.Progress.NONE);
        List<String> problems = report.problemLines();
        assertEquals("users.json, line 2 (_id " + GRACE_ID + "): DynamoDB refused the write: Item too large (Service: DynamoDb,"
                + " Status Code: 400, Request ID: null)", problems.get(0));
        assertNoSecret(String.join("\n", problems));
        assertEquals(3, report.imported());
        assertTrue(tables.admin().findById(GRACE_ID).isEmpty());
        assertTrue(tables.lookupKeys().stream().noneMatch(k -> k.endsWith(GRACE_ID)), tables.lookupKeys().toString());
        assertEquals(1, importUsers(users(), null, IMPORT).imported(), "the next run brings her");
        assertTrue(tokens.authenticates(GRACE_ID, GRACE_LAPTOP));
    }

    @Test
    void anUnreachableDynamoDbStopsTheImportAndSaysSo() throws Exception {
        URI nothing = URI.create("http://127.0.0.1:" + Emulators.freePort());
        DynamoDbClient unreachable = AwsClients.dynamoDb(AwsEnvironment.emulators(nothing, nothing), AwsClients.httpClient(),
                new AwsCallCounter());
        ImportReport report = tables.importer(unreachable, exportTime).run(users(), permissions(), IMPORT, UserImport.Progress.NONE);
        assertTrue(report.stopped());
        String summary = report.summary("test tables");
        assertTrue(summary.contains("\n  STOPPED: DynamoDB is unavailable: Unable to execute HTTP request: "), summary);
        assertTrue(summary.endsWith("; 4 users not attempted: run the import again (it is idempotent)\n"), summary);
        assertEquals(List.of(OTHER_ADA, TRUNCATED, NO_ID), report.problemLines());
    }

    @Test
    void aDryRunReadsAndReportsButWritesNothing() throws Exception {
        ImportReport report = importUsers(users(), permissions(), DRY_RUN);
        assertEquals("Dry run, nothing written: what importing users.json into the test tables would do:\n"
                + "  users: 4 to import, 0 to update, 0 unchanged, 1 skipped (1 bot or app without tokens), 3 rejected (listed above)\n"
                + "  tokens carried: 5 personal access tokens, 3 login tokens; not carried: 1 expired login token\n"
                + PERMISSIONS_LINE,
                report.summary("test tables"));
        assertEquals(List.of(), tables.scan(tables.users()));
        assertEquals(List.of(), tables.scan(tables.lookups()));
        assertEquals(List.of(), tables.scan(tables.permissions()));

        importFixture();
        assertEquals(4, importUsers(users(), null, DRY_RUN).unchanged());
    }

    @Test
    void theJsonReportCountsEverythingAndNamesEachProblem() throws Exception {
        JsonNode report = json(JsonCodec.write(importFixture().toJson()));
        assertEquals(json("{\"dryRun\":false,\"file\":\"users.json\",\"users\":{\"imported\":4,\"updated\":0,\"unchanged\":0,"
                + "\"skipped\":{\"bot-or-app-without-tokens\":1,\"no-username\":0},\"rejected\":3},"
                + "\"tokens\":{\"personalAccessTokens\":5,\"loginTokens\":3,\"added\":8,\"removedInRocketChat\":0,"
                + "\"removedHere\":0,\"nameTakenHere\":0,\"expiredLoginTokens\":1,\"loginTokensOverLimit\":0},"
                + "\"permissions\":" + PERMISSIONS_JSON + ","
                + "\"problems\":[{\"file\":\"users.json\",\"line\":6,\"_id\":\"" + OTHER_ADA_ID + "\",\"message\":\"username Ada is"
                + " the username of line 1 (usernames are unique without regard to case; the first one is imported)\"},"
                + "{\"file\":\"users.json\",\"line\":7,\"message\":\"not valid JSON (column 101)\"},"
                + "{\"file\":\"users.json\",\"line\":8,\"message\":\"no _id\"}]}"), report);
        ImportReport array = tables.importer(exportTime).run(rewriteAsArray(), null, IMPORT, UserImport.Progress.NONE);
        assertEquals(json("[{\"file\":\"users.json\",\"line\":1,\"document\":2,\"message\":\"not a JSON object\"}]"),
                json(JsonCodec.write(array.toJson())).get("problems"));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    interface Edit {
        void apply(List<ObjectNode> docs) throws Exception;
    }

    /** The file's first six documents (the well-formed ones), edited, and its last two lines as they are. */
    Path rewrite(Path file, Edit edit) throws Exception {
        List<String> lines = Files.readAllLines(file);
        List<ObjectNode> docs = new ArrayList<>();
        for (String line : lines.subList(0, 6)) {
            docs.add((ObjectNode) json(line));
        }
        edit.apply(docs);
        List<String> out = new ArrayList<>();
        for (ObjectNode d : docs) {
            out.add(Json.MAPPER.writeValueAsString(d));
        }
        out.addAll(lines.subList(6, lines.size()));
        Path edited = Files.createDirectories(dir.resolve("later")).resolve("users.json");
        Files.write(edited, out);
        return edited;
    }

    Path rewriteAsArray() throws Exception {
        Path f = dir.resolve("users.json");
        Files.writeString(f, "[{\"_id\":\"arrayUser0000001\",\"username\":\"array-user\",\"active\":true},42]\n");
        return f;
    }

    /** {@code client}, whose {@code method} fails with a 400 DynamoDB error for the requests {@code when} picks. */
    static DynamoDbClient failing(DynamoDbClient client, String method, java.util.function.Predicate<Object> when) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, m, args) -> {
                    if (m.getName().equals(method) && args != null && args.length == 1 && when.test(args[0])) {
                        throw DynamoDbException.builder().statusCode(400).message("Item too large")
                                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException")
                                        .errorMessage("Item too large").serviceName("DynamoDb").build()).build();
                    }
                    try {
                        return m.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
