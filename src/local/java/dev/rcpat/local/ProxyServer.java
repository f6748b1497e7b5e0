package dev.rcpat.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rcpat.json.JsonCodec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The local API: an HTTP server on 127.0.0.1 that turns each request into the proxy event API
 * Gateway would send and calls the real handler, as {@code sam local start-api} does.
 */
public final class ProxyServer implements AutoCloseable {

    /** API Gateway's payload limit; the handlers enforce their own, smaller one. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

    private final HttpServer server;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private volatile HandlerRoutes routes;
    private Consumer<String> errors = line -> { };

    private ProxyServer(HttpServer server) {
        this.server = server;
    }

    /** Binds 127.0.0.1:{@code port} (0: any free port), or says in one line why it cannot. */
    public static ProxyServer bind(int port) throws CliException {
        try {
            return new ProxyServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128));
        } catch (BindException e) {
            throw new CliException("port " + port + " on 127.0.0.1 is in use: stop what is using it, or choose another with --port N");
        } catch (IOException e) {
            throw new CliException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void start(HandlerRoutes routes, Consumer<String> errors) {
        this.routes = routes;
        this.errors = errors;
        server.createContext("/", this::exchange);
        server.setExecutor(workers);
        server.start();
    }

    private void exchange(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            var bound = routes.find(method, path);
            if (bound.isEmpty()) {
                respond(ex, 404, Map.of("Content-Type", List.of("application/json")), JsonCodec.write(Map.of(
                        "success", false,
                        "error", "Not found: " + method + " " + path)).getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body = readBody(ex.getRequestBody());
            if (body == null) {
                respond(ex, 413, Map.of("Content-Type", List.of("application/json")),
                        "{\"message\":\"Request Too Long\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
            HandlerRoutes.Route route = bound.get().route();
            APIGatewayProxyRequestEvent event = ProxyEvents.fromHttp(method, path, ex.getRequestURI().getRawQuery(),
                    headers, body, ex.getRemoteAddress().getAddress().getHostAddress(), route.path());
            APIGatewayProxyResponseEvent response;
            try {
                response = bound.get().handler().handleRequest(event,
                        new LocalContext(route.functionId(), event.getRequestContext().getRequestId(), errors));
            } catch (RuntimeException | Error crash) {
                // What API Gateway answers when a function fails.
                errors.accept("bin/local: " + route.functionId() + " failed: " + crash);
                respond(ex, 502, Map.of("Content-Type", List.of("application/json")),
                        "{\"message\":\"Internal server error\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            respond(ex, response);
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    private static void respond(HttpExchange ex, APIGatewayProxyResponseEvent r) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (r.getMultiValueHeaders() != null) {
            r.getMultiValueHeaders().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
        }
        if (r.getHeaders() != null) {
            r.getHeaders().forEach((k, v) -> headers.put(k, List.of(v)));
        }
        String body = r.getBody() == null ? "" : r.getBody();
        byte[] bytes = Boolean.TRUE.equals(r.getIsBase64Encoded())
                ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
        int status = r.getStatusCode() == null ? 200 : r.getStatusCode();
        respond(ex, status, headers, bytes);
    }

    private static void respond(HttpExchange ex, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().put(k, new ArrayList<>(v)));
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
