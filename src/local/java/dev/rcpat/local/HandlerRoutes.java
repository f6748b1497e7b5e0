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

    /** One endpoint: API Gateway's method and resource path, the SAM function and its handler class. */
    public record Route(String method, String path, String functionId, String handlerClass) {
        String key() {
            return key(method, path);
        }

        static String key(String method, String path) {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

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

    /** Constructs each route's handler class (once per class) with the local composition root. */
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
            @SuppressWarnings("unchecked")
            RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> h =
                    (RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>)
                            Class.forName(className).getConstructor(CompositionRoot.class).newInstance(root);
            return h::handleRequest;
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(simpleName(className) + " failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("template.yaml names handler " + className
                    + ", which cannot be built with a CompositionRoot: " + e, e);
        }
    }

    public Optional<Bound> find(String method, String path) {
        return Optional.ofNullable(bound.get(Route.key(method, path)));
    }

    public List<Bound> served() {
        return List.copyOf(bound.values());
    }

    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
