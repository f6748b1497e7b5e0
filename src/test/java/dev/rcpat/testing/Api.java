package dev.rcpat.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.local.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.IntFunction;

/** Builds API Gateway proxy events as API Gateway sends them, and reads responses. */
public final class Api {

    /** The client address of the events unless a test gives another (API Gateway's {@code sourceIp}). */
    public static final String DEFAULT_SOURCE_IP = "203.0.113.10";

    private Api() { }

    public static APIGatewayProxyRequestEvent post(String path, Map<String, String> headers, String body) {
        return post(path, headers, body, DEFAULT_SOURCE_IP);
    }

    /** A POST as API Gateway passes it on from a client at {@code sourceIp}. */
    public static APIGatewayProxyRequestEvent post(String path, Map<String, String> headers, String body, String sourceIp) {
        APIGatewayProxyRequestEvent e = new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST")
                .withPath(path)
                .withResource(path)
                .withHeaders(new HashMap<>(headers))
                .withBody(body)
                .withIsBase64Encoded(false);
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setSourceIp(sourceIp);
        identity.setUserAgent(headers.getOrDefault("User-Agent", "rcpat-tests/1.0"));
        APIGatewayProxyRequestEvent.ProxyRequestContext ctx = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        ctx.setIdentity(identity);
        ctx.setRequestId(java.util.UUID.randomUUID().toString());
        ctx.setHttpMethod("POST");
        ctx.setStage("prod");
        e.setRequestContext(ctx);
        return e;
    }

    /** The same event as API Gateway would send it from another client address. */
    public static APIGatewayProxyRequestEvent withSourceIp(APIGatewayProxyRequestEvent event, String sourceIp) {
        event.getRequestContext().getIdentity().setSourceIp(sourceIp);
        return event;
    }

    public static APIGatewayProxyRequestEvent get(String path, Map<String, String> headers) {
        return get(path, headers, DEFAULT_SOURCE_IP);
    }

    public static APIGatewayProxyRequestEvent get(String path, Map<String, String> headers, String sourceIp) {
        return post(path, headers, null, sourceIp).withHttpMethod("GET");
    }

    /**
     * An address no other test uses (in 2001:db8::/32, the documentation prefix): what a test that
     * counts on the rate limiter sends from, so that no other test's requests share its counters.
     */
    public static String uniqueSourceIp() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return String.format("2001:db8:%x:%x:%x:%x:%x:%x", r.nextInt(0x10000), r.nextInt(0x10000), r.nextInt(0x10000),
                r.nextInt(0x10000), r.nextInt(0x10000), r.nextInt(0x10000));
    }

    public static Map<String, String> auth(String userId, String token) {
        Map<String, String> h = new HashMap<>();
        h.put("X-User-Id", userId);
        h.put("X-Auth-Token", token);
        h.put("Content-Type", "application/json");
        return h;
    }

    /** A response with its body parsed; a {@code token} in it is registered as a secret. */
    public record Response(int status, Map<String, String> headers, JsonNode body, String raw) {
        public String token() {
            return body.path("token").asText(null);
        }
    }

    public static Response call(Function<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
                                APIGatewayProxyRequestEvent event) {
        APIGatewayProxyResponseEvent r = handler.apply(event);
        try {
            JsonNode body = Json.MAPPER.readTree(r.getBody());
            if (body.hasNonNull("token")) {
                LogCapture.secret(body.get("token").asText());
                LogCapture.secret(dev.rcpat.auth.Secrets.hashToken(body.get("token").asText()));
            }
            return new Response(r.getStatusCode(), r.getHeaders(), body, r.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException("response body is not JSON: " + r.getBody(), e);
        }
    }

    /** Makes {@code times} calls at once, each on its own thread; the responses in the order of the call index. */
    public static List<Response> concurrently(int times, IntFunction<Response> call)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(times);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < times; i++) {
                int index = i;
                calls.add(() -> call.apply(index));
            }
            List<Response> responses = new ArrayList<>();
            for (Future<Response> f : pool.invokeAll(calls)) {
                responses.add(f.get());
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    public static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
