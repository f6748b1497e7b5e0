package dev.rcpat.core;

import dev.rcpat.domain.Client;
import dev.rcpat.domain.Refusal;
import dev.rcpat.store.StoreUnavailableException;

import java.util.Map;

/**
 * An endpoint that needs no login (Rocket.Chat's {@code authRequired: false}): it finds the user
 * itself, if any, and does its own reads and writes.
 */
@FunctionalInterface
public interface PublicEndpoint<I> {

    /** The body to answer, and the user the request turned out to be about (null if none), for the log. */
    record Answer(String userId, Map<String, Object> body) { }

    Answer handle(I input, Client client, long now) throws Refusal, StoreUnavailableException;
}
