package dev.rcpat.core;

import dev.rcpat.domain.Refusal;

/**
 * One endpoint's rules: given the authenticated request and its typed input, it decides the
 * answer or the change to write, or refuses. It reads nothing and writes nothing itself.
 */
@FunctionalInterface
public interface Endpoint<I> {

    Outcome handle(AuthenticatedRequest request, I input) throws Refusal;
}
