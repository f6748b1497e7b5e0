package dev.rcpat.tokens;

import dev.rcpat.core.AuthenticatedRequest;
import dev.rcpat.core.Endpoint;
import dev.rcpat.core.Outcome;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.store.UserWrite;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/users.removePersonalAccessToken}: the permission is checked before the
 * name's existence, as Rocket.Chat does; the removed token stops authenticating with the write.
 */
public final class RemoveToken implements Endpoint<TokenNameInput> {

    static final String METHOD = "personalAccessTokens:removeToken";

    @Override
    public Outcome handle(AuthenticatedRequest request, TokenNameInput input) throws Refusal {
        String name = input.name();
        if (!request.permitted()) {
            throw TokenErrors.notAuthorized(METHOD);
        }
        StoredToken removed = request.user().personalAccessTokens().get(name);
        if (removed == null) {
            throw TokenErrors.doesNotExist(METHOD);
        }
        return new Outcome.Change(List.of(new UserWrite.RemovePersonalAccessToken(name)), name, fresh -> {
            if (!fresh.personalAccessTokens().containsKey(name)) {
                throw TokenErrors.doesNotExist(METHOD);
            }
        }, Map.of(), List.of(new Outcome.Audit(TokenChange.REMOVED, removed)));
    }
}
