package dev.rcpat.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcpat.api.ApiError;
import dev.rcpat.api.ApiRequest;
import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;

import java.util.List;
import java.util.Optional;

/**
 * One authenticated request as the two-factor step and the endpoint see it: who the caller is,
 * with which token, what the permission allows, the body, and the time the request is judged at.
 */
public final class Call {

    /** {@code lastUsedAt} is written at most this often per token, so most requests write nothing for it. */
    static final long LAST_USED_RESOLUTION_MILLIS = 60_000;

    private final Pipeline pipeline;
    private final Route route;
    private final ApiRequest request;
    private final User user;
    private final StoredToken token;
    private final List<String> permissionRoles;
    private final long now;
    private ObjectNode body;
    private TwoFactorPass twoFactor = TwoFactorPass.withoutCode("not-required");
    private boolean wroteLastUsed;

    Call(Pipeline pipeline, Route route, ApiRequest request, User user, StoredToken token,
         List<String> permissionRoles, long now) {
        this.pipeline = pipeline;
        this.route = route;
        this.request = request;
        this.user = user;
        this.token = token;
        this.permissionRoles = permissionRoles;
        this.now = now;
    }

    public ApiRequest request() {
        return request;
    }

    public User user() {
        return user;
    }

    /** The stored token this request authenticated with. */
    public StoredToken token() {
        return token;
    }

    public long now() {
        return now;
    }

    public Settings settings() {
        return pipeline.settings();
    }

    public UserStore store() {
        return pipeline.store();
    }

    public RequestLog log() {
        return pipeline.log();
    }

    /** Whether one of the user's roles holds the route's permission. */
    public boolean hasPermission() {
        return user.hasAnyRole(permissionRoles);
    }

    public ObjectNode body() throws ApiError {
        if (body == null) {
            body = request.bodyObject();
        }
        return body;
    }

    void twoFactorPassed(TwoFactorPass pass) {
        this.twoFactor = pass;
    }

    public TwoFactorPass twoFactor() {
        return twoFactor;
    }

    /** Fingerprint of the client for "remember": user agent and source IP, hashed. */
    public String clientFingerprint() {
        return Secrets.hashToken(request.userAgent() + "\n" + request.sourceIp());
    }

    /**
     * A write for this user that already carries the two-factor bookkeeping and, when due, the
     * caller token's {@code lastUsedAt}. Operations on the caller's token are left out when the
     * endpoint itself replaces or removes the PAT named {@code replacedPatName}.
     */
    public UserWrite newWrite(String replacedPatName) {
        UserWrite write = new UserWrite(user.id());
        boolean callerReplaced = token.isPersonalAccessToken() && token.name().equals(replacedPatName);
        for (UserWrite.Op op : twoFactor.ops()) {
            if (callerReplaced && op instanceof UserWrite.RememberTwoFactor) {
                continue;
            }
            write.add(op);
        }
        if (callerReplaced) {
            wroteLastUsed = true; // the caller's record is replaced or removed: no use left to record
        } else {
            lastUsedOp().ifPresent(op -> {
                write.add(op);
                wroteLastUsed = true;
            });
        }
        return write;
    }

    Optional<UserWrite.Op> lastUsedOp() {
        if (!token.isPersonalAccessToken()) {
            return Optional.empty();
        }
        Long last = token.lastUsedAt();
        if (last != null && now - last < LAST_USED_RESOLUTION_MILLIS) {
            return Optional.empty();
        }
        return Optional.of(new UserWrite.TouchLastUsed(token.name(), token.hashedToken(), now));
    }

    boolean wroteLastUsed() {
        return wroteLastUsed;
    }

    /**
     * After the endpoint's conditional write was rejected: re-reads the user (one more round trip,
     * on this rare path only), answers 401 if the caller's token is gone, the two-factor challenge
     * if the code was spent concurrently, and otherwise returns the fresh user for the endpoint to
     * explain its own conflict.
     */
    public User reloadAfterConflict() throws ApiError, StoreUnavailableException {
        UserStore.Snapshot fresh = pipeline.store().load(user.id(), route.permission());
        pipeline.authenticator().authenticate(fresh.user(), request.header(Pipeline.AUTH_TOKEN_HEADER), now);
        User freshUser = fresh.user().orElseThrow();
        if (pipeline.twoFactorGate() != null && route.requiresTwoFactor()) {
            var challenge = pipeline.twoFactorGate().explainConflict(twoFactor, freshUser, this);
            if (challenge.isPresent()) {
                throw challenge.get();
            }
        }
        return freshUser;
    }

    /** A conflict no rule explains: the caller may simply try again. */
    public static ApiError unexplainedConflict() {
        return ApiError.domain(409, "error-conflict",
                "The request conflicted with a concurrent change, try again", null);
    }
}
