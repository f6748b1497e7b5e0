package dev.rcpat.web;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page's function on the events API Gateway sends it, and the files it serves. */
class PageHandlerTest {

    static final Path WEB = Path.of(System.getProperty("user.dir"), "src/main/resources/web");
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                    + "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
            "Referrer-Policy", "no-referrer",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Cross-Origin-Resource-Policy", "same-origin");

    final PageHandler handler = new PageHandler();

    static APIGatewayProxyRequestEvent get(String resource, String path, Map<String, String> pathParameters,
                                           String stagePath, Map<String, String> headers) {
        var context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setPath(stagePath);
        context.setStage("prod");
        return new APIGatewayProxyRequestEvent().withHttpMethod("GET").withResource(resource).withPath(path)
                .withPathParameters(pathParameters).withHeaders(headers).withRequestContext(context);
    }

    static APIGatewayProxyRequestEvent asset(String name) {
        return get(PageHandler.ASSET_RESOURCE, "/assets/" + name, Map.of("file", name), "/prod/assets/" + name, null);
    }

    static void assertSecurityHeaders(APIGatewayProxyResponseEvent r) {
        SECURITY_HEADERS.forEach((name, value) -> assertEquals(value, r.getHeaders().get(name), name));
    }

    @Test
    void thePageIsIndexHtmlNeverStored() throws IOException {
        APIGatewayProxyResponseEvent r = handler.handleRequest(get("/", "/", null, "/prod/", null), null);
        assertEquals(200, r.getStatusCode());
        assertEquals("text/html; charset=utf-8", r.getHeaders().get("Content-Type"));
        assertEquals("no-store", r.getHeaders().get("Cache-Control"));
        assertSecurityHeaders(r);
        assertEquals(Files.readString(WEB.resolve("index.html")), r.getBody());
        assertFalse(Boolean.TRUE.equals(r.getIsBase64Encoded()));
    }

    @Test
    void withoutTheTrailingSlashThePageRedirectsSoItsRelativeUrlsResolveUnderTheStage() {
        APIGatewayProxyResponseEvent r = handler.handleRequest(get("/", "/", null, "/prod", null), null);
        assertEquals(301, r.getStatusCode());
        assertEquals("/prod/", r.getHeaders().get("Location"));
        // A custom domain mapping the API at its root has no stage in the path.
        assertEquals(200, handler.handleRequest(get("/", "/", null, "/", null), null).getStatusCode());
    }

    @Test
    void everyFileTheTemplateOfThePageNamesIsServedWithItsTypeAndRevalidated() throws IOException {
        String html = Files.readString(WEB.resolve("index.html"));
        Matcher m = Pattern.compile("(?:src|href)=\"assets/([^\"]+)\"").matcher(html);
        int files = 0;
        while (m.find()) {
            String name = m.group(1);
            APIGatewayProxyResponseEvent r = handler.handleRequest(asset(name), null);
            assertEquals(200, r.getStatusCode(), name);
            assertEquals(Files.readString(WEB.resolve("assets").resolve(name)), r.getBody(), name);
            assertEquals("no-cache", r.getHeaders().get("Cache-Control"), name);
            assertTrue(r.getHeaders().get("ETag").matches("\"[0-9a-f]{32}\""), name);
            assertSecurityHeaders(r);
            String type = r.getHeaders().get("Content-Type");
            assertEquals(switch (name.substring(name.lastIndexOf('.') + 1)) {
                case "js" -> "text/javascript; charset=utf-8";
                case "css" -> "text/css; charset=utf-8";
                case "svg" -> "image/svg+xml";
                default -> "?";
            }, type, name);
            files++;
        }
        assertTrue(files >= 6, "index.html names its stylesheet, icon and modules: " + files);
    }

    @Test
    void aKnownEntityTagGets304WithoutABody() {
        String etag = handler.handleRequest(asset("main.js"), null).getHeaders().get("ETag");
        APIGatewayProxyRequestEvent again = asset("main.js").withHeaders(Map.of("if-none-match", etag));
        APIGatewayProxyResponseEvent r = handler.handleRequest(again, null);
        assertEquals(304, r.getStatusCode());
        assertEquals("", r.getBody());
        assertEquals(etag, r.getHeaders().get("ETag"));
        assertSecurityHeaders(r);
        APIGatewayProxyRequestEvent stale = asset("main.js").withHeaders(Map.of("If-None-Match", "\"0\""));
        assertEquals(200, handler.handleRequest(stale, null).getStatusCode());
    }

    @Test
    void namesOutsideTheAssetsAndUnknownFilesAre404() {
        for (String name : List.of("..", "../index.html", "%2e%2e", ".hidden.js", "main.JS", "main.js.map",
                "nothing.js", "PageHandler.class", "index.html", "")) {
            APIGatewayProxyResponseEvent r = handler.handleRequest(asset(name), null);
            assertEquals(404, r.getStatusCode(), name);
            assertEquals("text/plain; charset=utf-8", r.getHeaders().get("Content-Type"));
            assertSecurityHeaders(r);
        }
        assertEquals(404, handler.handleRequest(get(PageHandler.ASSET_RESOURCE, "/assets/", null, null, null), null)
                .getStatusCode());
        assertEquals(404, handler.handleRequest(get("/api/v1/me", "/api/v1/me", null, null, null), null).getStatusCode());
        APIGatewayProxyRequestEvent post = get("/", "/", null, "/prod/", null).withHttpMethod("POST");
        assertEquals(404, handler.handleRequest(post, null).getStatusCode());
    }

    /** Everything the page loads comes from its own origin: no CDN, no web font, no analytics. */
    @Test
    void thePageHasNoInlineScriptNorStyleAndNamesNoOtherOrigin() throws IOException {
        String html = Files.readString(WEB.resolve("index.html"));
        Matcher scripts = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        while (scripts.find()) {
            assertTrue(scripts.group(1).contains("src=\"assets/"), "a script without a file: " + scripts.group());
            assertEquals("", scripts.group(2).strip(), "inline script");
        }
        assertFalse(Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find(), "inline event handler");
        assertFalse(html.contains("<style") || Pattern.compile("\\sstyle\\s*=").matcher(html).find(), "inline style");
        assertFalse(html.toLowerCase().contains("javascript:"));
        try (Stream<Path> files = Files.walk(WEB)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                Matcher url = Pattern.compile("(?:https?:)?//[a-z0-9.-]+\\.[a-z]{2,}", Pattern.CASE_INSENSITIVE).matcher(text);
                while (url.find()) {
                    assertEquals("http://www.w3.org", url.group(), file + " names another origin");
                }
                assertFalse(text.contains("@import") || text.contains("localStorage.setItem") || text.contains("document.cookie"),
                        file + ": imports a stylesheet, or keeps something in localStorage or a cookie");
            }
        }
    }
}
