package dev.rcpat.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcpat.auth.Authenticator;
import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.core.AuthenticatedRequest;
import dev.rcpat.core.Outcome;
import dev.rcpat.core.OutcomeWriter;
import dev.rcpat.core.PublicEndpoint;
import dev.rcpat.domain.Dependency;
import dev.rcpat.domain.Permissions;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;
import dev.rcpat.log.RequestLog;
import dev.rcpat.ratelimit.RateLimit;
import dev.rcpat.ratelimit.RateLimiter;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.twofactor.TwoFactorCheck;
import dev.rcpat.twofactor.TwoFactorPass;
import dev.rcpat.twofactor.TwoFactorRequest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP adapter every endpoint shares (docs/compatibility.md, "Request pipeline"): route, body
 * size, authentication, rate limit, body syntax, two-factor (where the route requires it), the
 * body's fields, then the endpoint and the write of what it decided. It renders every outcome with
 * Rocket.Chat's shapes, turns dependency failures and bugs into 503, and writes the one log line of
 * the request.
 */
public final class Pipeline {

    public static final String USER_ID_HEADER = "X-User-Id";
    public static final String AUTH_TOKEN_HEADER = "X-Auth-Token";
    public static final String TWO_FACTOR_CODE_HEADER = "x-2fa-code";
    public static final String TWO_FACTOR_METHOD_HEADER = "x-2fa-method";

    private final Map<String, Route<?>> routes = new LinkedHashMap<>();
    private final UserStore store;
    private final RateLimiter limiter;
    private final Authenticator authenticator;
    private final TwoFactorCheck twoFactor;
    private final OutcomeWriter writer;
    private final Clock clock;
    private final RequestLog log;
    private final AwsCallCounter calls;

    public Pipeline(List<Route<?>> routes, UserStore store, RateLimiter limiter, Authenticator authenticator,
                    TwoFactorCheck twoFactor, OutcomeWriter writer, Clock clock, RequestLog log, AwsCallCounter calls) {
        for (Route<?> route : routes) {
            if (this.routes.put(route.key(), route) != null) {
                throw new IllegalArgumentException("route declared twice: " + route.key());
            }
        }
        this.store = store;
        this.limiter = limiter;
        this.authenticator = authenticator;
        this.twoFactor = twoFactor;
        this.writer = writer;
        this.clock = clock;
        this.log = log;
        this.calls = calls;
    }

    /** The routes, in the order declared. */
    public List<Route<?>> routes() {
        return List.copyOf(routes.values());
    }

    public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent invocation) {
        return serve(invocation, false);
    }

    /**
     * Serves {@code invocation} as {@link #handle} does, for SnapStart priming: its log line says
     * {@code "rehearsal":true} and counts in no metric, since no client sent it.
     */
    public APIGatewayProxyResponseEvent rehearse(APIGatewayProxyRequestEvent invocation) {
        return serve(invocation, true);
    }

    private APIGatewayProxyResponseEvent serve(APIGatewayProxyRequestEvent invocation, boolean rehearsal) {
        long started = System.nanoTime();
        calls.reset();
        // Lambda hands a null event to a function invoked with the payload null: an empty request.
        APIGatewayProxyRequestEvent event = invocation != null ? invocation : new APIGatewayProxyRequestEvent();
        ApiRequest request = new ApiRequest(event);
        RequestLog.Request line = new RequestLog.Request(clock.millis(), request.httpMethod(), request.sourceIp(),
                request.requestId());
        Route<?> route = routes.get(Route.key(String.valueOf(request.httpMethod()), String.valueOf(request.resource())));
        Responses.Answer answer;
        if (route == null) {
            answer = Responses.notFound();
            line.unmatched(request.resource()).errorType("not-found");
        } else {
            line.route(route.name());
            RateLimiter.Count count = RateLimiter.Count.NOT_COUNTED;
            RateLimit limit = RateLimit.NONE;
            try {
                request.checkBodySize();
                String counted = route.method() + " " + route.name();
                Map<String, Object> result;
                if (route.requiresLogin()) {
                    Credentials credentials = credentials(request);
                    // Counted beside the read: the read says who the caller is, and so whether it is limited.
                    count = limiter.count(counted, request.sourceIp(), credentials.userId());
                    UserStore.Snapshot snapshot = store.load(credentials.userId(), permissionsToRead(route));
                    AuthenticatedRequest caller = authenticate(route, request, snapshot, credentials.token());
                    line.user(caller.user().id());
                    limit = count.judge(snapshot.holds(Permissions.API_BYPASS_RATE_LIMIT));
                    if (limit.refused()) {
                        throw Refusal.tooManyRequests(limit.retryAfterSeconds());
                    }
                    result = run(route, request, caller, line);
                } else {
                    // A route without a login is counted by address alone (Rocket.Chat counts its login too).
                    count = limiter.count(counted, request.sourceIp(), PUBLIC_CALLER);
                    limit = count.judge(false);
                    if (limit.refused()) {
                        throw Refusal.tooManyRequests(limit.retryAfterSeconds());
                    }
                    PublicEndpoint.Answer served = runPublic(route, request);
                    line.user(served.userId());
                    result = served.body();
                }
                answer = route.addsSuccessField() ? Responses.success(result) : Responses.successAsIs(result);
            } catch (Refusal refusal) {
                answer = Responses.refused(refusal);
                line.errorType(refusal.errorType());
                String challenged = challengedMethod(refusal);
                if (challenged != null) {
                    // else the method a passed second factor recorded stands (refused after it, e.g. a taken name)
                    line.twoFactorMethod(challenged);
                }
                String cause = refusal.getCause() == null ? null : refusal.getCause().getClass().getSimpleName();
                if (refusal.kind() == Refusal.Kind.UNAVAILABLE) {
                    line.unavailable(refusal.failedDependency(), cause);
                } else {
                    line.cause(cause);
                }
            } catch (StoreUnavailableException e) {
                answer = Responses.refused(Refusal.unavailable("The token store is unavailable, try again later",
                        Dependency.DYNAMODB, e));
                line.errorType("error-service-unavailable").unavailable(Dependency.DYNAMODB,
                        e.getCause() == null ? e.getClass().getSimpleName() : e.getCause().getClass().getSimpleName());
            } catch (RuntimeException | StackOverflowError e) {
                // A bug must not become a crashed invocation (API Gateway's 502) nor leak a trace.
                // Other Errors (OutOfMemoryError) are left to Lambda, which replaces the environment.
                answer = Responses.refused(Refusal.unavailable(
                        "The service could not complete the request, try again later", null, e));
                line.errorType("error-service-unavailable").unavailable(null, e.getClass().getName());
            } finally {
                count.close();
            }
            answer = answer.withHeaders(limit.headers());
        }
        long latencyMs = (System.nanoTime() - started) / 1_000_000;
        line.answered(answer.status(), latencyMs)
                .awsCalls(calls.calls(AwsCallCounter.Service.DYNAMODB), calls.calls(AwsCallCounter.Service.SES));
        if (rehearsal) {
            line.rehearsal();
        }
        log.request(line);
        return answer.toEvent();
    }

    /** The second factor a two-factor answer names ({@code details.method}); null for any other refusal. */
    private static String challengedMethod(Refusal refusal) {
        boolean twoFactorAnswer = refusal.errorType() != null && refusal.errorType().startsWith("totp-");
        return twoFactorAnswer && refusal.details().get("method") instanceof String method ? method : null;
    }

    /** Who a route without a login is counted for: no user, so nobody exempt. */
    private static final String PUBLIC_CALLER = "";

    private record Credentials(String userId, String token) { }

    /** The user id and token of the request; 401 without either (no store read, nothing counted). */
    private static Credentials credentials(ApiRequest request) throws Refusal {
        String userId = request.header(USER_ID_HEADER);
        String token = request.header(AUTH_TOKEN_HEADER);
        if (userId == null || token == null) {
            throw Refusal.notLoggedIn();
        }
        return new Credentials(userId, token);
    }

    /** The route's permission and, while the limiter is on, the one that exempts from it: one read for both. */
    private List<String> permissionsToRead(Route<?> route) {
        List<String> permissions = new ArrayList<>(2);
        if (route.permission() != null) {
            permissions.add(route.permission());
        }
        if (limiter.enabled()) {
            permissions.add(Permissions.API_BYPASS_RATE_LIMIT);
        }
        return permissions;
    }

    private AuthenticatedRequest authenticate(Route<?> route, ApiRequest request, UserStore.Snapshot snapshot,
                                              String token) throws Refusal {
        long now = clock.millis();
        StoredToken used = authenticator.authenticate(snapshot.user(), token, now);
        User user = snapshot.user().orElseThrow();
        boolean permitted = route.permission() == null || snapshot.holds(route.permission());
        return new AuthenticatedRequest(user, used, permitted, now, request.client());
    }

    private <I> PublicEndpoint.Answer runPublic(Route<I> route, ApiRequest request)
            throws Refusal, StoreUnavailableException {
        ObjectNode fields = request.bodyObject();
        I input = route.input().read(new RequestBody(fields, request.isFormEncoded(), request::header));
        return route.publicEndpoint().handle(input, request.client(), clock.millis());
    }

    private <I> Map<String, Object> run(Route<I> route, ApiRequest request, AuthenticatedRequest caller,
                                        RequestLog.Request line) throws Refusal, StoreUnavailableException {
        boolean changeAttempted = false;
        try {
            ObjectNode fields = request.bodyObject(); // malformed bodies are refused before anything is challenged
            TwoFactorPass pass = TwoFactorPass.NOT_REQUIRED;
            if (route.requiresTwoFactor()) {
                pass = twoFactor.verify(new TwoFactorRequest(caller.user(), caller.token(),
                        request.header(TWO_FACTOR_CODE_HEADER), request.header(TWO_FACTOR_METHOD_HEADER),
                        caller.now(), caller.client().fingerprint()));
                line.twoFactorMethod(pass.codeMethod().orElse(null));
            }
            I input = route.input().read(new RequestBody(fields, request.isFormEncoded(), request::header));
            Outcome outcome = route.endpoint().handle(caller, input);
            if (outcome instanceof Outcome.Change change) {
                changeAttempted = true;
                OutcomeWriter.Written written = writer.write(caller, pass, change);
                line.tokenChanges(written.tokenChanges()).notifications(written.notices().sent(),
                        written.notices().failed(), written.notices().failure());
                return written.body();
            }
            return outcome.body();
        } finally {
            if (!changeAttempted) {
                writer.recordUse(caller);
            }
        }
    }
}
