package dev.rcpat.tokens;

import dev.rcpat.domain.Refusal;

import java.util.Map;

/** The token endpoints' refusals, as Rocket.Chat words them; {@code method} names the Meteor method. */
final class TokenErrors {

    private TokenErrors() { }

    static Refusal notAuthorized(String method) {
        return Refusal.rejected("not-authorized", "Not Authorized", Map.of("method", method));
    }

    static Refusal alreadyExists(String method) {
        return Refusal.rejected("error-token-already-exists", "A token with this name already exists",
                Map.of("method", method));
    }

    static Refusal doesNotExist(String method) {
        return Refusal.rejected("error-token-does-not-exists", "Token does not exist", Map.of("method", method));
    }

    static Refusal limitReached() {
        return Refusal.rejected("error-token-limit-reached",
                "You have reached the maximum number of personal access tokens", null);
    }
}
