package dev.rcpat.entrypoints;

import dev.rcpat.Services;
import dev.rcpat.tokens.ListTokens;

/** {@code GET /api/v1/users.getPersonalAccessTokens}. */
public final class ListTokensHandler extends RouteHandler {

    public ListTokensHandler() {
        this(Services.fromEnvironment());
    }

    public ListTokensHandler(Services services) {
        super(services.pipeline(), new ListTokens().route());
    }
}
