package dev.rcpat.log;

import dev.rcpat.domain.Client;
import dev.rcpat.json.JsonCodec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The structured log: one JSON line per request, and one audit line per token created,
 * regenerated or removed. Only ids, names, counts and the last six characters of a token are
 * ever written; never a token, hash, code, secret or password. Text a client chose (user agent,
 * token name, method) is cut to {@link #MAX_CLIENT_TEXT} characters, and lines are pure ASCII
 * (other characters escaped), so a viewer cannot be made to show a spoofed or split line.
 */
public final class RequestLog {

    static final int MAX_CLIENT_TEXT = 200;

    /** What the request line records. */
    public record Request(String route, String method, int status, long latencyMs, String userId, String errorType,
                          int dynamoDbCalls, int sesCalls, String requestId, String cause) { }

    private final Consumer<String> sink;

    public RequestLog(Consumer<String> sink) {
        this.sink = sink;
    }

    public static RequestLog toStandardOut() {
        return new RequestLog(System.out::println);
    }

    public void request(Request r) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("log", "request");
        line.put("route", bounded(r.route()));
        line.put("method", bounded(r.method()));
        line.put("status", r.status());
        line.put("latencyMs", r.latencyMs());
        line.put("userId", bounded(r.userId()));
        line.put("errorType", r.errorType());
        line.put("dynamodbCalls", r.dynamoDbCalls());
        line.put("sesCalls", r.sesCalls());
        line.put("requestId", bounded(r.requestId()));
        if (r.cause() != null) {
            line.put("cause", r.cause());
        }
        sink.accept(JsonCodec.writeAscii(line));
    }

    /** An audit event: {@code action} is created, regenerated or removed. */
    public void audit(String action, String userId, String tokenName, String lastTokenPart, Client client) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("log", "audit");
        line.put("action", action);
        line.put("userId", bounded(userId));
        line.put("tokenName", bounded(tokenName));
        line.put("lastTokenPart", lastTokenPart);
        line.put("sourceIp", bounded(client.sourceIp()));
        line.put("userAgent", bounded(client.userAgent()));
        line.put("requestId", bounded(client.requestId()));
        sink.accept(JsonCodec.writeAscii(line));
    }

    /** At most {@link #MAX_CLIENT_TEXT} characters, never half a surrogate pair. */
    static String bounded(String text) {
        if (text == null || text.length() <= MAX_CLIENT_TEXT) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_CLIENT_TEXT - 1)) ? MAX_CLIENT_TEXT - 1 : MAX_CLIENT_TEXT;
        return text.substring(0, end) + "...";
    }
}
