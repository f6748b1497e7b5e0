package dev.rcpat.local.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcpat.auth.Secrets;
import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.local.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Instant;
import java.util.List;

import static dev.rcpat.local.rocketchat.RocketChatFixtures.*;
import static dev.rcpat.testing.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Rocket.Chat users documents (IUser) read into what this service keeps. */
class UserDocumentsTest {

    final UserDocuments documents = new UserDocuments(EXPORTED_AT.toEpochMilli(), 90, false);

    static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    static List<JsonNode> fixtureLines() throws Exception {
        return Files.readAllLines(users()).stream().limit(6).map(l -> json(l)).toList();
    }

    ImportedUser valid(JsonNode doc) throws BadDocument {
        return assertInstanceOf(UserDocuments.Valid.class, documents.parse(new Location(1, 0), doc)).user();
    }

    String bad(JsonNode doc) {
        return assertThrows(BadDocument.class, () -> documents.parse(new Location(1, 0), doc)).getMessage();
    }

    @Test
    void adaCarriesHerProfilePasswordTokensAndNotHerExpiredLoginToken() throws Exception {
        ImportedUser ada = valid(fixtureLines().get(0));
        assertEquals(ADA_ID, ada.id());
        assertEquals("ada", ada.username());
        assertEquals("Ada Lovelace", ada.name());
        assertEquals(true, ada.active());
        assertEquals(List.of("admin", "user"), ada.roles());
        assertEquals(List.of(new EmailAddress("ada@example.com", true)), ada.emails());
        assertEquals(ADA_BCRYPT, ada.passwordBcrypt());
        assertNull(ada.totpSecret());
        assertEquals(false, ada.email2faEnabled());
        assertEquals(List.of(StoredToken.loginToken(Secrets.hashToken(ADA_LOGIN_FRESH), at("2026-11-28T07:45:12.331Z"))),
                ada.loginTokens(), "no remember fields, and not the expired token");
        assertEquals(new ImportedUser.LeftOut(1, 0), ada.leftOut());
        assertEquals(List.of(
                StoredToken.personalAccessToken("ci", Secrets.hashToken(ADA_CI), at("2026-02-01T12:00:00Z"), "4oZYEU", false, null),
                StoredToken.personalAccessToken("deploy", Secrets.hashToken(ADA_DEPLOY), at("2026-06-30T16:20:05.120Z"),
                        ADA_DEPLOY.substring(37), true, null)), ada.personalAccessTokens());
    }

    @Test
    void graceCarriesTotpWithHerHashedBackupCodes() throws Exception {
        ImportedUser grace = valid(fixtureLines().get(1));
        assertEquals(GRACE_TOTP_SECRET, grace.totpSecret());
        assertEquals(GRACE_BACKUP_CODES.stream().map(Secrets::sha256Hex).toList(), grace.totpHashedBackup());
        assertEquals(List.of("laptop"), grace.personalAccessTokens().stream().map(StoredToken::name).toList());
    }

    @Test
    void edsgerCarriesEmailTwoFactor() throws Exception {
        ImportedUser edsger = valid(fixtureLines().get(2));
        assertEquals(true, edsger.email2faEnabled());
        assertNull(edsger.totpSecret());
    }

    @Test
    void aBotWithoutTokensIsSkippedUnlessBotsAreIncluded() throws Exception {
        JsonNode cat = fixtureLines().get(3);
        assertEquals(new UserDocuments.Skipped(new Location(4, 0), "rocket.cat", UserDocuments.SkipReason.BOT_WITHOUT_TOKENS),
                documents.parse(new Location(4, 0), cat));
        ImportedUser included = assertInstanceOf(UserDocuments.Valid.class,
                new UserDocuments(EXPORTED_AT.toEpochMilli(), 90, true).parse(new Location(4, 0), cat)).user();
        assertEquals(List.of("bot"), included.roles());
        ImportedUser buildBot = valid(fixtureLines().get(4));
        assertNull(buildBot.passwordBcrypt());
        assertEquals(List.of(StoredToken.personalAccessToken("jenkins", Secrets.hashToken(BUILD_BOT_JENKINS),
                at("2026-03-03T03:03:03Z"), BUILD_BOT_JENKINS.substring(37), true, null)), buildBot.personalAccessTokens());
    }

    @Test
    void theCanonicalArrayReadsAsTheRelaxedLines() throws Exception {
        List<MongoExport.Entry> array = MongoExport.read(usersArrayCanonical(), "users");
        List<JsonNode> lines = fixtureLines();
        for (int i = 0; i < array.size(); i++) {
            UserDocuments.Parsed fromArray = documents.parse(new Location(1, 0), array.get(i).document());
            UserDocuments.Parsed fromLine = documents.parse(new Location(1, 0), lines.get(i));
            assertEquals(fromLine, fromArray, "document " + (i + 1));
        }
    }

    @Test
    void aUserWithoutUsernameIsSkippedAndOneWithoutActiveIsInactive() throws Exception {
        assertEquals(new UserDocuments.Skipped(new Location(1, 0), "x", UserDocuments.SkipReason.NO_USERNAME),
                documents.parse(new Location(1, 0), json("{\"_id\":\"x\",\"type\":\"user\",\"active\":true}")));
        assertEquals(false, valid(json("{\"_id\":\"x\",\"username\":\"x\"}")).active(),
                "Rocket.Chat lets in only users whose active is true");
    }

    @Test
    void onlyTheNewestFiftyUnexpiredLoginTokensAreCarried() throws Exception {
        ObjectNode doc = (ObjectNode) json("{\"_id\":\"x\",\"username\":\"x\",\"active\":true}");
        ArrayNode tokens = doc.putObject("services").putObject("resume").putArray("loginTokens");
        for (int i = 0; i < 60; i++) {
            tokens.addObject().put("hashedToken", Secrets.hashToken("t" + i))
                    .putObject("when").put("$date", EXPORTED_AT.minusSeconds(3600L * (i + 1)).toString());
        }
        ImportedUser user = valid(doc);
        assertEquals(50, user.loginTokens().size());
        assertEquals(Secrets.hashToken("t0"), user.loginTokens().get(0).hashedToken(), "newest first");
        assertEquals(new ImportedUser.LeftOut(0, 10), user.leftOut());
    }

    @Test
    void aDocumentThatCannotBeImportedSaysWhichFieldAndWhyNeverWithItsValue() {
        String hash = "\"" + Secrets.hashToken("x") + "\"";
        String when = "{\"$date\":\"2026-11-30T00:00:00Z\"}";
        List<String[]> cases = List.of(
                new String[] {"{\"username\":\"x\"}", "no _id"},
                new String[] {"{\"_id\":\"\",\"username\":\"x\"}", "_id is empty or longer than 1024 bytes"},
                new String[] {"{\"_id\":7,\"username\":\"x\"}", "_id is not a string or an ObjectId"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"password\":{\"bcrypt\":\"secret-ish\"}}}",
                        "services.password.bcrypt is not a bcrypt hash"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"totp\":{\"enabled\":true,\"hashedBackup\":[]}}}",
                        "services.totp.enabled is true but services.totp.secret is missing"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"totp\":{\"enabled\":true,\"secret\":\"18=A\"}}}",
                        "services.totp.secret is not base32"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"totp\":{\"enabled\":true,\"secret\":\"JBSWY3DP\","
                        + "\"hashedBackup\":[\"abc\"]}}}", "services.totp.hashedBackup[0] is not a hex SHA-256"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"resume\":{\"loginTokens\":[{\"when\":" + when + "}]}}}",
                        "services.resume.loginTokens[0].hashedToken is missing"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"resume\":{\"loginTokens\":[{\"when\":" + when
                        + ",\"hashedToken\":\"plain-token\"}]}}}", "services.resume.loginTokens[0].hashedToken is not a base64 SHA-256"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"resume\":{\"loginTokens\":[{\"hashedToken\":" + hash + "}]}}}",
                        "services.resume.loginTokens[0].when is missing"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"resume\":{\"loginTokens\":[{\"hashedToken\":" + hash
                        + ",\"when\":" + when + "},{\"hashedToken\":" + hash + ",\"when\":" + when + "}]}}}",
                        "services.resume.loginTokens[1] has the same hashedToken as an earlier token"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"resume\":{\"loginTokens\":[{\"hashedToken\":" + hash
                        + ",\"type\":\"personalAccessToken\",\"name\":\"ci\"}]}}}",
                        "services.resume.loginTokens[0].createdAt is missing"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"resume\":{\"loginTokens\":[{\"hashedToken\":" + hash
                        + ",\"type\":\"personalAccessToken\",\"name\":\"c\\u202ei\",\"createdAt\":" + when + "}]}}}",
                        "services.resume.loginTokens[0].name must not contain control characters"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"resume\":{\"loginTokens\":[{\"hashedToken\":" + hash
                        + ",\"type\":\"personalAccessToken\",\"name\":\"caf\\u00e9\",\"createdAt\":" + when + "},{\"hashedToken\":\""
                        + Secrets.hashToken("y") + "\",\"type\":\"personalAccessToken\",\"name\":\"cafe\\u0301\",\"createdAt\":" + when + "}]}}}",
                        "services.resume.loginTokens[1].name is the name of an earlier personal access token"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"resume\":{\"loginTokens\":[{\"hashedToken\":" + hash
                        + ",\"type\":\"oauth\"}]}}}",
                        "services.resume.loginTokens[0].type is neither absent (a login token) nor \"personalAccessToken\""},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"resume\":[]}}", "services.resume is not an object"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"emails\":[{\"verified\":true}]}", "emails[0].address is missing"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"roles\":[\"user\",1]}", "roles[1] is not a string"},
                new String[] {"{\"_id\":\"x\",\"username\":\"x\",\"active\":\"yes\"}", "active is not true or false"});
        for (String[] c : cases) {
            assertEquals(c[1], bad(json(c[0])), c[0]);
        }
    }

    @Test
    void moreThanAHundredPersonalAccessTokensAreRefused() {
        ObjectNode doc = (ObjectNode) json("{\"_id\":\"x\",\"username\":\"x\",\"active\":true}");
        ArrayNode tokens = doc.putObject("services").putObject("resume").putArray("loginTokens");
        for (int i = 0; i < 101; i++) {
            tokens.addObject().put("hashedToken", Secrets.hashToken("t" + i)).put("type", "personalAccessToken")
                    .put("name", "t" + i).putObject("createdAt").put("$date", "2026-01-01T00:00:00Z");
        }
        assertEquals("has 101 personal access tokens; a user here has at most 100 (remove some in Rocket.Chat and export again)",
                bad(doc));
    }

    @Test
    void tokenNamesAreKeptInNfcAsTheEndpointsCompareThem() throws Exception {
        JsonNode doc = Json.MAPPER.readTree("{\"_id\":\"x\",\"username\":\"x\",\"services\":{\"resume\":{\"loginTokens\":["
                + "{\"hashedToken\":\"" + Secrets.hashToken("x") + "\",\"type\":\"personalAccessToken\",\"name\":\"cafe\\u0301\","
                + "\"createdAt\":{\"$date\":\"2026-01-01T00:00:00Z\"},\"lastTokenPart\":\"abcdef\"}]}}}");
        assertEquals("caf\u00e9", valid(doc).personalAccessTokens().get(0).name());
    }
}
