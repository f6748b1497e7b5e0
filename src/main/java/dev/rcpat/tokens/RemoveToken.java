package dev.rcpat.tokens;

import dev.rcpat.api.ApiError;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.pipeline.Call;
import dev.rcpat.pipeline.Route;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserWrite;

import java.util.Map;

/**
 * {@code POST /api/v1/users.removePersonalAccessToken} (spec section 9): the permission is checked
 * before the name's existence, as Rocket.Chat does; the removed token stops authenticating with
 * the write.
 */
public final class RemoveToken implements Route.Endpoint {

    static final String METHOD = "personalAccessTokens:removeToken";

    public Route route() {
        return new Route("users.removePersonalAccessToken", GenerateToken.PERMISSION, true, this);
    }

    @Override
    public Map<String, Object> handle(Call call) throws ApiError, StoreUnavailableException {
        String name = TokenRequests.tokenName(call.body());
        if (!call.hasPermission()) {
            throw TokenRequests.notAuthorized(METHOD);
        }
        StoredToken removed = call.user().personalAccessTokens().get(name);
        if (removed == null) {
            throw TokenRequests.doesNotExist(METHOD);
        }

        UserWrite write = call.newWrite(name).add(new UserWrite.RemovePersonalAccessToken(name));
        TokenWrites.apply(call, write, fresh -> {
            if (!fresh.personalAccessTokens().containsKey(name)) {
                throw TokenRequests.doesNotExist(METHOD);
            }
        });
        TokenWrites.audit(call, "removed", removed);
        return Map.of();
    }
}
