package dev.rcpat.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcpat.domain.Client;
import dev.rcpat.domain.Refusal;
import dev.rcpat.json.JsonCodec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of an API Gateway proxy event the endpoints use: headers by case-insensitive name,
 * the caller's address and user agent, and the body as a JSON object (from JSON or
 * form-urlencoded, plain or base64-encoded).
 */
public final class ApiRequest {

    /** Bodies above this are refused before parsing. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final APIGatewayProxyRequestEvent event;

    public ApiRequest(APIGatewayProxyRequestEvent event) {
        this.event = event;
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((k, v) -> {
                if (k != null && v != null) {
                    headers.put(k, v);
                }
            });
        }
        // REST APIs also pass multi-value headers; take the first where the single map lacks one.
        if (event.getMultiValueHeaders() != null) {
            event.getMultiValueHeaders().forEach((k, v) -> {
                if (k != null && v != null && !v.isEmpty() && !headers.containsKey(k)) {
                    headers.put(k, v.get(0));
                }
            });
        }
    }

    /** The header's value, or null when absent or empty. */
    public String header(String name) {
        String v = headers.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    public String sourceIp() {
        var ctx = event.getRequestContext();
        if (ctx != null && ctx.getIdentity() != null && ctx.getIdentity().getSourceIp() != null) {
            return ctx.getIdentity().getSourceIp();
        }
        return "";
    }

    public String userAgent() {
        var ctx = event.getRequestContext();
        if (ctx != null && ctx.getIdentity() != null && ctx.getIdentity().getUserAgent() != null) {
            return ctx.getIdentity().getUserAgent();
        }
        String ua = header("User-Agent");
        return ua == null ? "" : ua;
    }

    public String requestId() {
        var ctx = event.getRequestContext();
        return ctx == null ? null : ctx.getRequestId();
    }

    /** Refuses an oversized body without decoding it. */
    public void checkBodySize() throws Refusal {
        String body = event.getBody();
        if (body == null) {
            return;
        }
        boolean base64 = Boolean.TRUE.equals(event.getIsBase64Encoded());
        // Every char is at least one byte, and base64 decodes to 3/4 of its length: both bounds
        // are checked before any decoding. Exact byte counts are checked once decoded.
        long lowerBound = base64 ? (body.length() / 4L) * 3 : body.length();
        if (lowerBound > MAX_BODY_BYTES
                || (!base64 && body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES)) {
            throw Refusal.tooLarge(MAX_BODY_BYTES);
        }
    }

    /** The body as a JSON object; an absent or empty body, or any body of a GET, is an empty object. */
    public ObjectNode bodyObject() throws Refusal {
        String raw = event.getBody();
        // A GET's body has no meaning in HTTP, and Rocket.Chat ignores it.
        if (raw == null || raw.isEmpty() || "GET".equalsIgnoreCase(event.getHttpMethod())) {
            return JsonCodec.newObject();
        }
        if (Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(raw);
            } catch (IllegalArgumentException e) {
                throw Refusal.invalidParams("The request body is not valid base64");
            }
            if (bytes.length > MAX_BODY_BYTES) {
                throw Refusal.tooLarge(MAX_BODY_BYTES);
            }
            raw = utf8(bytes);
        }
        if (isFormEncoded()) {
            return formToObject(raw);
        }
        if (raw.isBlank()) {
            return JsonCodec.newObject();
        }
        JsonNode node;
        try {
            node = JsonCodec.parse(raw);
        } catch (JsonProcessingException e) {
            throw Refusal.invalidParams("The request body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw Refusal.invalidParams("The request body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /** The bytes as UTF-8 text; bytes that are not UTF-8 are refused rather than turned into U+FFFD. */
    private static String utf8(byte[] bytes) throws Refusal {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw Refusal.invalidParams("The request body is not valid UTF-8");
        }
    }

    /** The caller as API Gateway saw it. */
    public Client client() {
        return new Client(sourceIp(), userAgent(), requestId());
    }

    public String httpMethod() {
        return event.getHttpMethod();
    }

    /** The resource path the request matched (the path itself when API Gateway gave none). */
    public String resource() {
        return event.getResource() != null ? event.getResource() : event.getPath();
    }

    /** Whether the body is {@code application/x-www-form-urlencoded}: its fields are all text. */
    public boolean isFormEncoded() {
        String contentType = header("Content-Type");
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /**
     * Decodes a form field ({@code +} and percent escapes); escapes whose bytes are not UTF-8 are
     * refused rather than turned into U+FFFD.
     */
    private static String formDecode(String field) throws Refusal {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                int hi = i + 2 < field.length() ? Character.digit(field.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(field.charAt(i + 2), 16);
                if (lo < 0) {
                    throw new IllegalArgumentException("bad percent escape");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < field.length()
                    && Character.isLowSurrogate(field.charAt(i + 1))) {
                bytes.writeBytes(field.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
                i++;
            } else if (Character.isSurrogate(c)) {
                throw Refusal.invalidParams("The request body is not valid UTF-8");
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return utf8(bytes.toByteArray());
    }

    /**
     * Form fields become strings, as Rocket.Chat reads them: a field {@code tokenName=true} names a
     * token "true". Endpoints that take a boolean read "true"/"false" from a form themselves.
     */
    private static ObjectNode formToObject(String raw) throws Refusal {
        ObjectNode out = JsonCodec.newObject();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key;
            String value;
            try {
                key = formDecode(eq < 0 ? pair : pair.substring(0, eq));
                value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw Refusal.invalidParams("The request body is not valid form data");
            }
            out.put(key, value);
        }
        return out;
    }
}
