package dev.rcpat.pipeline;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.api.ApiError;
import dev.rcpat.api.ApiRequest;
import dev.rcpat.api.JsonCodec;
import dev.rcpat.auth.Authenticator;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request pipeline every endpoint shares (spec section 1): body size, authentication,
 * two-factor (where the route requires it), then the endpoint. It renders every outcome with
 * the exact Rocket.Chat shapes, turns dependency failures and bugs into 503, and writes the one
 * log line of the request.
 */
public final class Pipeline {

    public static final String USER_ID_HEADER = "X-User-Id";
    public static final String AUTH_TOKEN_HEADER = "X-Auth-Token";
    private static final Map<String, String> JSON_HEADERS = Map.of("Content-Type", "application/json");

    private final Settings settings;
    private final UserStore store;
    private final TwoFactorGate twoFactorGate;
    private final Clock clock;
    private final RequestLog log;
    private final Authenticator authenticator;

    public Pipeline(Settings settings, UserStore store, TwoFactorGate twoFactorGate, Clock clock, RequestLog log) {
        this.settings = settings;
        this.store = store;
        this.twoFactorGate = twoFactorGate;
        this.clock = clock;
        this.log = log;
        this.authenticator = new Authenticator(settings.loginExpirationDays());
    }

    public APIGatewayProxyResponseEvent handle(Route route, APIGatewayProxyRequestEvent invocation) {
        long started = System.nanoTime();
        AwsCallCounter.reset();
        // Lambda hands a null event to a function invoked with the payload null: an empty request.
        APIGatewayProxyRequestEvent event = invocation != null ? invocation : new APIGatewayProxyRequestEvent();
        ApiRequest request = new ApiRequest(event);
        String userId = null;
        int status;
        String errorType = null;
        String cause = null;
        Map<String, Object> body;
        try {
            Call call = authenticate(route, request);
            userId = call.user().id();
            body = run(route, call);
            status = 200;
        } catch (ApiError e) {
            status = e.status();
            errorType = e.errorType();
            body = e.body();
            if (status == 503 && e.getCause() != null) {
                cause = e.getCause().getClass().getSimpleName();
            }
        } catch (StoreUnavailableException e) {
            ApiError error = ApiError.serviceUnavailable("The token store is unavailable, try again later");
            status = error.status();
            errorType = error.errorType();
            body = error.body();
            cause = e.getCause() == null ? e.getClass().getSimpleName() : e.getCause().getClass().getSimpleName();
        } catch (RuntimeException | Error e) {
            // A bug must not become a crashed invocation (API Gateway's 502) nor leak a trace.
            ApiError error = ApiError.serviceUnavailable("The service could not complete the request, try again later");
            status = error.status();
            errorType = error.errorType();
            body = error.body();
            cause = e.getClass().getName();
        }
        long latencyMs = (System.nanoTime() - started) / 1_000_000;
        log.request(route.name(), event.getHttpMethod(), status, latencyMs, userId, errorType,
                AwsCallCounter.dynamoDbCalls(), AwsCallCounter.sesCalls(), request.requestId(), cause);
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(status)
                .withHeaders(JSON_HEADERS)
                .withBody(JsonCodec.write(body));
    }

    private Call authenticate(Route route, ApiRequest request) throws ApiError, StoreUnavailableException {
        request.checkBodySize();
        String userId = request.header(USER_ID_HEADER);
        String token = request.header(AUTH_TOKEN_HEADER);
        if (userId == null || token == null) {
            throw ApiError.unauthorized();
        }
        UserStore.Snapshot snapshot = store.load(userId, route.permission());
        long now = clock.millis();
        StoredToken used = authenticator.authenticate(snapshot.user(), token, now);
        User user = snapshot.user().orElseThrow();
        return new Call(this, route, request, user, used, snapshot.permissionRoles(), now);
    }

    private Map<String, Object> run(Route route, Call call) throws ApiError, StoreUnavailableException {
        try {
            call.body(); // malformed bodies are refused before anything is challenged or written
            if (route.requiresTwoFactor() && twoFactorGate != null) {
                call.twoFactorPassed(twoFactorGate.verify(call));
            }
            Map<String, Object> result = new LinkedHashMap<>(route.endpoint().handle(call));
            result.put("success", true);
            return result;
        } finally {
            touchLastUsedIfNotWritten(call);
        }
    }

    /** Read-only and refused requests still record when a token was last used (at most once a minute). */
    private void touchLastUsedIfNotWritten(Call call) {
        if (call.wroteLastUsed()) {
            return;
        }
        call.lastUsedOp().ifPresent(op -> {
            try {
                store.apply(new dev.rcpat.store.UserWrite(call.user().id()).add(op));
            } catch (ConditionFailedException | StoreUnavailableException e) {
                // Best effort: the token was removed meanwhile, or the store is down; the answer stands.
            }
        });
    }

    Settings settings() {
        return settings;
    }

    UserStore store() {
        return store;
    }

    RequestLog log() {
        return log;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    TwoFactorGate twoFactorGate() {
        return twoFactorGate;
    }
}
