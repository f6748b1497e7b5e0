package dev.rcpat.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.CompositionRoot;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which handler class serves which method and path, read from template.yaml's functions and
 * their {@code Api} events (as {@code sam local start-api} does), so the local API is the
 * deployed one.
 */
public final class HandlerRoutes {

    /**
     * One endpoint: API Gateway's method and resource path (segments like {@code {file}} are path
     * parameters), the SAM function and its handler class.
     */
    public record Route(String method, String path, String functionId, String handlerClass) {
        String key() {
            return key(method, path);
        }

        static String key(String method, String path) {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }

        boolean hasParameters() {
            return path.contains("{");
        }

        /**
         * The path parameters when {@code requestPath} matches this resource path as API Gateway
         * matches it (a {@code {name}} segment is one non-empty segment), else null.
         */
        Map<String, String> parameters(String requestPath) {
            String[] template = path.split("/", -1);
            String[] actual = requestPath.split("/", -1);
            if (template.length != actual.length) {
                return null;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 0; i < template.length; i++) {
                String t = template[i];
                if (t.startsWith("{") && t.endsWith("}") && !t.endsWith("+}")) {
                    if (actual[i].isEmpty()) {
                        return null;
                    }
                    parameters.put(t.substring(1, t.length() - 1), actual[i]);
                } else if (!t.equals(actual[i])) {
                    return null;
                }
            }
            return parameters;
        }
    }

    /** A request's route and the path parameters it gives (null when the route has none, as in API Gateway's event). */
    public record Match(Bound bound, Map<String, String> pathParameters) { }

    public interface ProxyHandler extends RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> { }

    /** A route whose handler class is in the build, constructed with the local {@link CompositionRoot}. */
    public record Bound(Route route, ProxyHandler handler) { }

    private final Map<String, Bound> bound;

    private HandlerRoutes(Map<String, Bound> bound) {
        this.bound = bound;
    }

    /** template.yaml's routes. */
    @SuppressWarnings("unchecked")
    public static List<Route> declared(Path template) throws IOException {
        CfnTemplate t = CfnTemplate.load(template);
        Object globalHandler = Optional.ofNullable((Map<String, Object>) t.document().get("Globals"))
                .map(g -> (Map<String, Object>) g.get("Function"))
                .map(f -> f.get("Handler")).orElse(null);
        Map<String, Route> routes = new LinkedHashMap<>();
        t.resourcesOfType("AWS::Serverless::Function").forEach((id, props) -> {
            Object handler = props.getOrDefault("Handler", globalHandler);
            if (!(handler instanceof String h)) {
                return;
            }
            String className = h.contains("::") ? h.substring(0, h.indexOf("::")) : h;
            Map<String, Object> events = (Map<String, Object>) props.getOrDefault("Events", Map.of());
            events.values().forEach(e -> {
                Map<String, Object> event = (Map<String, Object>) e;
                if (!"Api".equals(event.get("Type"))) {
                    return;
                }
                Map<String, Object> p = (Map<String, Object>) event.getOrDefault("Properties", Map.of());
                if (p.get("Path") instanceof String path && p.get("Method") instanceof String method) {
                    Route r = new Route(method.toUpperCase(Locale.ROOT), path, id, className);
                    routes.putIfAbsent(r.key(), r);
                }
            });
        });
        return List.copyOf(routes.values());
    }

    /** Constructs each route's handler class (once per class), with the local composition root when it takes one. */
    public static HandlerRoutes bind(List<Route> routes, CompositionRoot root) {
        Map<String, ProxyHandler> byClass = new HashMap<>();
        Map<String, Bound> bound = new LinkedHashMap<>();
        for (Route r : routes) {
            ProxyHandler handler = byClass.computeIfAbsent(r.handlerClass(), name -> construct(name, root));
            bound.put(r.key(), new Bound(r, handler));
        }
        return new HandlerRoutes(bound);
    }

    static ProxyHandler construct(String className, CompositionRoot root) {
        try {
            Class<?> type = Class.forName(className);
            Object instance;
            try {
                instance = type.getConstructor(CompositionRoot.class).newInstance(root);
            } catch (NoSuchMethodException needsNoServices) {
                instance = type.getConstructor().newInstance();
            }
            @SuppressWarnings("unchecked")
            RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> h =
                    (RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>) instance;
            return h::handleRequest;
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(simpleName(className) + " failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("template.yaml names handler " + className
                    + ", which cannot be built with a CompositionRoot nor without arguments: " + e, e);
        }
    }

    public Optional<Bound> find(String method, String path) {
        return Optional.ofNullable(bound.get(Route.key(method, path)));
    }

    /** The route a request takes: a literal resource path first, then one with path parameters, as API Gateway picks. */
    public Optional<Match> match(String method, String path) {
        Bound literal = bound.get(Route.key(method, path));
        if (literal != null && !literal.route().hasParameters()) {
            return Optional.of(new Match(literal, null));
        }
        for (Bound b : bound.values()) {
            if (b.route().hasParameters() && b.route().method().equalsIgnoreCase(method)) {
                Map<String, String> parameters = b.route().parameters(path);
                if (parameters != null) {
                    return Optional.of(new Match(b, parameters));
                }
            }
        }
        return Optional.empty();
    }

    public List<Bound> served() {
        return List.copyOf(bound.values());
    }

    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
