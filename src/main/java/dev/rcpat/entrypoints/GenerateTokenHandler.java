package dev.rcpat.entrypoints;

import dev.rcpat.Services;
import dev.rcpat.tokens.GenerateToken;

/** {@code POST /api/v1/users.generatePersonalAccessToken}. */
public final class GenerateTokenHandler extends RouteHandler {

    public GenerateTokenHandler() {
        this(Services.fromEnvironment());
    }

    public GenerateTokenHandler(Services services) {
        super(services.pipeline(), new GenerateToken(services.tokens()).route());
    }
}
