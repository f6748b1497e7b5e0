package dev.rcpat.tokens;

import dev.rcpat.core.AuthenticatedRequest;
import dev.rcpat.core.Endpoint;
import dev.rcpat.core.Outcome;
import dev.rcpat.domain.IsoTime;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/users.getPersonalAccessTokens}: no second factor; without the permission
 * 403 {@code error-unauthorized}. Tokens in creation order (a regenerated token counts as created
 * when regenerated, as in Rocket.Chat); never a hash. Ours: {@code lastUsedAt} and
 * {@code expiresAt} when set.
 */
public final class ListTokens implements Endpoint<Void> {

    private static final Comparator<StoredToken> CREATION_ORDER =
            Comparator.comparingLong(StoredToken::createdAt).thenComparing(StoredToken::name);

    @Override
    public Outcome handle(AuthenticatedRequest request, Void noInput) throws Refusal {
        if (!request.permitted()) {
            throw Refusal.forbidden();
        }
        List<Map<String, Object>> tokens = request.user().personalAccessTokens().values().stream()
                .sorted(CREATION_ORDER)
                .map(ListTokens::entry)
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tokens", tokens);
        return Outcome.answer(body);
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
