package dev.rcpat.tokens;

import dev.rcpat.api.ApiError;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.pipeline.Call;
import dev.rcpat.pipeline.Route;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserWrite;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/v1/users.regeneratePersonalAccessToken} (spec section 9): a new secret and
 * {@code createdAt} for an existing name, keeping {@code bypassTwoFactor} and the lifetime length.
 * Ours: one conditional write replaces the record only while it still holds the hash that was
 * read, so the old secret stops working in the same instant, and of concurrent regenerations of
 * one name exactly one wins (the others get 409).
 */
public final class RegenerateToken implements Route.Endpoint {

    static final String METHOD = "personalAccessTokens:regenerateToken";

    private final TokenGenerator generator;

    public RegenerateToken(TokenGenerator generator) {
        this.generator = generator;
    }

    public Route route() {
        return new Route("users.regeneratePersonalAccessToken", GenerateToken.PERMISSION, true, this);
    }

    @Override
    public Map<String, Object> handle(Call call) throws ApiError, StoreUnavailableException {
        String name = TokenRequests.tokenName(call.body());
        if (!call.hasPermission()) {
            throw TokenRequests.notAuthorized(METHOD);
        }
        StoredToken old = call.user().personalAccessTokens().get(name);
        if (old == null) {
            throw TokenRequests.doesNotExist(METHOD);
        }

        Long expiresAt = TokenLifetime.renewed(old, call.now(), call.settings().maxTokenLifetimeDays());
        TokenWrites.Issued issued = TokenWrites.issue(generator, name, call.now(), old.bypassTwoFactor(), expiresAt);
        UserWrite write = call.newWrite(name)
                .add(new UserWrite.ReplacePersonalAccessToken(old.hashedToken(), issued.record()));
        TokenWrites.apply(call, write, fresh -> {
            if (!fresh.personalAccessTokens().containsKey(name)) {
                throw TokenRequests.doesNotExist(METHOD);
            }
        });
        TokenWrites.audit(call, "regenerated", issued.record());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("token", issued.token());
        return result;
    }
}
