package dev.rcpat.session;

import dev.rcpat.core.AuthenticatedRequest;
import dev.rcpat.core.Endpoint;
import dev.rcpat.core.Outcome;

/** {@code GET /api/v1/me}: the caller, the same whether it came with a login token or a personal access token. */
public final class Me implements Endpoint<Void> {

    @Override
    public Outcome handle(AuthenticatedRequest request, Void noInput) {
        return Outcome.answer(UserInfo.of(request.user()));
    }
}
