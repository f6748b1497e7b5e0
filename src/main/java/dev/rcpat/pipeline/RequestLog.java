package dev.rcpat.pipeline;

import dev.rcpat.api.JsonCodec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The structured log: one JSON line per request, and one audit line per token created,
 * regenerated or removed. Only ids, names, counts and the last six characters of a token are
 * ever written; never a token, hash, code, secret or password.
 */
public final class RequestLog {

    private final Consumer<String> sink;

    public RequestLog(Consumer<String> sink) {
        this.sink = sink;
    }

    public static RequestLog toStandardOut() {
        return new RequestLog(System.out::println);
    }

    public void request(String route, String method, int status, long latencyMs, String userId, String errorType,
                        int dynamoDbCalls, int sesCalls, String requestId, String cause) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("log", "request");
        line.put("route", route);
        line.put("method", method);
        line.put("status", status);
        line.put("latencyMs", latencyMs);
        line.put("userId", userId);
        line.put("errorType", errorType);
        line.put("dynamodbCalls", dynamoDbCalls);
        line.put("sesCalls", sesCalls);
        line.put("requestId", requestId);
        if (cause != null) {
            line.put("cause", cause);
        }
        sink.accept(JsonCodec.write(line));
    }

    /** An audit event: {@code action} is created, regenerated or removed. */
    public void audit(String action, String userId, String tokenName, String lastTokenPart, String sourceIp,
                      String userAgent, String requestId) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("log", "audit");
        line.put("action", action);
        line.put("userId", userId);
        line.put("tokenName", tokenName);
        line.put("lastTokenPart", lastTokenPart);
        line.put("sourceIp", sourceIp);
        line.put("userAgent", userAgent);
        line.put("requestId", requestId);
        sink.accept(JsonCodec.write(line));
    }
}
