package dev.rcpat.http;

import dev.rcpat.core.Endpoint;
import dev.rcpat.core.PublicEndpoint;
import dev.rcpat.domain.Refusal;

/**
 * One endpoint as the API serves it: method and path, the permission read with the user (null:
 * none), whether it requires a second factor, how its body becomes its typed input, and the
 * endpoint: one that needs a login, or a public one. Routes are declared once, in the composition
 * root; everything else derives from them.
 */
public record Route<I>(String method, String path, String permission, boolean requiresTwoFactor,
                       BodyReader<I> input, Endpoint<I> endpoint, PublicEndpoint<I> publicEndpoint,
                       boolean addsSuccessField) {

    /** Rocket.Chat's REST prefix. */
    public static final String API_PREFIX = "/api/v1/";

    /** Turns a body into an endpoint's input, or refuses it (runs after the second factor). */
    @FunctionalInterface
    public interface BodyReader<I> {
        I read(RequestBody body) throws Refusal;
    }

    /** For endpoints that take no body. */
    public static final BodyReader<Void> NO_BODY = body -> null;

    public Route {
        if ((endpoint == null) == (publicEndpoint == null)) {
            throw new IllegalArgumentException(path + ": exactly one of endpoint and publicEndpoint");
        }
    }

    public static <I> Route<I> post(String name, String permission, boolean requiresTwoFactor, BodyReader<I> input,
                                    Endpoint<I> endpoint) {
        return new Route<>("POST", API_PREFIX + name, permission, requiresTwoFactor, input, endpoint, null, true);
    }

    public static Route<Void> get(String name, String permission, boolean requiresTwoFactor, Endpoint<Void> endpoint) {
        return new Route<>("GET", API_PREFIX + name, permission, requiresTwoFactor, NO_BODY, endpoint, null, true);
    }

    /** A POST that needs no login. */
    public static <I> Route<I> publicPost(String name, BodyReader<I> input, PublicEndpoint<I> endpoint) {
        return new Route<>("POST", API_PREFIX + name, null, false, input, null, endpoint, true);
    }

    /** The same route for another method (Rocket.Chat serves logout on GET and POST). */
    public Route<I> alsoOn(String otherMethod) {
        return new Route<>(otherMethod, path, permission, requiresTwoFactor, input, endpoint, publicEndpoint,
                addsSuccessField);
    }

    /** The route answering its success body as is, without {@code "success":true}. */
    public Route<I> withoutSuccessField() {
        return new Route<>(method, path, permission, requiresTwoFactor, input, endpoint, publicEndpoint, false);
    }

    public boolean requiresLogin() {
        return endpoint != null;
    }

    /** The name Rocket.Chat gives the route, e.g. {@code users.generatePersonalAccessToken}; logged per request. */
    public String name() {
        return path.substring(API_PREFIX.length());
    }

    String key() {
        return key(method, path);
    }

    static String key(String method, String path) {
        return method + " " + path;
    }
}
