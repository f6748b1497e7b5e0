package dev.rcpat.testing;

import dev.rcpat.CompositionRoot;
import dev.rcpat.entrypoints.ApiHandler;

import java.util.HashMap;
import java.util.Map;

/** Login, logout, me and sendEmailCode on one composition root, called as API Gateway calls them. */
public final class SessionEndpoints {

    public static final String LOGIN = "/api/v1/login";
    public static final String LOGOUT = "/api/v1/logout";
    public static final String ME = "/api/v1/me";
    public static final String SEND_EMAIL_CODE = "/api/v1/users.2fa.sendEmailCode";

    /** Rocket.Chat's answer to a wrong user or password, and to an unknown user, alike. */
    public static final String UNAUTHORIZED =
            "{\"success\":false,\"error\":\"Unauthorized\",\"status\":\"error\",\"message\":\"Unauthorized\"}";

    private final ApiHandler handler;

    public SessionEndpoints(CompositionRoot root) {
        this.handler = new ApiHandler(root);
    }

    public Api.Response login(String body) {
        return login(body, Map.of(), "203.0.113.10");
    }

    public Api.Response login(String body, Map<String, String> extraHeaders, String sourceIp) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.putIfAbsent("Content-Type", "application/json");
        Api.Response r = Api.call(e -> handler.handleRequest(e, null),
                Api.withSourceIp(Api.post(LOGIN, headers, body), sourceIp));
        String token = r.body().path("data").path("authToken").asText(null);
        if (token != null) {
            LogCapture.secret(token);
        }
        return r;
    }

    public Api.Response logout(Map<String, String> auth, String method) {
        return Api.call(e -> handler.handleRequest(e, null),
                method.equals("GET") ? Api.get(LOGOUT, auth) : Api.post(LOGOUT, auth, null));
    }

    public Api.Response me(Map<String, String> auth) {
        return Api.call(e -> handler.handleRequest(e, null), Api.get(ME, auth));
    }

    public Api.Response sendEmailCode(String body) {
        return Api.call(e -> handler.handleRequest(e, null),
                Api.post(SEND_EMAIL_CODE, Map.of("Content-Type", "application/json"), body));
    }
}
