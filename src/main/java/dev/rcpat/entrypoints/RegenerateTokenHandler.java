package dev.rcpat.entrypoints;

import dev.rcpat.Services;
import dev.rcpat.tokens.RegenerateToken;

/** {@code POST /api/v1/users.regeneratePersonalAccessToken}. */
public final class RegenerateTokenHandler extends RouteHandler {

    public RegenerateTokenHandler() {
        this(Services.fromEnvironment());
    }

    public RegenerateTokenHandler(Services services) {
        super(services.pipeline(), new RegenerateToken(services.tokens()).route());
    }
}
