package dev.rcpat.local.rocketchat;

import dev.rcpat.local.CliException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The two forms of a mongoexport file, where each document is, and what is not a mongoexport. */
class MongoExportTest {

    static final String NOT_AN_EXPORT = "users.json is not a mongoexport file: expected the output of mongoexport"
            + " --collection users, one JSON document per line (or a JSON array of documents, with --jsonArray)"
            + " in MongoDB Extended JSON";

    @TempDir
    Path dir;

    Path file(String content) throws IOException {
        Path f = dir.resolve("users.json");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    static String where(MongoExport.Entry e) {
        return e.at() + (e.problem() == null ? " " + e.document().get("_id").asText() : ": " + e.problem());
    }

    static List<String> read(Path f) throws CliException {
        return MongoExport.read(f, "users").stream().map(MongoExportTest::where).toList();
    }

    @Test
    void oneDocumentPerLineKeepsLineNumbersAndReportsBadLinesAlone() throws Exception {
        Path f = file("{\"_id\":\"a\"}\n\n{\"_id\":\"b\",\"name\":\"trunc\n[1,2]\r\n{\"_id\":\"c\"} {\"_id\":\"d\"}\n"
                + "{\"_id\":\"e\",\"_id\":\"f\"}\n{\"_id\":\"g\"}");
        assertEquals(List.of("line 1 a", "line 3: not valid JSON (column 25)", "line 4: not a JSON object",
                "line 5: not valid JSON (column 13)", "line 6: not valid JSON (column 17)", "line 7 g"), read(f));
    }

    @Test
    void aJsonArrayOnOneLineAsMongoexportWritesItNumbersTheDocuments() throws Exception {
        assertEquals(List.of("line 1, document 1 a", "line 1, document 2: not a JSON object", "line 1, document 3 c"),
                read(file("[{\"_id\":\"a\"},\"x\",{\"_id\":\"c\"}]\n")));
        assertEquals(List.of("line 2, document 1 a", "line 3, document 2 b"),
                read(file("[\n{\"_id\":\"a\"},\n{\"_id\":\"b\"}\n]")));
        assertEquals(List.of(), read(file("[]\n")), "an export of an empty collection");
    }

    @Test
    void theCanonicalArrayFixtureHoldsFiveDocumentsOnLineOne() throws Exception {
        assertEquals(List.of("line 1, document 1 " + RocketChatFixtures.ADA_ID, "line 1, document 2 " + RocketChatFixtures.GRACE_ID,
                        "line 1, document 3 " + RocketChatFixtures.EDSGER_ID, "line 1, document 4 rocket.cat",
                        "line 1, document 5 " + RocketChatFixtures.BUILD_BOT_ID),
                read(RocketChatFixtures.usersArrayCanonical()));
    }

    @Test
    void anArrayThatIsNotValidJsonIsRefusedWhole() throws Exception {
        assertEquals("users.json, line 2: not valid JSON (column 11); a --jsonArray export must be valid JSON as a whole,"
                        + " so nothing was imported",
                assertThrows(CliException.class, () -> read(file("[{\"_id\":\"a\"},\n{\"_id\":\"b\"]"))).getMessage());
        assertEquals("users.json ends before its array is closed: a --jsonArray export must be valid JSON as a whole;"
                        + " nothing was imported",
                assertThrows(CliException.class, () -> read(file("[{\"_id\":\"a\"},"))).getMessage());
        assertEquals("users.json, line 1: text after the closing bracket of the array; nothing was imported",
                assertThrows(CliException.class, () -> read(file("[{\"_id\":\"a\"}] {\"_id\":\"b\"}"))).getMessage());
    }

    @Test
    void whatIsNotAMongoexportGetsOneSentence() throws Exception {
        for (String content : List.of("", "   \n", "_id,username\nabc,ada\n", "{\n  \"_id\": \"a\"\n}\n", "not json",
                "{\"_id\"", "\"just a string\"")) {
            Path f = file(content);
            assertEquals(NOT_AN_EXPORT, assertThrows(CliException.class, () -> read(f)).getMessage(), content);
        }
        Files.write(dir.resolve("users.json"), new byte[] {'{', (byte) 0xC3, '}'});
        assertEquals(NOT_AN_EXPORT, assertThrows(CliException.class, () -> read(dir.resolve("users.json"))).getMessage(),
                "not UTF-8");
    }

    @Test
    void aByteOrderMarkIsSkipped() throws Exception {
        assertEquals(List.of("line 1 a"), read(file("\uFEFF{\"_id\":\"a\"}\n")));
    }

    @Test
    void jacksonsMessagesWhichQuoteTheTextNeverReachTheReport() throws Exception {
        String hash = "$2b$10$yfwrhqdRWREpJskPZHkPeecXQ3svOBe1yQhBkZYlIWFQJ/n8uD4lO";
        List<MongoExport.Entry> entries = MongoExport.read(
                file("{\"_id\":\"a\"}\n{\"bcrypt\":" + hash + "}\n"), "users");
        assertEquals("not valid JSON (column 11)", entries.get(1).problem());
        assertNull(entries.get(1).document());
    }
}
