package dev.rcpat.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * An HTTP request turned into the event API Gateway's REST API proxy integration sends to a
 * function: method, path and resource, headers (last value wins) and multiValueHeaders,
 * decoded query parameters (null when there are none), the body (base64 when it is not text),
 * and the request context with the caller's IP and user agent.
 */
public final class ProxyEvents {

    public static final String STAGE = "prod";
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private ProxyEvents() { }

    /**
     * @param rawQuery the query string as sent (still percent-encoded), or null
     * @param headers  header names as received, each with its values in order
     * @param resource the API Gateway resource path the request matched (equal to the path when it has no parameters)
     */
    public static APIGatewayProxyRequestEvent fromHttp(String method, String path, String rawQuery,
                                                       Map<String, List<String>> headers, byte[] body,
                                                       String sourceIp, String resource) {
        return fromHttp(method, path, rawQuery, headers, body, sourceIp, resource, null);
    }

    /** @param pathParameters the values of the resource path's {@code {name}} segments, or null when it has none */
    public static APIGatewayProxyRequestEvent fromHttp(String method, String path, String rawQuery,
                                                       Map<String, List<String>> headers, byte[] body,
                                                       String sourceIp, String resource,
                                                       Map<String, String> pathParameters) {
        Map<String, String> single = new LinkedHashMap<>();
        Map<String, List<String>> multi = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (values == null || values.isEmpty()) {
                return;
            }
            multi.put(name, List.copyOf(values));
            single.put(name, values.get(values.size() - 1));
        });
        String userAgent = headerValue(single, "User-Agent");

        Map<String, List<String>> query = parseQuery(rawQuery);
        Map<String, String> singleQuery = null;
        Map<String, List<String>> multiQuery = null;
        if (!query.isEmpty()) {
            singleQuery = new LinkedHashMap<>();
            multiQuery = new LinkedHashMap<>();
            for (var e : query.entrySet()) {
                singleQuery.put(e.getKey(), e.getValue().get(e.getValue().size() - 1));
                multiQuery.put(e.getKey(), List.copyOf(e.getValue()));
            }
        }

        String textBody = null;
        boolean base64 = false;
        if (body != null && body.length > 0) {
            String text = isText(headerValue(single, "Content-Type")) ? utf8OrNull(body) : null;
            if (text != null) {
                textBody = text;
            } else {
                textBody = Base64.getEncoder().encodeToString(body);
                base64 = true;
            }
        }

        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setSourceIp(sourceIp);
        identity.setUserAgent(userAgent);
        Instant now = Instant.now();
        APIGatewayProxyRequestEvent.ProxyRequestContext ctx = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        ctx.setAccountId("000000000000");
        ctx.setApiId("local");
        ctx.setResourceId("local");
        ctx.setStage(STAGE);
        ctx.setRequestId(UUID.randomUUID().toString());
        ctx.setExtendedRequestId(ctx.getRequestId());
        ctx.setHttpMethod(method);
        ctx.setResourcePath(resource);
        ctx.setPath("/" + STAGE + path);
        ctx.setProtocol("HTTP/1.1");
        ctx.setRequestTime(REQUEST_TIME.format(now));
        ctx.setRequestTimeEpoch(now.toEpochMilli());
        ctx.setDomainName("127.0.0.1");
        ctx.setIdentity(identity);

        return new APIGatewayProxyRequestEvent()
                .withHttpMethod(method)
                .withPath(path)
                .withResource(resource)
                .withHeaders(single.isEmpty() ? null : single)
                .withMultiValueHeaders(multi.isEmpty() ? null : multi)
                .withQueryStringParameters(singleQuery)
                .withMultiValueQueryStringParameters(multiQuery)
                .withPathParameters(pathParameters == null ? null : Map.copyOf(pathParameters))
                .withStageVariables(null)
                .withBody(textBody)
                .withIsBase64Encoded(base64)
                .withRequestContext(ctx);
    }

    static String headerValue(Map<String, String> headers, String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Bodies a REST API without binary media types passes as text. */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return true;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        return t.startsWith("text/") || t.startsWith("application/json") || t.contains("+json")
                || t.startsWith("application/x-www-form-urlencoded") || t.startsWith("application/xml")
                || t.contains("+xml") || t.startsWith("application/javascript");
    }

    private static String utf8OrNull(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException notText) {
            return null;
        }
    }

    static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return s;
        }
    }
}
