package dev.rcpat.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.CompositionRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local API server on hostile and ordinary HTTP, over a route whose handler echoes the event it gets. */
class ProxyServerTest {

    static final String ECHO = "/api/v1/test.echo";
    static final String CRASH = "/api/v1/test.crash";
    static final Duration REQUEST_TIMEOUT = Duration.ofMillis(300);
    static final Duration IDLE_TIMEOUT = Duration.ofMillis(300);

    /** The events the handlers got, for the test to look at (handlers are constructed by class name). */
    static final BlockingQueue<APIGatewayProxyRequestEvent> RECEIVED = new LinkedBlockingQueue<>();

    /** Answers 200 {"body": the request body}. */
    public static final class Echo implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
        public Echo(CompositionRoot unused) { }

        @Override
        public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
            RECEIVED.add(event);
            return new APIGatewayProxyResponseEvent().withStatusCode(200)
                    .withHeaders(Map.of("Content-Type", "application/json"))
                    .withBody("{\"body\":" + ProxyServer.jsonString(String.valueOf(event.getBody())) + "}");
        }
    }

    public static final class Crash implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
        public Crash(CompositionRoot unused) { }

        @Override
        public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
            throw new IllegalStateException("the handler broke");
        }
    }

    final List<String> errors = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();
    ProxyServer server;

    @BeforeEach
    void start() throws CliException {
        RECEIVED.clear();
        HandlerRoutes routes = HandlerRoutes.bind(List.of(
                new HandlerRoutes.Route("POST", ECHO, "EchoFunction", Echo.class.getName()),
                new HandlerRoutes.Route("GET", CRASH, "CrashFunction", Crash.class.getName())), null);
        assertEquals(2, routes.served().size());
        server = ProxyServer.bind(0, REQUEST_TIMEOUT, IDLE_TIMEOUT);
        server.start(routes, errors::add);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---- raw HTTP ----------------------------------------------------------------------------

    record Raw(String statusLine, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout(5000);
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        send(s, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    static void send(Socket s, byte[] bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** One response off the socket: status line, headers (names lower-cased), body by Content-Length. */
    static Raw read(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        String statusLine = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new Raw(statusLine, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-line after: " + line);
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        assertTrue(s.endsWith("\r"), "CRLF line ending: " + s);
        return s.substring(0, s.length() - 1);
    }

    static void assertClosedByServer(Socket s) throws IOException {
        assertEquals(-1, s.getInputStream().read(), "the server closed the connection");
    }

    static void assertJson(String statusLine, String body, Raw r) {
        assertEquals(statusLine, r.statusLine(), r.toString());
        assertEquals("application/json", r.header("Content-Type"), r.toString());
        assertEquals(body, r.body());
        assertEquals(String.valueOf(body.getBytes(StandardCharsets.UTF_8).length), r.header("Content-Length"));
    }

    /** Sends {@code request} on a new connection; the answer must be {@code statusLine} and {@code body}, then a close. */
    void assertRefused(String request, String statusLine, String body) throws IOException {
        assertRefused(request.getBytes(StandardCharsets.ISO_8859_1), statusLine, body);
    }

    void assertRefused(byte[] request, String statusLine, String body) throws IOException {
        try (Socket s = connect()) {
            send(s, request);
            Raw r = read(s);
            assertJson(statusLine, body, r);
            assertEquals("close", r.header("Connection"));
            assertClosedByServer(s);
        }
    }

    static String badRequest(String reason) {
        return "{\"success\":false,\"error\":\"Bad request: " + reason + "\"}";
    }

    // ---- malformed requests ------------------------------------------------------------------

    @Test
    void malformedRequestLineIs400Json() throws IOException {
        assertRefused("GET /x\r\nHost: a\r\n\r\n", "HTTP/1.1 400 Bad Request", badRequest("malformed request line"));
        assertRefused("GET  /x HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 400 Bad Request", badRequest("malformed request line"));
        assertRefused("GET /x HTTP/1.1 extra\r\nHost: a\r\n\r\n", "HTTP/1.1 400 Bad Request", badRequest("malformed request line"));
        assertRefused("G(E)T /x HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 400 Bad Request", badRequest("malformed request line"));
        assertRefused("GET x HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 400 Bad Request",
                badRequest("request target must be a path"));
        assertRefused("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 400 Bad Request",
                badRequest("malformed percent-encoding in path"));
        assertRefused("GET /x HTTP/2.0\r\nHost: a\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported",
                "{\"success\":false,\"error\":\"HTTP version not supported\"}");
    }

    @Test
    void nonHttpBytesAre400JsonAtOnce() throws IOException {
        byte[] tlsClientHello = {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03};
        assertRefused(tlsClientHello, "HTTP/1.1 400 Bad Request", badRequest("invalid character in request line"));
        assertRefused("hello there\n", "HTTP/1.1 400 Bad Request", badRequest("malformed request line"));
        assertRefused("POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n", "HTTP/1.1 400 Bad Request",
                badRequest("invalid character in header"));
    }

    @Test
    void malformedHeaderLinesAre400Json() throws IOException {
        for (String bad : List.of("NoColon", ": no name", "Bad Name: x", "Name : x", " folded: x")) {
            assertRefused("GET " + ECHO + " HTTP/1.1\r\nHost: a\r\n" + bad + "\r\n\r\n", "HTTP/1.1 400 Bad Request",
                    badRequest("malformed header line"));
        }
        assertRefused("GET " + ECHO + " HTTP/1.1\r\nHost: a\rX: y\r\n\r\n", "HTTP/1.1 400 Bad Request",
                badRequest("malformed header line"));
        assertRefused("GET " + ECHO + " HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request", badRequest("missing Host header"));
    }

    @Test
    void badContentLengthIs400Json() throws IOException {
        for (String value : List.of("12abc", "-1", "", "1, 2", "0x10", "+5")) {
            assertRefused("POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: " + value + "\r\n\r\n",
                    "HTTP/1.1 400 Bad Request", badRequest("invalid Content-Length"));
        }
        assertRefused("POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                "HTTP/1.1 400 Bad Request", badRequest("invalid Content-Length"));
        assertRefused("POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                "HTTP/1.1 400 Bad Request", badRequest("both Content-Length and Transfer-Encoding"));
        assertEquals(List.of(), List.copyOf(RECEIVED));
    }

    @Test
    void badChunkedBodiesAre400Json() throws IOException {
        String head = "POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (String body : List.of("x\r\n", "5\r\nhelloXX0\r\n\r\n", "-1\r\n", "5 5\r\nhello\r\n0\r\n\r\n")) {
            assertRefused(head + body, "HTTP/1.1 400 Bad Request", badRequest("malformed chunked body"));
        }
        assertRefused(head.replace("chunked", "chunked, gzip"), "HTTP/1.1 400 Bad Request",
                badRequest("invalid Transfer-Encoding"));
        assertRefused(head.replace("chunked", "gzip, chunked"), "HTTP/1.1 501 Not Implemented",
                "{\"success\":false,\"error\":\"Transfer-Encoding not supported: gzip, chunked\"}");
    }

    // ---- limits ------------------------------------------------------------------------------

    @Test
    void headersOver16KiBAre431Json() throws IOException {
        assertRefused("GET " + ECHO + " HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(20 * 1024) + "\r\n\r\n",
                "HTTP/1.1 431 Request Header Fields Too Large",
                "{\"success\":false,\"error\":\"Request header fields too large\"}");
        assertRefused("GET /" + "a".repeat(17 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n",
                "HTTP/1.1 431 Request Header Fields Too Large",
                "{\"success\":false,\"error\":\"Request header fields too large\"}");
    }

    @Test
    void moreThan100HeaderLinesAre431Json() throws IOException {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }
        assertRefused("GET " + ECHO + " HTTP/1.1\r\nHost: a\r\n" + headers + "\r\n",
                "HTTP/1.1 431 Request Header Fields Too Large",
                "{\"success\":false,\"error\":\"Request header fields too large\"}");
    }

    @Test
    void bodyOver10MiBIs413() throws Exception {
        assertRefused("POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: " + (ProxyServer.MAX_BODY_BYTES + 1)
                + "\r\n\r\n", "HTTP/1.1 413 Content Too Large", "{\"success\":false,\"error\":\"Request Too Long\"}");
        assertRefused("POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                "HTTP/1.1 413 Content Too Large", "{\"success\":false,\"error\":\"Request Too Long\"}");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(ECHO)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[ProxyServer.MAX_BODY_BYTES + 1])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode());
        assertEquals("{\"success\":false,\"error\":\"Request Too Long\"}", r.body());
        assertEquals(List.of(), List.copyOf(RECEIVED));
    }

    @Test
    void stalledHalfRequestIsAnswered408AndClosedWithinTheTimeout() throws IOException {
        for (String half : List.of("POST " + ECHO + " HTTP/1.1\r\nHost: a\r\n",
                "POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhalf")) {
            try (Socket s = connect()) {
                long started = System.nanoTime();
                send(s, half);
                Raw r = read(s);
                assertClosedByServer(s);
                long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
                assertJson("HTTP/1.1 408 Request Timeout", "{\"success\":false,\"error\":\"Request timeout\"}", r);
                assertTrue(elapsedMillis >= REQUEST_TIMEOUT.toMillis() - 50 && elapsedMillis < 3000,
                        elapsedMillis + " ms");
            }
        }
    }

    @Test
    void aClientTricklingBytesCannotOutlastTheRequestTimeout() throws Exception {
        try (Socket s = connect()) {
            long started = System.nanoTime();
            String request = "POST " + ECHO + " HTTP/1.1\r\nHost: a\r\n";
            for (int i = 0; i < request.length(); i++) {
                try {
                    send(s, request.substring(i, i + 1));
                } catch (IOException closed) {
                    break;
                }
                Thread.sleep(50);
                if (s.getInputStream().available() > 0) {
                    break;
                }
            }
            Raw r = read(s);
            assertEquals("HTTP/1.1 408 Request Timeout", r.statusLine());
            assertTrue((System.nanoTime() - started) / 1_000_000 < 2000);
        }
    }

    @Test
    void silentAndIdleConnectionsAreClosedWithoutAnAnswer() throws IOException {
        try (Socket silent = connect()) {
            assertClosedByServer(silent);
        }
        try (Socket idle = connect()) {
            send(idle, "POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
            assertEquals("HTTP/1.1 200 OK", read(idle).statusLine());
            long started = System.nanoTime();
            assertClosedByServer(idle);
            assertTrue((System.nanoTime() - started) / 1_000_000 < 3000);
        }
    }

    // ---- dispatch ----------------------------------------------------------------------------

    /** API Gateway's own answers carry the functions' JSON headers (template.yaml's GatewayResponses). */
    static void assertGatewayHeaders(HttpResponse<String> r) {
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("no-cache", r.headers().firstValue("Pragma").orElse(null));
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
    }

    @Test
    void methodsAreCaseSensitiveAndUnknownRoutesAre404Json() throws Exception {
        String notFound = "{\"success\":false,\"error\":\"Resource not found\"}";
        try (Socket s = connect()) {
            send(s, "post " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
            assertJson("HTTP/1.1 404 Not Found", notFound, read(s));
            send(s, "GET " + ECHO + " HTTP/1.1\r\nHost: a\r\n\r\n");
            assertJson("HTTP/1.1 404 Not Found", notFound, read(s));
            send(s, "GET /a%22b%5Cc HTTP/1.1\r\nHost: a\r\n\r\n");
            assertJson("HTTP/1.1 404 Not Found", notFound, read(s));
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/api/v1/users.nothing"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertGatewayHeaders(r);
        assertEquals(notFound, r.body());
        assertEquals(List.of(), List.copyOf(RECEIVED));
    }

    @Test
    void keepAliveServesTwoRequestsOnOneConnection() throws Exception {
        try (Socket s = connect()) {
            send(s, "POST " + ECHO + "?a=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nfirst");
            Raw first = read(s);
            assertJson("HTTP/1.1 200 OK", "{\"body\":\"first\"}", first);
            assertEquals("keep-alive", first.header("Connection"));
            assertNotNull(first.header("Keep-Alive"));
            send(s, "POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecond");
            Raw second = read(s);
            assertJson("HTTP/1.1 200 OK", "{\"body\":\"second\"}", second);
            assertEquals("close", second.header("Connection"));
            assertClosedByServer(s);
        }
        APIGatewayProxyRequestEvent first = RECEIVED.poll(1, TimeUnit.SECONDS);
        assertNotNull(first);
        assertEquals(Map.of("a", "1"), first.getQueryStringParameters());
        assertEquals("application/json", first.getHeaders().get("Content-Type"));
        assertEquals("POST", first.getHttpMethod());
        assertEquals(ECHO, first.getResource());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket s = connect()) {
            send(s, "POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n1"
                    + "POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n2");
            assertJson("HTTP/1.1 200 OK", "{\"body\":\"1\"}", read(s));
            assertJson("HTTP/1.1 200 OK", "{\"body\":\"2\"}", read(s));
        }
    }

    @Test
    void chunkedBodyReachesTheHandler() throws Exception {
        try (Socket s = connect()) {
            send(s, "POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
            assertJson("HTTP/1.1 200 OK", "{\"body\":\"hello world\"}", read(s));
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(ECHO)))
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream("streamed".getBytes(StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("{\"body\":\"streamed\"}", r.body());
    }

    @Test
    void expect100ContinueIsAnswered() throws Exception {
        try (Socket s = connect()) {
            send(s, "POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
            assertEquals("HTTP/1.1 100 Continue", line(s.getInputStream()));
            assertEquals("", line(s.getInputStream()));
            send(s, "body");
            assertJson("HTTP/1.1 200 OK", "{\"body\":\"body\"}", read(s));
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(ECHO))).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(2000))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
    }

    @Test
    void theClientsAddressIsTheSourceIp() throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            s.setSoTimeout(5000);
            send(s, "POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nUser-Agent: raw/1\r\nContent-Length: 0\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK", read(s).statusLine());
        }
        APIGatewayProxyRequestEvent event = RECEIVED.poll(1, TimeUnit.SECONDS);
        assertNotNull(event);
        assertEquals("127.0.0.2", event.getRequestContext().getIdentity().getSourceIp());
        assertEquals("raw/1", event.getRequestContext().getIdentity().getUserAgent());
    }

    @Test
    void aHandlerThatThrowsIs502() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(CRASH))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, r.statusCode());
        assertGatewayHeaders(r);
        assertEquals("{\"success\":false,\"error\":\"The service could not complete the request, try again later"
                + " [error-service-unavailable]\",\"errorType\":\"error-service-unavailable\"}", r.body());
        assertEquals(List.of("bin/local: CrashFunction failed: java.lang.IllegalStateException: the handler broke"), errors);
    }

    @Test
    void headGetsTheHeadersWithoutTheBody() throws IOException {
        try (Socket s = connect()) {
            send(s, "HEAD /nothing HTTP/1.1\r\nHost: a\r\n\r\n");
            InputStream in = s.getInputStream();
            assertEquals("HTTP/1.1 404 Not Found", line(in));
            String headers = "";
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                headers += h + "\n";
            }
            int length = ProxyServer.RESOURCE_NOT_FOUND.length();
            assertTrue(headers.contains("Content-Length: " + length + "\n"), headers);
            send(s, "GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals("HTTP/1.1 404 Not Found", read(s).statusLine(), "no body was sent for HEAD");
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    @Test
    void closeStopsAcceptingAndClosesOpenConnections() throws Exception {
        try (Socket open = connect()) {
            send(open, "POST " + ECHO + " HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
            read(open);
            server.close();
            assertClosedByServer(open);
        }
        // Nothing listens on the port any more: it can be bound again.
        new ServerSocket(server.port(), 1, InetAddress.getLoopbackAddress()).close();
    }

    @Test
    void thePortIsFreeOnceCloseReturns() throws Exception {
        for (int i = 0; i < 50; i++) {
            ProxyServer another = ProxyServer.bind(0);
            another.start(HandlerRoutes.bind(List.of(), null), errors::add);
            another.close();
            new ServerSocket(another.port(), 1, InetAddress.getLoopbackAddress()).close();
        }
    }

    @Test
    void aPortInUseIsOneLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliException e = assertThrows(CliException.class, () -> ProxyServer.bind(taken.getLocalPort()));
            assertEquals("port " + taken.getLocalPort()
                    + " on 127.0.0.1 is in use: stop what is using it, or choose another with --port N", e.getMessage());
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }
}
