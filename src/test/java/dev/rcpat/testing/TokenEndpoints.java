package dev.rcpat.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.CompositionRoot;
import dev.rcpat.domain.IsoTime;
import dev.rcpat.auth.Secrets;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.LastTokenPart;
import dev.rcpat.domain.User;
import dev.rcpat.entrypoints.ApiHandler;
import dev.rcpat.http.Responses;
import dev.rcpat.store.UserWrite;
import dev.rcpat.tokens.TokenGenerator;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

import static dev.rcpat.testing.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The four token functions on one set of services, called as API Gateway calls them. */
public final class TokenEndpoints {

    public static final String GENERATE = "/api/v1/users.generatePersonalAccessToken";
    public static final String REGENERATE = "/api/v1/users.regeneratePersonalAccessToken";
    public static final String REMOVE = "/api/v1/users.removePersonalAccessToken";
    public static final String LIST = "/api/v1/users.getPersonalAccessTokens";
    public static final String UNAUTHORIZED = "{\"success\":false,\"error\":\"You must be logged in to do this.\","
            + "\"status\":\"error\",\"message\":\"You must be logged in to do this.\"}";
    public static final String FORBIDDEN = "{\"success\":false,\"error\":\"User does not have the permissions required"
            + " for this action [error-unauthorized]\"}";

    public static final String NAME_REQUIRED = "{\"success\":false,\"error\":\"The 'tokenName' param is required\"}";
    /** Bodies without a usable token name: every token endpoint answers each with {@link #NAME_REQUIRED}. */
    public static final List<String> NAMELESS_BODIES = List.of("{}", "{\"tokenName\":null}", "{\"tokenName\":\"\"}", "");

    public final CompositionRoot services;
    private final ApiHandler handler;

    public TokenEndpoints(CompositionRoot services) {
        this.services = services;
        this.handler = new ApiHandler(services);
    }

    public Api.Response generate(Map<String, String> headers, String body) {
        return Api.call(e -> handler.handleRequest(e, null), Api.post(GENERATE, headers, body));
    }

    public Api.Response regenerate(Map<String, String> headers, String body) {
        return Api.call(e -> handler.handleRequest(e, null), Api.post(REGENERATE, headers, body));
    }

    public Api.Response remove(Map<String, String> headers, String body) {
        return Api.call(e -> handler.handleRequest(e, null), Api.post(REMOVE, headers, body));
    }

    public Api.Response list(Map<String, String> headers) {
        return Api.call(e -> handler.handleRequest(e, null), Api.get(LIST, headers));
    }

    /** A list request that carries a body anyway (HTTP gives a GET body no meaning). */
    public Api.Response list(Map<String, String> headers, String body) {
        return Api.call(e -> handler.handleRequest(e, null), Api.get(LIST, headers).withBody(body));
    }

    /** Whether {@code token} authenticates {@code userId} (a list call: read-only, no second factor). */
    public boolean authenticates(String userId, String token) {
        int status = list(Api.auth(userId, token)).status();
        if (status != 200 && status != 401) {
            throw new AssertionError("list answered " + status);
        }
        return status == 200;
    }

    /** The {@code tokens} array of a successful list call. */
    public JsonNode tokens(Map<String, String> headers) {
        Api.Response r = list(headers);
        assertEquals(200, r.status(), r.raw());
        return r.body().get("tokens");
    }

    /**
     * Stores a PAT directly (for users whose second factor the generate call would challenge) and
     * returns its plaintext.
     */
    public String seedToken(String userId, String name, boolean bypassTwoFactor, long createdAt) {
        String token = LogCapture.secret(new TokenGenerator(new SecureRandom()).newToken());
        LogCapture.secret(Secrets.hashToken(token));
        StoredToken record = StoredToken.personalAccessToken(name, Secrets.hashToken(token), createdAt,
                LastTokenPart.of(token), bypassTwoFactor, null);
        try {
            services.store().apply(new UserWrite(userId).add(new UserWrite.AddPersonalAccessToken(record, User.MAX_PERSONAL_ACCESS_TOKENS)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return token;
    }

    public static String body(String tokenName) {
        return "{\"tokenName\":\"" + tokenName + "\"}";
    }

    public static void assertBody(String expected, Api.Response r) {
        assertEquals(json(expected), r.body(), r.raw());
        assertEquals(Responses.HEADERS, r.headers());
    }

    public static void assertStatusAndBody(int status, String expected, Api.Response r) {
        assertEquals(status, r.status(), r.raw());
        assertBody(expected, r);
    }

    /** The body of a 400 invalid-params answer. */
    public static String invalidParams(String message) {
        return "{\"success\":false,\"error\":\"" + message + " [invalid-params]\",\"errorType\":\"invalid-params\"}";
    }

    /** The body of a refused {@code personalAccessTokens:<method>} call by a user without the permission. */
    public static String notAuthorized(String method) {
        return "{\"success\":false,\"error\":\"Not Authorized [not-authorized]\",\"errorType\":\"not-authorized\","
                + "\"details\":{\"method\":\"personalAccessTokens:" + method + "\"}}";
    }

    /** The last request log line of {@code route} written since line {@code fromIndex}, parsed. */
    public static JsonNode requestLine(int fromIndex, String route) {
        List<String> lines = LogCapture.lines();
        return lines.subList(fromIndex, lines.size()).stream()
                .filter(l -> l.startsWith("{\"log\":\"request\"") && l.contains("\"route\":\"" + route + "\""))
                .map(Api::json)
                .reduce((a, b) -> b)
                .orElseThrow();
    }

    /** The audit lines written for {@code userId}, parsed, oldest first. */
    public static List<JsonNode> auditLines(String userId) {
        return LogCapture.lines().stream()
                .filter(l -> l.startsWith("{\"log\":\"audit\"") && l.contains(userId))
                .map(Api::json)
                .toList();
    }

    /**
     * An audit line of a request {@link Api} sent: who did what to which token, named by its last
     * part, with the client's address and agent; never the token itself.
     */
    public static void assertAuditLine(String action, String userId, String tokenName, String token, JsonNode line) {
        assertEquals(action, line.get("action").asText());
        assertEquals(userId, line.get("userId").asText());
        assertEquals(tokenName, line.get("tokenName").asText());
        assertEquals(LastTokenPart.of(token), line.get("lastTokenPart").asText());
        assertEquals("203.0.113.10", line.get("sourceIp").asText());
        assertEquals("rcpat-tests/1.0", line.get("userAgent").asText());
        assertTrue(line.hasNonNull("requestId"));
        assertFalse(line.toString().contains(token));
    }

    /** One entry of the list endpoint's {@code tokens} array, as JSON text. */
    public static String entry(String name, long createdAt, String token, boolean bypass) {
        return entry(name, createdAt, token, bypass, null);
    }

    public static String entry(String name, long createdAt, String token, boolean bypass, Long lastUsedAt) {
        return "{\"name\":\"" + name + "\",\"createdAt\":\"" + IsoTime.format(createdAt) + "\",\"lastTokenPart\":\""
                + LastTokenPart.of(token) + "\",\"bypassTwoFactor\":" + bypass
                + (lastUsedAt == null ? "" : ",\"lastUsedAt\":\"" + IsoTime.format(lastUsedAt) + "\"") + "}";
    }
}
