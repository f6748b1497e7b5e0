package dev.rcpat.web;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The token page's function: {@code GET /} answers {@code web/index.html} and
 * {@code GET /assets/{file}} the page's other files, read from the artifact's class path, with
 * the page's security headers. It reads no setting and calls no AWS service, so its cold start is
 * a JVM and this class, and the API functions do not carry the page (docs/deploy.md, "The token page").
 */
public final class PageHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    public static final String PAGE_RESOURCE = "/";
    public static final String ASSET_RESOURCE = "/assets/{file}";

    /**
     * Scripts, styles, images and requests from this origin only; no inline script or style, no
     * framing, no form posted anywhere (the page's forms are handled by its script).
     */
    public static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "form-action 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'");

    /** The names a file under {@code web/assets/} may have: no path, no dot file, a known type. */
    private static final Pattern ASSET_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(js|css|svg)");
    /** How index.html names the files it loads. */
    private static final Pattern LINKED_ASSET = Pattern.compile("(?:src|href)=\"assets/([^\"]+)\"");
    private static final String WEB_ROOT = "/web/";
    private static final String PAGE = "index.html";

    /** A file as served: its bytes (all text), its type and its entity tag. */
    private record StaticFile(String body, String contentType, String etag) { }

    private final Map<String, StaticFile> loaded = new ConcurrentHashMap<>();

    /**
     * What Lambda calls, once per execution environment: reads the page and every file it names,
     * so a first visit is answered from memory (and a SnapStart snapshot holds them).
     */
    public PageHandler() {
        StaticFile page = file(PAGE);
        if (page == null) {
            throw new IllegalStateException("the artifact has no " + WEB_ROOT + PAGE);
        }
        Matcher linked = LINKED_ASSET.matcher(page.body());
        while (linked.find()) {
            if (file("assets/" + linked.group(1)) == null) {
                throw new IllegalStateException(PAGE + " names assets/" + linked.group(1) + ", which the artifact lacks");
            }
        }
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        if (!"GET".equals(event.getHttpMethod())) {
            return notFound();
        }
        String resource = event.getResource();
        if (PAGE_RESOURCE.equals(resource)) {
            Optional<String> slashless = pathWithoutTrailingSlash(event);
            if (slashless.isPresent()) {
                // https://…/prod would resolve the page's relative URLs against the host's root.
                return new APIGatewayProxyResponseEvent().withStatusCode(301)
                        .withHeaders(Map.of("Location", slashless.get() + "/", "Cache-Control", "no-store"))
                        .withBody("");
            }
            return serve(file(PAGE), event);
        }
        if (ASSET_RESOURCE.equals(resource) && event.getPathParameters() != null) {
            String name = event.getPathParameters().get("file");
            if (name != null && ASSET_NAME.matcher(name).matches()) {
                StaticFile asset = file("assets/" + name);
                if (asset != null) {
                    return serve(asset, event);
                }
            }
        }
        return notFound();
    }

    /** The stage path when the page was asked for without its trailing slash ({@code /prod}). */
    private static Optional<String> pathWithoutTrailingSlash(APIGatewayProxyRequestEvent event) {
        var context = event.getRequestContext();
        String path = context == null ? null : context.getPath();
        return path == null || path.isEmpty() || path.endsWith("/") ? Optional.empty() : Optional.of(path);
    }

    /**
     * The page itself is never stored (nor kept in the back-forward cache, which would show a
     * signed-out user's list again); its files are revalidated by entity tag, so a deploy takes
     * effect at the next load.
     */
    private static APIGatewayProxyResponseEvent serve(StaticFile file, APIGatewayProxyRequestEvent event) {
        Map<String, String> headers = securityHeaders();
        boolean page = file.contentType().startsWith("text/html");
        headers.put("Cache-Control", page ? "no-store" : "no-cache");
        if (!page) {
            headers.put("ETag", file.etag());
            if (file.etag().equals(header(event, "If-None-Match"))) {
                return new APIGatewayProxyResponseEvent().withStatusCode(304).withHeaders(headers).withBody("");
            }
        }
        headers.put("Content-Type", file.contentType());
        return new APIGatewayProxyResponseEvent().withStatusCode(200).withHeaders(headers)
                .withBody(file.body()).withIsBase64Encoded(false);
    }

    private static APIGatewayProxyResponseEvent notFound() {
        Map<String, String> headers = securityHeaders();
        headers.put("Content-Type", "text/plain; charset=utf-8");
        headers.put("Cache-Control", "no-store");
        return new APIGatewayProxyResponseEvent().withStatusCode(404).withHeaders(headers).withBody("Not found\n");
    }

    /** What every answer of the page carries. */
    public static Map<String, String> securityHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        h.put("Referrer-Policy", "no-referrer");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Cross-Origin-Resource-Policy", "same-origin");
        return h;
    }

    private static String header(APIGatewayProxyRequestEvent event, String name) {
        if (event.getHeaders() == null) {
            return null;
        }
        for (var e : event.getHeaders().entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** A file of {@code web/}, read once; null when the artifact has none of that name. */
    private StaticFile file(String path) {
        StaticFile cached = loaded.get(path);
        if (cached != null) {
            return cached;
        }
        StaticFile read = read(path);
        if (read != null) {
            loaded.put(path, read);
        }
        return read;
    }

    private static StaticFile read(String path) {
        try (InputStream in = PageHandler.class.getResourceAsStream(WEB_ROOT + path)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16) + "\"";
            return new StaticFile(new String(bytes, StandardCharsets.UTF_8), contentType(path), etag);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + WEB_ROOT + path + " from the artifact", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String contentType(String path) {
        if (path.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (path.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (path.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (path.endsWith(".svg")) {
            return "image/svg+xml";
        }
        throw new IllegalArgumentException("no content type for " + path);
    }
}
