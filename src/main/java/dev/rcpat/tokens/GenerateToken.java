package dev.rcpat.tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcpat.api.ApiError;
import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;
import dev.rcpat.pipeline.Call;
import dev.rcpat.pipeline.Route;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserWrite;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/v1/users.generatePersonalAccessToken} (spec section 3): validates, checks the
 * permission, and stores the new token's hash in one conditional write that also enforces the
 * unique name and the per-user limit.
 */
public final class GenerateToken implements Route.Endpoint {

    public static final String PERMISSION = "create-personal-access-tokens";
    static final String METHOD = "personalAccessTokens:generateToken";

    private final TokenGenerator generator;

    public GenerateToken(TokenGenerator generator) {
        this.generator = generator;
    }

    public Route route() {
        return new Route("users.generatePersonalAccessToken", PERMISSION, true, this);
    }

    @Override
    public Map<String, Object> handle(Call call) throws ApiError, StoreUnavailableException {
        ObjectNode body = call.body();
        String name = TokenRequests.tokenName(body);
        boolean bypassTwoFactor = TokenRequests.bypassTwoFactor(body);
        if (!call.hasPermission()) {
            throw TokenRequests.notAuthorized(METHOD);
        }
        User user = call.user();
        if (user.personalAccessTokens().containsKey(name)) {
            throw TokenRequests.alreadyExists(METHOD);
        }
        if (user.personalAccessTokens().size() >= Settings.MAX_PERSONAL_ACCESS_TOKENS) {
            throw TokenRequests.limitReached();
        }

        String token = generator.newToken();
        StoredToken record = StoredToken.personalAccessToken(name, Secrets.hashToken(token), call.now(),
                token.substring(token.length() - 6), bypassTwoFactor, null);
        UserWrite write = call.newWrite(null)
                .add(new UserWrite.AddPersonalAccessToken(record, Settings.MAX_PERSONAL_ACCESS_TOKENS));
        try {
            call.store().apply(write);
        } catch (ConditionFailedException e) {
            User fresh = call.reloadAfterConflict();
            if (fresh.personalAccessTokens().containsKey(name)) {
                throw TokenRequests.alreadyExists(METHOD);
            }
            if (fresh.personalAccessTokens().size() >= Settings.MAX_PERSONAL_ACCESS_TOKENS) {
                throw TokenRequests.limitReached();
            }
            throw Call.unexplainedConflict();
        }
        call.log().audit("created", user.id(), name, record.lastTokenPart(), call.request().sourceIp(),
                call.request().userAgent(), call.request().requestId());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("token", token);
        return result;
    }
}
