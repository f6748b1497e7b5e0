package dev.rcpat.domain;

import java.util.Map;

/**
 * Why a request is not served, in Rocket.Chat's terms: the kind of answer, and for a rejection
 * its {@code errorType}, reason and details. The use cases throw it; the HTTP adapter alone turns
 * it into a status and a body (docs/compatibility.md, "Responses and errors").
 */
public final class Refusal extends Exception {

    public enum Kind {
        /** No valid credentials. */
        NOT_LOGGED_IN,
        /** Rocket.Chat's {@code error-unauthorized}: the caller lacks a permission the route requires. */
        FORBIDDEN,
        /** A plain message without an error type. */
        FAILURE,
        /** A domain error: {@code errorType}, reason and optional details. */
        REJECTED,
        /** Ours: a concurrent change that no rule explains; the caller may try again. */
        CONFLICT,
        /** Ours: the request body is over the size limit. */
        TOO_LARGE,
        /** Rocket.Chat's {@code error-too-many-requests}: the client is over the rate limit. */
        TOO_MANY_REQUESTS,
        /** Ours: a dependency (DynamoDB, SES) failed. */
        UNAVAILABLE,
        /** A refused login: Rocket.Chat answers these 401 in its login envelope. */
        LOGIN_REFUSED
    }

    public static final String INVALID_PARAMS = "invalid-params";

    private final Kind kind;
    private final String errorType;
    private final String reason;
    private final Map<String, Object> details;
    private final Dependency failedDependency;

    private Refusal(Kind kind, String errorType, String reason, Map<String, Object> details, Throwable cause) {
        this(kind, errorType, reason, details, null, cause);
    }

    private Refusal(Kind kind, String errorType, String reason, Map<String, Object> details,
                    Dependency failedDependency, Throwable cause) {
        super(errorType != null ? errorType : kind.name(), cause, false, false);
        this.kind = kind;
        this.errorType = errorType;
        this.reason = reason;
        this.details = details == null ? Map.of() : details;
        this.failedDependency = failedDependency;
    }

    public static Refusal notLoggedIn() {
        return new Refusal(Kind.NOT_LOGGED_IN, "unauthorized", "You must be logged in to do this.", null, null);
    }

    public static Refusal forbidden() {
        return new Refusal(Kind.FORBIDDEN, "error-unauthorized",
                "User does not have the permissions required for this action", null, null);
    }

    public static Refusal failure(String message) {
        return new Refusal(Kind.FAILURE, null, message, null, null);
    }

    public static Refusal rejected(String errorType, String reason, Map<String, Object> details) {
        return new Refusal(Kind.REJECTED, errorType, reason, details, null);
    }

    public static Refusal invalidParams(String what) {
        return rejected(INVALID_PARAMS, what, null);
    }

    public static Refusal conflict() {
        return new Refusal(Kind.CONFLICT, "error-conflict", "The request conflicted with a concurrent change, try again",
                null, null);
    }

    public static Refusal tooLarge(int limitBytes) {
        return new Refusal(Kind.TOO_LARGE, "error-payload-too-large",
                "The request body is larger than " + limitBytes + " bytes", null, null);
    }

    /** A login refused with {@code error} and {@code message} (and the second factor's details, if any). */
    public static Refusal loginRefused(String error, String message, Map<String, Object> details) {
        return new Refusal(Kind.LOGIN_REFUSED, error, message, details, null);
    }

    /** The same refusal in the login envelope (a second factor challenged at login). */
    public Refusal atLogin() {
        return kind == Kind.REJECTED ? loginRefused(errorType, reason, details) : this;
    }

    /** Rocket.Chat's words, with the whole seconds until the window resets. */
    public static Refusal tooManyRequests(long secondsToWait) {
        return new Refusal(Kind.TOO_MANY_REQUESTS, "error-too-many-requests",
                "Error, too many requests. Please slow down. You must wait " + secondsToWait
                        + " seconds before trying this endpoint again.", null, null);
    }

    /** A 503; {@code failed} is the dependency that failed, or null when none did (a bug). */
    public static Refusal unavailable(String message, Dependency failed, Throwable cause) {
        return new Refusal(Kind.UNAVAILABLE, "error-service-unavailable", message, null, failed, cause);
    }

    public Kind kind() {
        return kind;
    }

    /** Null for {@link Kind#FAILURE}. */
    public String errorType() {
        return errorType;
    }

    public String reason() {
        return reason;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** For {@link Kind#UNAVAILABLE}: the dependency that failed; null otherwise, and for a bug. */
    public Dependency failedDependency() {
        return failedDependency;
    }
}
