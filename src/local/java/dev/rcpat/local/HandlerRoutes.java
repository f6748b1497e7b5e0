package dev.rcpat.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.Services;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Which handler class serves which method and path, read from template.yaml's functions and
 * their {@code Api} events (as {@code sam local start-api} does), so the local API is the
 * deployed one. Endpoints the project has but the template does not declare yet come from the
 * built-in table below. Handler classes that are not in the build are skipped with a note.
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

    public static final List<Route> KNOWN = List.of(
            new Route("POST", "/api/v1/users.generatePersonalAccessToken", "GenerateTokenFunction",
                    "dev.rcpat.entrypoints.GenerateTokenHandler"),
            new Route("POST", "/api/v1/users.regeneratePersonalAccessToken", "RegenerateTokenFunction",
                    "dev.rcpat.entrypoints.RegenerateTokenHandler"),
            new Route("POST", "/api/v1/users.removePersonalAccessToken", "RemoveTokenFunction",
                    "dev.rcpat.entrypoints.RemoveTokenHandler"),
            new Route("GET", "/api/v1/users.getPersonalAccessTokens", "ListTokensFunction",
                    "dev.rcpat.entrypoints.ListTokensHandler"));

    public interface ProxyHandler extends RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> { }

    /** A route whose handler class is in the build, constructed with the local {@link Services}. */
    public record Bound(Route route, ProxyHandler handler) { }

    private final Map<String, Bound> bound;
    private final List<String> notes;

    private HandlerRoutes(Map<String, Bound> bound, List<String> notes) {
        this.bound = bound;
        this.notes = notes;
    }

    /** template.yaml's routes, then the known endpoints it does not declare. */
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
        for (Route known : KNOWN) {
            routes.putIfAbsent(known.key(), known);
        }
        return List.copyOf(routes.values());
    }

    /** Constructs the handlers of {@code routes} that are in the build; notes say which are not. */
    public static HandlerRoutes bind(List<Route> routes, Services services) {
        Map<String, Bound> bound = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Route r : routes) {
            try {
                bound.put(r.key(), new Bound(r, construct(r.handlerClass(), services)));
            } catch (ClassNotFoundException e) {
                notes.add("not served: " + r.method() + " " + r.path() + " (" + simpleName(r.handlerClass())
                        + " is not in this build yet)");
            } catch (NoSuchMethodException e) {
                notes.add("not served: " + r.method() + " " + r.path() + " (" + simpleName(r.handlerClass())
                        + " has no constructor taking Services)");
            }
        }
        return new HandlerRoutes(bound, notes);
    }

    static ProxyHandler construct(String className, Services services)
            throws ClassNotFoundException, NoSuchMethodException {
        Class<?> type = Class.forName(className);
        try {
            @SuppressWarnings("unchecked")
            RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> h =
                    (RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>)
                            type.getConstructor(Services.class).newInstance(services);
            return h::handleRequest;
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(simpleName(className) + " failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + className + ": " + e, e);
        }
    }

    public Optional<Bound> find(String method, String path) {
        return Optional.ofNullable(bound.get(Route.key(method, path)));
    }

    public List<Bound> served() {
        return List.copyOf(bound.values());
    }

    public List<String> notes() {
        return notes;
    }

    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** For callers that want the notes printed as they are found. */
    public HandlerRoutes reportTo(Consumer<String> out) {
        notes.forEach(out);
        return this;
    }
}
