package dev.rcpat.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.Services;
import dev.rcpat.auth.Secrets;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.entrypoints.GenerateTokenHandler;
import dev.rcpat.entrypoints.ListTokensHandler;
import dev.rcpat.entrypoints.RegenerateTokenHandler;
import dev.rcpat.entrypoints.RemoveTokenHandler;
import dev.rcpat.store.UserWrite;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

import static dev.rcpat.testing.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The four token functions on one set of services, called as API Gateway calls them. */
final class TokenEndpoints {

    static final String GENERATE = "/api/v1/users.generatePersonalAccessToken";
    static final String REGENERATE = "/api/v1/users.regeneratePersonalAccessToken";
    static final String REMOVE = "/api/v1/users.removePersonalAccessToken";
    static final String LIST = "/api/v1/users.getPersonalAccessTokens";
    static final String UNAUTHORIZED = "{\"success\":false,\"error\":\"You must be logged in to do this.\","
            + "\"status\":\"error\",\"message\":\"You must be logged in to do this.\"}";

    final Services services;
    private final GenerateTokenHandler generate;
    private final RegenerateTokenHandler regenerate;
    private final RemoveTokenHandler remove;
    private final ListTokensHandler list;

    TokenEndpoints(Services services) {
        this.services = services;
        this.generate = new GenerateTokenHandler(services);
        this.regenerate = new RegenerateTokenHandler(services);
        this.remove = new RemoveTokenHandler(services);
        this.list = new ListTokensHandler(services);
    }

    Api.Response generate(Map<String, String> headers, String body) {
        return Api.call(e -> generate.handleRequest(e, null), Api.post(GENERATE, headers, body));
    }

    Api.Response regenerate(Map<String, String> headers, String body) {
        return Api.call(e -> regenerate.handleRequest(e, null), Api.post(REGENERATE, headers, body));
    }

    Api.Response remove(Map<String, String> headers, String body) {
        return Api.call(e -> remove.handleRequest(e, null), Api.post(REMOVE, headers, body));
    }

    Api.Response list(Map<String, String> headers) {
        return Api.call(e -> list.handleRequest(e, null), Api.get(LIST, headers));
    }

    /** Whether {@code token} authenticates {@code userId} (a list call: read-only, no second factor). */
    boolean authenticates(String userId, String token) {
        int status = list(Api.auth(userId, token)).status();
        if (status != 200 && status != 401) {
            throw new AssertionError("list answered " + status);
        }
        return status == 200;
    }

    /** The {@code tokens} array of a successful list call. */
    JsonNode tokens(Map<String, String> headers) {
        Api.Response r = list(headers);
        assertEquals(200, r.status(), r.raw());
        return r.body().get("tokens");
    }

    /**
     * Stores a PAT directly (for users whose second factor the generate call would challenge) and
     * returns its plaintext.
     */
    String seedToken(String userId, String name, boolean bypassTwoFactor, long createdAt) {
        String token = LogCapture.secret(new TokenGenerator(new SecureRandom()).newToken());
        LogCapture.secret(Secrets.hashToken(token));
        StoredToken record = StoredToken.personalAccessToken(name, Secrets.hashToken(token), createdAt,
                token.substring(37), bypassTwoFactor, null);
        try {
            services.store().apply(new UserWrite(userId).add(new UserWrite.AddPersonalAccessToken(record, 100)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return token;
    }

    static String body(String tokenName) {
        return "{\"tokenName\":\"" + tokenName + "\"}";
    }

    static void assertBody(String expected, Api.Response r) {
        assertEquals(json(expected), r.body(), r.raw());
        assertEquals(Map.of("Content-Type", "application/json"), r.headers());
    }

    static void assertStatusAndBody(int status, String expected, Api.Response r) {
        assertEquals(status, r.status(), r.raw());
        assertBody(expected, r);
    }

    /** The audit lines written for {@code userId}, parsed, oldest first. */
    static List<JsonNode> auditLines(String userId) {
        return LogCapture.lines().stream()
                .filter(l -> l.startsWith("{\"log\":\"audit\"") && l.contains(userId))
                .map(Api::json)
                .toList();
    }
}
