package dev.rcpat.local.rocketchat;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.rcpat.local.CliException;
import dev.rcpat.local.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The documents of one {@code mongoexport} file: one JSON document per line (its default), or one
 * JSON array of documents ({@code --jsonArray}). Each document keeps its {@link Location}, so that
 * problems can be reported where the operator will look for them.
 *
 * <p>A line that is not a JSON object is a problem of that line only. A file in which no line is a
 * document is not a mongoexport at all, and an array that is not valid JSON cannot be read past its
 * error: both refuse the whole file before anything is written.
 */
public final class MongoExport {

    /** One document, or (problem not null) a line or array element that should have been one. */
    public record Entry(Location at, JsonNode document, String problem) {

        static Entry document(Location at, JsonNode document) {
            return new Entry(at, document, null);
        }

        static Entry problem(Location at, String problem) {
            return new Entry(at, null, problem);
        }
    }

    private static final ObjectReader STRICT = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private MongoExport() { }

    /**
     * Reads {@code file}, an export of {@code collection}.
     *
     * @throws CliException when the file cannot be read or is not a mongoexport
     */
    public static List<Entry> read(Path file, String collection) throws CliException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw notAnExport(file, collection);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String start = text.stripLeading();
        List<Entry> entries;
        if (start.startsWith("[")) {
            entries = array(file, text);
        } else if (start.startsWith("{")) {
            entries = lines(text);
        } else {
            throw notAnExport(file, collection);
        }
        if (entries.stream().noneMatch(e -> e.document() != null)
                && !(start.startsWith("[") && entries.isEmpty())) {
            throw notAnExport(file, collection);
        }
        return entries;
    }

    static CliException notAnExport(Path file, String collection) {
        return new CliException(file.getFileName() + " is not a mongoexport file: expected the output of"
                + " mongoexport --collection " + collection + ", one JSON document per line (or a JSON array of"
                + " documents, with --jsonArray) in MongoDB Extended JSON");
    }

    private static List<Entry> lines(String text) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Location at = new Location(i + 1, 0);
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                JsonNode node = STRICT.readTree(lines[i]);
                entries.add(node.isObject() ? Entry.document(at, node) : Entry.problem(at, "not a JSON object"));
            } catch (JsonProcessingException e) {
                entries.add(Entry.problem(at, notJson(e.getLocation())));
            } catch (IOException e) {
                throw new IllegalStateException("reading a string cannot fail", e);
            }
        }
        return entries;
    }

    private static List<Entry> array(Path file, String text) throws CliException {
        List<Entry> entries = new ArrayList<>();
        try (JsonParser parser = STRICT.createParser(text)) {
            parser.nextToken(); // the opening bracket
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                Location at = new Location(parser.currentTokenLocation().getLineNr(), entries.size() + 1);
                JsonNode node = parser.readValueAsTree();
                entries.add(node != null && node.isObject() ? Entry.document(at, node)
                        : Entry.problem(at, "not a JSON object"));
            }
            if (parser.nextToken() != null) {
                throw new CliException(file.getFileName() + ", line " + parser.currentTokenLocation().getLineNr()
                        + ": text after the closing bracket of the array; nothing was imported");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            if (e instanceof JsonEOFException || (at != null && at.getCharOffset() >= text.stripTrailing().length())) {
                throw new CliException(file.getFileName() + " ends before its array is closed: a --jsonArray"
                        + " export must be valid JSON as a whole; nothing was imported");
            }
            throw new CliException(file.getFileName() + ", line " + (at == null ? "?" : at.getLineNr()) + ": "
                    + notJson(at) + "; a --jsonArray export must be valid JSON as a whole, so nothing was imported");
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
        return entries;
    }

    /** Jackson's own message quotes the text it stopped at, which may be part of a secret: only the column is told. */
    private static String notJson(JsonLocation at) {
        return at == null || at.getColumnNr() < 1 ? "not valid JSON" : "not valid JSON (column " + at.getColumnNr() + ")";
    }
}
