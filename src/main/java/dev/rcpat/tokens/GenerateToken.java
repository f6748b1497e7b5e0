package dev.rcpat.tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcpat.api.ApiError;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.User;
import dev.rcpat.pipeline.Call;
import dev.rcpat.pipeline.Route;
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
        boolean bypassTwoFactor = TokenRequests.bypassTwoFactor(body, call.request().isFormEncoded());
        Long expiresAt = TokenLifetime.requested(body, call.now(), call.settings().maxTokenLifetimeDays());
        if (!call.hasPermission()) {
            throw TokenRequests.notAuthorized(METHOD);
        }
        User user = call.user();
        checkRoomFor(name, user);

        TokenWrites.Issued issued = TokenWrites.issue(generator, name, call.now(), bypassTwoFactor, expiresAt);
        UserWrite write = call.newWrite(null)
                .add(new UserWrite.AddPersonalAccessToken(issued.record(), Settings.MAX_PERSONAL_ACCESS_TOKENS));
        TokenWrites.apply(call, write, fresh -> checkRoomFor(name, fresh));
        TokenWrites.audit(call, "created", issued.record());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("token", issued.token());
        return result;
    }

    private static void checkRoomFor(String name, User user) throws ApiError {
        if (user.personalAccessTokens().containsKey(name)) {
            throw TokenRequests.alreadyExists(METHOD);
        }
        if (user.personalAccessTokens().size() >= Settings.MAX_PERSONAL_ACCESS_TOKENS) {
            throw TokenRequests.limitReached();
        }
    }
}
