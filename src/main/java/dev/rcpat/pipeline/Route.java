package dev.rcpat.pipeline;

import dev.rcpat.api.ApiError;
import dev.rcpat.store.StoreUnavailableException;

import java.util.Map;

/**
 * One endpoint: its name (as logged), the permission loaded with the user, whether it requires a
 * second factor, and its work.
 */
public record Route(String name, String permission, boolean requiresTwoFactor, Endpoint endpoint) {

    @FunctionalInterface
    public interface Endpoint {
        /** The success body without {@code "success"}, or throws the error to answer. */
        Map<String, Object> handle(Call call) throws ApiError, StoreUnavailableException;
    }
}
