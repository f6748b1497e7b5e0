package dev.rcpat.entrypoints;

import dev.rcpat.Services;
import dev.rcpat.tokens.RemoveToken;

/** {@code POST /api/v1/users.removePersonalAccessToken}. */
public final class RemoveTokenHandler extends RouteHandler {

    public RemoveTokenHandler() {
        this(Services.fromEnvironment());
    }

    public RemoveTokenHandler(Services services) {
        super(services.pipeline(), new RemoveToken().route());
    }
}
