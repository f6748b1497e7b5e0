package dev.rcpat.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.rcpat.testing.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code events/}: every file is a valid API Gateway REST proxy event, is documented in
 * events/README.md with the status its name carries, and {@code bin/local invoke} on it, in the
 * documented order against the running local stack, returns that status.
 */
@ExtendWith(LogSecretScan.class)
class EventsIT {

    static final Path EVENTS = RunningLocal.PROJECT.resolve("events");
    static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9-]+\\.json)` \\|[^|]*\\| (\\d{3}) \\|", Pattern.MULTILINE);

    /** File → status, in the README's order. */
    static Map<String, Integer> documented() throws IOException {
        Map<String, Integer> out = new LinkedHashMap<>();
        Matcher m = ROW.matcher(Files.readString(EVENTS.resolve("README.md")));
        while (m.find()) {
            out.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return out;
    }

    static Set<String> eventFiles() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && !n.equals("env.json"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everyEventIsDocumentedWithTheStatusInItsName() throws IOException {
        Map<String, Integer> doc = documented();
        assertEquals(eventFiles(), new TreeSet<>(doc.keySet()));
        doc.forEach((file, status) -> assertTrue(file.endsWith("-" + status + ".json"), file + " documents " + status));
        assertTrue(doc.size() >= 10, doc.toString());
    }

    @Test
    void everyEventIsAValidRestProxyEvent() throws IOException {
        Set<String> routes = new TreeSet<>();
        HandlerRoutes.declared(RunningLocal.PROJECT.resolve("template.yaml")).forEach(r -> routes.add(r.method() + " " + r.path()));
        for (String file : eventFiles()) {
            APIGatewayProxyRequestEvent e = EventLoader.loadApiGatewayRestEvent(EVENTS.resolve(file).toString());
            String what = file + ": ";
            assertNotNull(e, file);
            assertTrue(routes.contains(e.getHttpMethod() + " " + e.getPath()), what + e.getHttpMethod() + " " + e.getPath());
            assertEquals(e.getPath(), e.getResource(), what + "resource");
            assertEquals(Boolean.FALSE, e.getIsBase64Encoded(), what + "isBase64Encoded");
            assertNotNull(e.getHeaders(), what + "headers");
            assertNotNull(e.getMultiValueHeaders(), what + "multiValueHeaders");
            e.getHeaders().forEach((k, v) -> assertEquals(List.of(v), e.getMultiValueHeaders().get(k), what + k));
            var ctx = e.getRequestContext();
            assertNotNull(ctx, what + "requestContext");
            assertEquals("prod", ctx.getStage(), what + "stage");
            assertEquals(e.getHttpMethod(), ctx.getHttpMethod(), what + "requestContext.httpMethod");
            assertEquals(e.getResource(), ctx.getResourcePath(), what + "resourcePath");
            assertEquals("/prod" + e.getPath(), ctx.getPath(), what + "requestContext.path");
            assertNotNull(ctx.getRequestId(), what + "requestId");
            assertNotNull(ctx.getIdentity().getSourceIp(), what + "sourceIp");
            assertEquals(e.getHeaders().get("User-Agent"), ctx.getIdentity().getUserAgent(), what + "userAgent");
            if ("POST".equals(e.getHttpMethod())) {
                assertEquals("application/json", e.getHeaders().get("Content-Type"), what);
                json(e.getBody());
            } else {
                assertEquals(null, e.getBody(), what + "GET has no body");
            }
            // the raw file has the fields API Gateway always sends, null or not
            JsonNode raw = json(Files.readString(EVENTS.resolve(file)));
            for (String field : List.of("resource", "path", "httpMethod", "headers", "multiValueHeaders",
                    "queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables",
                    "requestContext", "body", "isBase64Encoded")) {
                assertTrue(raw.has(field), what + "no " + field);
            }
        }
    }

    /**
     * env.json for {@code sam local}: only its {@code Parameters} block, which SAM applies to every
     * function, naming what the functions need to reach what {@code bin/local serve} runs (its
     * tables, the two emulators, the sender address), each a variable the template declares
     * (SAM sets no other).
     */
    @Test
    @SuppressWarnings("unchecked")
    void envJsonGivesEveryFunctionTheLocalTablesAndEmulatorsThroughParameters() throws IOException {
        JsonNode env = json(Files.readString(EVENTS.resolve("env.json")));
        List<String> blocks = new ArrayList<>();
        env.fieldNames().forEachRemaining(blocks::add);
        assertEquals(List.of("Parameters"), blocks, "per-function blocks repeat Parameters, which SAM applies to all");

        Map<String, String> parameters = new TreeMap<>();
        env.get("Parameters").fields().forEachRemaining(e -> {
            assertTrue(e.getValue().isTextual(), e.getKey() + " is not a string");
            parameters.put(e.getKey(), e.getValue().asText());
        });
        Map<String, String> needed = Map.of(
                "USERS_TABLE", TemplateTables.localName(DevStack.TABLE_PREFIX, "UsersTable"),
                "PERMISSIONS_TABLE", TemplateTables.localName(DevStack.TABLE_PREFIX, "PermissionsTable"),
                "RATE_LIMIT_TABLE", TemplateTables.localName(DevStack.TABLE_PREFIX, "RateLimitTable"),
                "DYNAMODB_ENDPOINT", "http://host.docker.internal:" + DevStack.DEFAULT_DYNAMODB_PORT,
                "SES_ENDPOINT", "http://host.docker.internal:" + DevStack.DEFAULT_SES_PORT,
                "SENDER_ADDRESS", DevStack.LOCAL_SENDER);
        needed.forEach((name, value) -> assertEquals(value, parameters.get(name), "Parameters." + name));

        Map<String, Object> globals = (Map<String, Object>) CfnTemplate.load(RunningLocal.PROJECT.resolve("template.yaml"))
                .document().get("Globals");
        Map<String, Object> environment = (Map<String, Object>) ((Map<String, Object>) globals.get("Function")).get("Environment");
        Set<String> declared = ((Map<String, Object>) environment.get("Variables")).keySet();
        assertTrue(declared.containsAll(parameters.keySet()),
                "SAM ignores variables the template does not declare: " + parameters.keySet() + " vs " + declared);
    }

    /** {@code bin/local invoke} on every event, in the README's order, against one running local stack. */
    @Test
    void invokeOnEachEventReturnsTheDocumentedStatus() throws IOException {
        RunningLocal local = RunningLocal.get();
        List<String> wrong = new ArrayList<>();
        for (var e : documented().entrySet()) {
            RunningLocal.Result r = local.run("invoke", EVENTS.resolve(e.getKey()).toString());
            if (r.code() != 0) {
                wrong.add(e.getKey() + ": exit " + r.code() + " " + r.err().strip());
                continue;
            }
            JsonNode response = json(r.out());
            JsonNode body = json(response.get("body").asText());
            if (body.hasNonNull("token")) {
                LogCapture.secret(body.get("token").asText());
            }
            assertEquals("application/json", response.path("headers").path("Content-Type").asText(), e.getKey());
            if (response.get("statusCode").asInt() != e.getValue()) {
                wrong.add(e.getKey() + ": " + response.get("statusCode") + " " + body);
            }
        }
        assertEquals(List.of(), wrong);
    }
}
