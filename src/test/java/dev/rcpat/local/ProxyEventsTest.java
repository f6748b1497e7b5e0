package dev.rcpat.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The HTTP request → REST API proxy event mapping of the local API. */
class ProxyEventsTest {

    static Map<String, List<String>> headers(String... kv) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            h.computeIfAbsent(kv[i], k -> new java.util.ArrayList<>()).add(kv[i + 1]);
        }
        return h;
    }

    @Test
    void textRequestBecomesTheEventApiGatewaySends() {
        APIGatewayProxyRequestEvent e = ProxyEvents.fromHttp("POST", "/api/v1/users.generatePersonalAccessToken",
                "a=1&b=x%20y&a=2", headers("X-User-Id", "u1", "Accept", "text/plain", "Accept", "application/json",
                        "Content-Type", "application/json", "User-Agent", "curl/8"),
                "{\"tokenName\":\"ü\"}".getBytes(StandardCharsets.UTF_8), "127.0.0.1",
                "/api/v1/users.generatePersonalAccessToken");
        assertEquals("POST", e.getHttpMethod());
        assertEquals("/api/v1/users.generatePersonalAccessToken", e.getPath());
        assertEquals("/api/v1/users.generatePersonalAccessToken", e.getResource());
        assertEquals("application/json", e.getHeaders().get("Accept"), "the last value wins");
        assertEquals(List.of("text/plain", "application/json"), e.getMultiValueHeaders().get("Accept"));
        assertEquals("u1", e.getHeaders().get("X-User-Id"));
        assertEquals(Map.of("a", "2", "b", "x y"), e.getQueryStringParameters());
        assertEquals(Map.of("a", List.of("1", "2"), "b", List.of("x y")), e.getMultiValueQueryStringParameters());
        assertEquals("{\"tokenName\":\"ü\"}", e.getBody());
        assertEquals(false, e.getIsBase64Encoded());
        assertNull(e.getPathParameters());
        var ctx = e.getRequestContext();
        assertEquals("prod", ctx.getStage());
        assertEquals("/prod/api/v1/users.generatePersonalAccessToken", ctx.getPath());
        assertEquals("POST", ctx.getHttpMethod());
        assertEquals("127.0.0.1", ctx.getIdentity().getSourceIp());
        assertEquals("curl/8", ctx.getIdentity().getUserAgent());
        assertEquals(36, ctx.getRequestId().length());
    }

    @Test
    void noQueryAndNoBodyAreNull() {
        APIGatewayProxyRequestEvent e = ProxyEvents.fromHttp("GET", "/api/v1/users.getPersonalAccessTokens", null,
                headers("Host", "127.0.0.1"), new byte[0], "127.0.0.1", "/api/v1/users.getPersonalAccessTokens");
        assertNull(e.getQueryStringParameters());
        assertNull(e.getMultiValueQueryStringParameters());
        assertNull(e.getBody());
        assertEquals(false, e.getIsBase64Encoded());
    }

    @Test
    void binaryBodiesAreBase64() {
        byte[] bytes = {(byte) 0xff, 0, 1, 2};
        APIGatewayProxyRequestEvent e = ProxyEvents.fromHttp("POST", "/x", null,
                headers("Content-Type", "application/octet-stream"), bytes, "127.0.0.1", "/x");
        assertEquals(true, e.getIsBase64Encoded());
        assertEquals(Base64.getEncoder().encodeToString(bytes), e.getBody());
        e = ProxyEvents.fromHttp("POST", "/x", null, headers("Content-Type", "application/json"), bytes, "127.0.0.1", "/x");
        assertEquals(true, e.getIsBase64Encoded(), "bytes that are not UTF-8 cannot be passed as text");
    }
}
