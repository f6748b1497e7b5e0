package dev.rcpat.tokens;

import dev.rcpat.config.Settings;
import dev.rcpat.core.AuthenticatedRequest;
import dev.rcpat.core.Endpoint;
import dev.rcpat.core.Outcome;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.store.UserWrite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/users.regeneratePersonalAccessToken}: a new secret and {@code createdAt} for
 * an existing name, keeping {@code bypassTwoFactor} and the lifetime length. Ours: one conditional
 * write replaces the record only while it still holds the hash that was read, so the old secret
 * stops working in the same instant, and of concurrent regenerations of one name exactly one wins
 * (the others get 409).
 */
public final class RegenerateToken implements Endpoint<TokenNameInput> {

    static final String METHOD = "personalAccessTokens:regenerateToken";

    private final TokenGenerator generator;
    private final Settings settings;

    public RegenerateToken(TokenGenerator generator, Settings settings) {
        this.generator = generator;
        this.settings = settings;
    }

    @Override
    public Outcome handle(AuthenticatedRequest request, TokenNameInput input) throws Refusal {
        String name = input.name();
        if (!request.permitted()) {
            throw TokenErrors.notAuthorized(METHOD);
        }
        StoredToken old = request.user().personalAccessTokens().get(name);
        if (old == null) {
            throw TokenErrors.doesNotExist(METHOD);
        }

        Long expiresAt = TokenLifetime.renewed(old, request.now(), settings.maxTokenLifetimeDays());
        Issued issued = Issued.issue(generator, name, request.now(), old.bypassTwoFactor(), expiresAt);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", issued.token());
        return new Outcome.Change(
                List.of(new UserWrite.ReplacePersonalAccessToken(old.hashedToken(), issued.record())),
                name, fresh -> {
                    if (!fresh.personalAccessTokens().containsKey(name)) {
                        throw TokenErrors.doesNotExist(METHOD);
                    }
                }, body, List.of(new Outcome.Audit(TokenChange.REGENERATED, issued.record())));
    }
}
