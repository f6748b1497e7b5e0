package dev.rcpat.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.domain.Refusal;
import dev.rcpat.json.JsonCodec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every answer's status, headers and body, in Rocket.Chat's exact shapes (docs/compatibility.md,
 * "Responses and errors"). The one place where refusals become HTTP.
 */
public final class Responses {

    /**
     * Rocket.Chat's JSON headers, and ours: a response holding a token must never sit in a cache,
     * nor be read as anything but JSON.
     */
    public static final Map<String, String> HEADERS = Map.of(
            "Content-Type", "application/json",
            "Cache-Control", "no-store",
            "Pragma", "no-cache",
            "X-Content-Type-Options", "nosniff");

    /** A status, the headers and the body to send. */
    public record Answer(int status, Map<String, String> headers, Map<String, Object> body) {

        public Answer(int status, Map<String, Object> body) {
            this(status, HEADERS, body);
        }

        public Answer {
            headers = Map.copyOf(headers);
        }

        /** This answer with {@code more} headers besides the JSON ones (the rate limit's). */
        public Answer withHeaders(Map<String, String> more) {
            if (more.isEmpty()) {
                return this;
            }
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.putAll(more);
            return new Answer(status, all, body);
        }

        public APIGatewayProxyResponseEvent toEvent() {
            return new APIGatewayProxyResponseEvent()
                    .withStatusCode(status)
                    .withHeaders(headers)
                    .withBody(JsonCodec.write(body));
        }
    }

    private Responses() { }

    public static Answer success(Map<String, Object> result) {
        Map<String, Object> body = new LinkedHashMap<>(result);
        body.put("success", true);
        return new Answer(200, body);
    }

    /** A success whose body Rocket.Chat sends as is, without {@code "success"} (logout). */
    public static Answer successAsIs(Map<String, Object> result) {
        return new Answer(200, result);
    }

    public static Answer notFound() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", "Resource not found");
        return new Answer(404, body);
    }

    public static Answer refused(Refusal refusal) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        return switch (refusal.kind()) {
            case NOT_LOGGED_IN -> {
                body.put("error", refusal.reason());
                body.put("status", "error");
                body.put("message", refusal.reason());
                yield new Answer(401, body);
            }
            case FORBIDDEN -> {
                body.put("error", refusal.reason() + " [" + refusal.errorType() + "]");
                yield new Answer(403, body);
            }
            case TOO_MANY_REQUESTS -> {
                // Rocket.Chat's tooManyRequests(message): no errorType, no details.
                body.put("error", refusal.reason() + " [" + refusal.errorType() + "]");
                yield new Answer(429, body);
            }
            case FAILURE -> {
                body.put("error", refusal.reason());
                yield new Answer(400, body);
            }
            case REJECTED -> new Answer(400, withErrorType(body, refusal));
            case CONFLICT -> new Answer(409, withErrorType(body, refusal));
            case TOO_LARGE -> new Answer(413, withErrorType(body, refusal));
            case UNAVAILABLE -> new Answer(503, withErrorType(body, refusal));
            case LOGIN_REFUSED -> {
                body.put("error", refusal.errorType());
                body.put("status", "error");
                if (!refusal.details().isEmpty()) {
                    body.put("details", refusal.details());
                }
                body.put("message", refusal.reason());
                yield new Answer(401, body);
            }
        };
    }

    /** {"success":false,"error":"R [E]","errorType":"E","details":D}; details left out when empty. */
    private static Map<String, Object> withErrorType(Map<String, Object> body, Refusal refusal) {
        body.put("error", refusal.reason() + " [" + refusal.errorType() + "]");
        body.put("errorType", refusal.errorType());
        if (!refusal.details().isEmpty()) {
            body.put("details", refusal.details());
        }
        return body;
    }
}
