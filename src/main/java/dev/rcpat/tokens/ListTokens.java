package dev.rcpat.tokens;

import dev.rcpat.api.ApiError;
import dev.rcpat.api.IsoTime;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.pipeline.Call;
import dev.rcpat.pipeline.Route;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/users.getPersonalAccessTokens} (spec section 9): no second factor; without
 * the permission 403 {@code error-unauthorized}. Tokens in creation order (a regenerated token
 * counts as created when regenerated, as in Rocket.Chat); never a hash. Ours: {@code lastUsedAt}
 * and {@code expiresAt} when set.
 */
public final class ListTokens implements Route.Endpoint {

    private static final Comparator<StoredToken> CREATION_ORDER =
            Comparator.comparingLong(StoredToken::createdAt).thenComparing(StoredToken::name);

    public Route route() {
        return new Route("users.getPersonalAccessTokens", GenerateToken.PERMISSION, false, this);
    }

    @Override
    public Map<String, Object> handle(Call call) throws ApiError {
        if (!call.hasPermission()) {
            throw ApiError.forbidden();
        }
        List<Map<String, Object>> tokens = call.user().personalAccessTokens().values().stream()
                .sorted(CREATION_ORDER)
                .map(ListTokens::entry)
                .toList();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tokens", tokens);
        return result;
    }

    private static Map<String, Object> entry(StoredToken t) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", t.name());
        e.put("createdAt", IsoTime.format(t.createdAt()));
        e.put("lastTokenPart", t.lastTokenPart());
        e.put("bypassTwoFactor", t.bypassTwoFactor());
        if (t.lastUsedAt() != null) {
            e.put("lastUsedAt", IsoTime.format(t.lastUsedAt()));
        }
        if (t.expiresAt() != null) {
            e.put("expiresAt", IsoTime.format(t.expiresAt()));
        }
        return e;
    }
}
