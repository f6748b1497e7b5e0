package dev.rcpat.tokens;

import dev.rcpat.config.Settings;
import dev.rcpat.core.AuthenticatedRequest;
import dev.rcpat.core.Endpoint;
import dev.rcpat.core.Outcome;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.domain.User;
import dev.rcpat.store.UserWrite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/users.generatePersonalAccessToken}: checks the lifetime and the permission,
 * and adds the new token's hash in one conditional write that also enforces the unique name and
 * the per-user limit.
 */
public final class GenerateToken implements Endpoint<GenerateToken.Input> {

    static final String METHOD = "personalAccessTokens:generateToken";

    /** A validated request: the name (NFC), whether the token skips two-factor, and the expiry asked for. */
    public record Input(String name, boolean bypassTwoFactor, TokenLifetime.Request lifetime) { }

    private final TokenGenerator generator;
    private final Settings settings;

    public GenerateToken(TokenGenerator generator, Settings settings) {
        this.generator = generator;
        this.settings = settings;
    }

    @Override
    public Outcome handle(AuthenticatedRequest request, Input input) throws Refusal {
        Long expiresAt = TokenLifetime.requested(input.lifetime(), request.now(), settings.maxTokenLifetimeDays());
        if (!request.permitted()) {
            throw TokenErrors.notAuthorized(METHOD);
        }
        String name = input.name();
        checkRoomFor(name, request.user());

        Issued issued = Issued.issue(generator, name, request.now(), input.bypassTwoFactor(), expiresAt);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", issued.token());
        return new Outcome.Change(
                List.of(new UserWrite.AddPersonalAccessToken(issued.record(), User.MAX_PERSONAL_ACCESS_TOKENS)),
                null, fresh -> checkRoomFor(name, fresh), body,
                List.of(new Outcome.Audit(TokenChange.CREATED, issued.record())));
    }

    private static void checkRoomFor(String name, User user) throws Refusal {
        if (user.personalAccessTokens().containsKey(name)) {
            throw TokenErrors.alreadyExists(METHOD);
        }
        if (user.personalAccessTokens().size() >= User.MAX_PERSONAL_ACCESS_TOKENS) {
            throw TokenErrors.limitReached();
        }
    }
}
