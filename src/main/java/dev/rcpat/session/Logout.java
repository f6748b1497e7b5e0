package dev.rcpat.session;

import dev.rcpat.core.AuthenticatedRequest;
import dev.rcpat.core.Endpoint;
import dev.rcpat.core.Outcome;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.store.UserWrite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST|GET /api/v1/logout}: removes the token the call was made with, whatever its type,
 * as Rocket.Chat does: logging out with a personal access token deletes that token. Ours: the
 * JSON body Rocket.Chat 7.4+ no longer sends by mistake (its issue #35922).
 */
public final class Logout implements Endpoint<Void> {


    @Override
    public Outcome handle(AuthenticatedRequest request, Void noInput) {
        StoredToken used = request.token();
        if (used.isPersonalAccessToken()) {
            return new Outcome.Change(List.of(new UserWrite.RemovePersonalAccessToken(used.name())), used.name(),
                    fresh -> { }, ordered(), List.of(new Outcome.Audit(TokenChange.REMOVED, used)));
        }
        return new Outcome.Change(List.of(new UserWrite.RemoveLoginToken(used.hashedToken())), null,
                fresh -> { }, ordered(), List.of());
    }

    private static Map<String, Object> ordered() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "success");
        body.put("data", Map.of("message", "You've been logged out!"));
        return body;
    }
}
