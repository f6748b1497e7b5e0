package dev.rcpat.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcpat.auth.Secrets;
import dev.rcpat.local.rocketchat.RocketChatFixtures;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.tokens.TokenGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static dev.rcpat.testing.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/local users import} as an operator runs it, against the stack {@code bin/local serve}
 * started, and the imported user's token and password over HTTP. The exports here are made by the
 * test, dated from now, with fresh ids (the stack is shared); the fixtures' cases are
 * {@code RocketChatImportIT}'s.
 */
@ExtendWith(LogSecretScan.class)
class UsersImportCommandIT {

    final RunningLocal local = RunningLocal.get();
    final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** A Rocket.Chat user with Ada's password (hashed by bcryptjs), a personal access token and a login token. */
    record Exported(String id, String username, String pat, String login, ObjectNode document) { }

    static Exported exported() {
        String id = UserAdmin.newUserId();
        String username = "imported-" + id.toLowerCase(Locale.ROOT);
        TokenGenerator tokens = new TokenGenerator(new SecureRandom());
        String pat = LogCapture.secret(tokens.newToken());
        String login = LogCapture.secret(tokens.newToken());
        LogCapture.secret(Secrets.hashToken(pat));
        LogCapture.secret(Secrets.hashToken(login));
        LogCapture.secret(RocketChatFixtures.ADA_BCRYPT);
        LogCapture.secret(RocketChatFixtures.ADA_PASSWORD);
        Instant now = Instant.now();
        ObjectNode doc = dev.rcpat.local.Json.MAPPER.createObjectNode().put("_id", id);
        doc.putObject("createdAt").put("$date", now.minus(Duration.ofDays(200)).toString());
        ObjectNode services = doc.putObject("services");
        services.putObject("password").put("bcrypt", RocketChatFixtures.ADA_BCRYPT);
        ArrayNode resume = services.putObject("resume").putArray("loginTokens");
        resume.addObject().put("hashedToken", Secrets.hashToken(login)).putObject("when")
                .put("$date", now.minus(Duration.ofDays(1)).toString());
        ObjectNode p = resume.addObject().put("hashedToken", Secrets.hashToken(pat)).put("type", "personalAccessToken")
                .put("lastTokenPart", pat.substring(37)).put("name", "ci").put("bypassTwoFactor", false);
        p.putObject("createdAt").put("$date", now.minus(Duration.ofDays(30)).toString());
        doc.put("username", username);
        doc.putArray("emails").addObject().put("address", username + "@example.com").put("verified", true);
        doc.put("type", "user").put("active", true);
        doc.putArray("roles").add("user");
        return new Exported(id, username, pat, login, doc);
    }

    Path write(String name, String... lines) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, List.of(lines));
        return f;
    }

    Path permissions() throws Exception {
        return write("rocketchat_permissions.json",
                "{\"_id\":\"create-personal-access-tokens\",\"_updatedAt\":{\"$date\":\"2026-01-01T00:00:00Z\"},\"roles\":[\"admin\",\"user\"]}",
                "{\"_id\":\"view-logs\",\"_updatedAt\":{\"$date\":\"2026-01-01T00:00:00Z\"},\"roles\":[\"admin\"]}");
    }

    int status(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    int list(String userId, String token) throws Exception {
        return status(HttpRequest.newBuilder(URI.create(local.stack.apiUrl() + "/api/v1/users.getPersonalAccessTokens"))
                .header("X-User-Id", userId).header("X-Auth-Token", token).GET());
    }

    int login(String user, String password) throws Exception {
        return status(HttpRequest.newBuilder(URI.create(local.stack.apiUrl() + "/api/v1/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}")));
    }

    static void assertNoSecret(RunningLocal.Result r, Exported e) {
        for (String secret : List.of(e.pat(), e.login(), Secrets.hashToken(e.pat()), Secrets.hashToken(e.login()),
                RocketChatFixtures.ADA_BCRYPT)) {
            assertFalse(r.out().contains(secret) || r.err().contains(secret), "a secret in the output");
        }
    }

    @Test
    void anImportedUsersTokenAndPasswordWorkOverHttpAndASecondRunChangesNothing() throws Exception {
        Exported e = exported();
        Path users = write("users.json", dev.rcpat.local.Json.MAPPER.writeValueAsString(e.document()));
        RunningLocal.Result r = local.run("users", "import", "--file", users.toString(), "--permissions", permissions().toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertEquals("Imported users.json into the local stack " + local.stack.apiUrl() + ":\n"
                + "  users: 1 imported, 0 updated, 0 unchanged, 0 skipped, 0 rejected\n"
                + "  tokens carried: 1 personal access token, 1 login token\n"
                + "  permissions: create-personal-access-tokens (admin, user); 1 other not used here\n", r.out());
        assertNoSecret(r, e);

        assertEquals(200, list(e.id(), e.pat()), "the personal access token from Rocket.Chat");
        assertEquals(200, list(e.id(), e.login()), "the login token from Rocket.Chat");
        assertEquals(200, login(e.username(), RocketChatFixtures.ADA_PASSWORD), "the password from Rocket.Chat");

        RunningLocal.Result again = local.run("users", "import", "--file", users.toString(), "--json");
        assertEquals(0, again.code(), again.err());
        JsonNode report = json(again.out());
        assertEquals(json("{\"imported\":0,\"updated\":0,\"unchanged\":1,\"skipped\":{\"bot-or-app-without-tokens\":0,"
                + "\"no-username\":0},\"rejected\":0}"), report.get("users"));
        assertEquals(json("[]"), report.get("problems"));
        assertEquals(1, report.path("tokens").path("personalAccessTokens").asInt());
        assertNoSecret(again, e);
    }

    @Test
    void badLinesAreReportedOneALineAndTheRestIsImported() throws Exception {
        Exported first = exported();
        Exported twin = exported();
        twin.document().put("username", first.username().toUpperCase(Locale.ROOT));
        Path users = write("users.json", dev.rcpat.local.Json.MAPPER.writeValueAsString(first.document()),
                "{\"_id\":", "{\"username\":\"nobody\",\"active\":true}",
                dev.rcpat.local.Json.MAPPER.writeValueAsString(twin.document()));
        RunningLocal.Result r = local.run("users", "import", "--file", users.toString());
        assertEquals(1, r.code());
        assertEquals("users.json, line 2: not valid JSON (column 8)\n"
                + "users.json, line 3: no _id\n"
                + "users.json, line 4 (_id " + twin.id() + "): username " + first.username().toUpperCase(Locale.ROOT)
                + " is the username of line 1 (usernames are unique without regard to case; the first one is imported)\n",
                r.err());
        assertEquals("Imported users.json into the local stack " + local.stack.apiUrl() + ":\n"
                + "  users: 1 imported, 0 updated, 0 unchanged, 0 skipped, 3 rejected (listed above)\n"
                + "  tokens carried: 1 personal access token, 1 login token\n", r.out());
        assertEquals(200, list(first.id(), first.pat()));
        assertEquals(401, list(twin.id(), twin.pat()));
        assertNoSecret(r, twin);
    }

    @Test
    void aDryRunSaysWhatWouldHappenAndWritesNothing() throws Exception {
        Exported e = exported();
        Path users = write("users.json", dev.rcpat.local.Json.MAPPER.writeValueAsString(e.document()));
        RunningLocal.Result r = local.run("users", "import", "--file", users.toString(), "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertEquals("Dry run, nothing written: what importing users.json into the local stack " + local.stack.apiUrl()
                + " would do:\n"
                + "  users: 1 to import, 0 to update, 0 unchanged, 0 skipped, 0 rejected\n"
                + "  tokens carried: 1 personal access token, 1 login token\n", r.out());
        assertEquals(401, list(e.id(), e.pat()));
    }

    @Test
    void botsWithoutTokensAreSkippedUnlessIncluded() throws Exception {
        String id = UserAdmin.newUserId();
        Path users = write("users.json", "{\"_id\":\"" + id + "\",\"name\":\"Bot\",\"username\":\"bot-" + id.toLowerCase(Locale.ROOT)
                + "\",\"status\":\"online\",\"active\":true,\"type\":\"bot\",\"roles\":[\"bot\"]}");
        RunningLocal.Result skipped = local.run("users", "import", "--file", users.toString());
        assertEquals(0, skipped.code(), skipped.err());
        assertTrue(skipped.out().contains("\n  users: 0 imported, 0 updated, 0 unchanged, 1 skipped (1 bot or app without tokens),"
                + " 0 rejected\n"), skipped.out());
        RunningLocal.Result included = local.run("users", "import", "--file", users.toString(), "--include-bots");
        assertTrue(included.out().contains("\n  users: 1 imported, 0 updated, 0 unchanged, 0 skipped, 0 rejected\n"), included.out());
        assertEquals(0, local.run("users", "login-token", "--username", "bot-" + id.toLowerCase(Locale.ROOT)).code());
    }

    @Test
    void whatIsNotAnExportOrNotThereGetsOneLine() throws Exception {
        Path csv = write("people.csv", "_id,username", "abc,ada");
        RunningLocal.Result notAnExport = local.run("users", "import", "--file", csv.toString());
        assertEquals(1, notAnExport.code());
        assertEquals("bin/local: people.csv is not a mongoexport file: expected the output of mongoexport --collection"
                + " users, one JSON document per line (or a JSON array of documents, with --jsonArray) in MongoDB"
                + " Extended JSON\n", notAnExport.err());
        assertEquals("", notAnExport.out());

        Path users = write("users.json", dev.rcpat.local.Json.MAPPER.writeValueAsString(exported().document()));
        RunningLocal.Result badPermissions = local.run("users", "import", "--file", users.toString(), "--permissions",
                csv.toString());
        assertEquals("bin/local: people.csv is not a mongoexport file: expected the output of mongoexport --collection"
                + " rocketchat_permissions, one JSON document per line (or a JSON array of documents, with --jsonArray)"
                + " in MongoDB Extended JSON\n", badPermissions.err(), "both files are read before anything is written");

        RunningLocal.Result missing = local.run("users", "import", "--file", dir.resolve("nope.json").toString());
        assertEquals(1, missing.code());
        assertEquals("bin/local: users import: no such file " + dir.resolve("nope.json") + "\n", missing.err());
        RunningLocal.Result noFile = local.run("users", "import");
        assertEquals(2, noFile.code());
        assertEquals("bin/local: users import: --file is required\n", noFile.err());
        RunningLocal.Result noStack = RunningLocal.run(RunningLocal.PROJECT.resolve("target/local-it/no-stack.json"),
                "users", "import", "--file", users.toString());
        assertEquals(BinLocalIT.NO_STACK, noStack.err());
    }
}
