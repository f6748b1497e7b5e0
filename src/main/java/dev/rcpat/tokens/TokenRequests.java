package dev.rcpat.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcpat.api.ApiError;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Validation of the token endpoints' bodies, and their errors, as Rocket.Chat words them. */
final class TokenRequests {

    static final int MAX_NAME_LENGTH = 100;

    private TokenRequests() { }

    /**
     * {@code tokenName}: required (Rocket.Chat's message), a string of 1..100 chars without control
     * characters (ours), and well-formed: the name becomes a DynamoDB map key, and half a surrogate
     * pair there makes the stored item unreadable.
     */
    static String tokenName(ObjectNode body) throws ApiError {
        JsonNode node = body.get("tokenName");
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
            throw ApiError.failure("The 'tokenName' param is required");
        }
        if (!node.isTextual()) {
            throw ApiError.invalidParams("The 'tokenName' param must be a string");
        }
        String name = node.textValue();
        if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            throw ApiError.invalidParams("The 'tokenName' param must be at most " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw ApiError.invalidParams("The 'tokenName' param must not contain control characters");
            }
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(name)) {
            throw ApiError.invalidParams("The 'tokenName' param must be well-formed Unicode text");
        }
        return name;
    }

    /**
     * {@code bypassTwoFactor}: optional boolean, default false; a form, whose fields are all text,
     * gives it as {@code true} or {@code false}.
     */
    static boolean bypassTwoFactor(ObjectNode body, boolean formEncoded) throws ApiError {
        JsonNode node = body.get("bypassTwoFactor");
        if (node == null || node.isNull()) {
            return false;
        }
        if (formEncoded && node.isTextual() && (node.textValue().equals("true") || node.textValue().equals("false"))) {
            return node.textValue().equals("true");
        }
        if (!node.isBoolean()) {
            throw ApiError.invalidParams("The 'bypassTwoFactor' param must be a boolean");
        }
        return node.booleanValue();
    }

    static ApiError notAuthorized(String method) {
        return ApiError.domain("not-authorized", "Not Authorized", Map.of("method", method));
    }

    static ApiError alreadyExists(String method) {
        return ApiError.domain("error-token-already-exists", "A token with this name already exists", Map.of("method", method));
    }

    static ApiError doesNotExist(String method) {
        return ApiError.domain("error-token-does-not-exists", "Token does not exist", Map.of("method", method));
    }

    static ApiError limitReached() {
        return ApiError.domain("error-token-limit-reached",
                "You have reached the maximum number of personal access tokens", null);
    }
}
