package dev.rcpat.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer other than success, with the exact status and body Rocket.Chat gives
 * (docs: ../shared/spec/rocketchat-compat.md section 2). Thrown anywhere in the pipeline and
 * rendered by it.
 */
public final class ApiError extends Exception {

    public static final String NOT_LOGGED_IN = "You must be logged in to do this.";

    private final int status;
    private final String errorType;
    private final Map<String, Object> body;

    private ApiError(int status, String errorType, Map<String, Object> body) {
        this(status, errorType, body, null);
    }

    private ApiError(int status, String errorType, Map<String, Object> body, Throwable cause) {
        super(errorType == null ? String.valueOf(body.get("error")) : errorType, cause, false, false);
        this.status = status;
        this.errorType = errorType;
        this.body = body;
    }

    /** 400 {"success":false,"error":"R [E]","errorType":"E","details":D}; details left out when empty. */
    public static ApiError domain(String errorType, String reason, Map<String, Object> details) {
        return domain(400, errorType, reason, details);
    }

    public static ApiError domain(int status, String errorType, String reason, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", reason + " [" + errorType + "]");
        body.put("errorType", errorType);
        if (details != null && !details.isEmpty()) {
            body.put("details", details);
        }
        return new ApiError(status, errorType, body);
    }

    /** 400 {"success":false,"error":"M"}. */
    public static ApiError failure(String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", message);
        return new ApiError(400, null, body);
    }

    public static ApiError unauthorized() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", NOT_LOGGED_IN);
        body.put("status", "error");
        body.put("message", NOT_LOGGED_IN);
        return new ApiError(401, "unauthorized", body);
    }

    /** 403, for endpoints (the list) where Rocket.Chat answers {@code error-unauthorized}. */
    public static ApiError forbidden() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", "User does not have the permissions required for this action [error-unauthorized]");
        return new ApiError(403, "error-unauthorized", body);
    }

    public static ApiError invalidParams(String what) {
        return domain("invalid-params", what, null);
    }

    public static ApiError tooLarge(int limit) {
        return domain(413, "error-payload-too-large", "The request body is larger than " + limit + " bytes", null);
    }

    public static ApiError serviceUnavailable(String message) {
        return domain(503, "error-service-unavailable", message, null);
    }

    /** A 503 whose {@code cause} (the dependency's failure) the request log names. */
    public static ApiError serviceUnavailable(String message, Throwable cause) {
        ApiError error = serviceUnavailable(message);
        return new ApiError(error.status, error.errorType, error.body, cause);
    }

    public int status() {
        return status;
    }

    /** The errorType for logs ("unauthorized" for 401 bodies, which carry none). */
    public String errorType() {
        return errorType;
    }

    public Map<String, Object> body() {
        return body;
    }
}
