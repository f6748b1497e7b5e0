package dev.rcpat.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The local API: an HTTP/1.1 server on 127.0.0.1 that turns each request into the proxy event
 * API Gateway would send and calls the real handler, as {@code sam local start-api} does.
 * Every answer is JSON with a Content-Length, malformed requests included: a request that is
 * malformed, over a limit or too slow to arrive is refused and its connection closed.
 */
public final class ProxyServer implements AutoCloseable {

    /** API Gateway's payload limit; the handlers enforce their own, smaller one. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** The time a request (head and body) has to arrive, counted from its first byte or the connection. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The time a kept-alive connection may wait for its next request. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
    /**
     * After a refusal the client may still be sending (a body too large); its bytes are read
     * and dropped this long so that it gets the answer rather than a connection reset.
     */
    private static final Duration LINGER = Duration.ofSeconds(2);
    /** How long {@link #close()} waits for the connections' threads, e.g. a handler still running. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    /** API Gateway's refusal of a body over 10 MB, in the shape template.yaml's DEFAULT_4XX gives it. */
    public static final String REQUEST_TOO_LONG = "{\"success\":false,\"error\":\"Request Too Long\"}";
    /** What API Gateway answers for a path or method the API does not declare (template.yaml's GatewayResponses). */
    public static final String RESOURCE_NOT_FOUND = "{\"success\":false,\"error\":\"Resource not found\"}";
    /** What API Gateway answers when a function fails (template.yaml's DEFAULT_5XX). */
    public static final String FUNCTION_FAILED = "{\"success\":false,\"error\":\"The service could not complete the request,"
            + " try again later [error-service-unavailable]\",\"errorType\":\"error-service-unavailable\"}";
    /** The headers of API Gateway's own answers besides Content-Type (template.yaml's GatewayResponses). */
    public static final Map<String, String> GATEWAY_HEADERS = Map.of("Cache-Control", "no-store", "Pragma", "no-cache",
            "X-Content-Type-Options", "nosniff");
    private static final String APPLICATION_JSON = "application/json";
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** An answer to write: headers as the handler gave them, without Content-Length and Connection. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        static Response json(int status, String json) {
            return new Response(status, Map.of("Content-Type", List.of(APPLICATION_JSON)),
                    json.getBytes(StandardCharsets.UTF_8));
        }

        /** An answer API Gateway gives itself, as template.yaml's GatewayResponses shape it. */
        static Response gateway(int status, String json) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("Content-Type", List.of(APPLICATION_JSON));
            GATEWAY_HEADERS.forEach((name, value) -> headers.put(name, List.of(value)));
            return new Response(status, headers, json.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final ServerSocket listener;
    private final Duration requestTimeout;
    private final Duration idleTimeout;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile HandlerRoutes routes;
    private volatile Consumer<String> errors = line -> { };

    private ProxyServer(ServerSocket listener, Duration requestTimeout, Duration idleTimeout) {
        this.listener = listener;
        this.requestTimeout = requestTimeout;
        this.idleTimeout = idleTimeout;
    }

    /** Binds 127.0.0.1:{@code port} (0: any free port), or says in one line why it cannot. */
    public static ProxyServer bind(int port) throws CliException {
        return bind(port, REQUEST_TIMEOUT, IDLE_TIMEOUT);
    }

    static ProxyServer bind(int port, Duration requestTimeout, Duration idleTimeout) throws CliException {
        ServerSocket listener = null;
        try {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 128);
            return new ProxyServer(listener, requestTimeout, idleTimeout);
        } catch (BindException e) {
            closeQuietly(listener);
            throw new CliException("port " + port + " on 127.0.0.1 is in use: stop what is using it, or choose another with --port N");
        } catch (IOException e) {
            closeQuietly(listener);
            throw new CliException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    public void start(HandlerRoutes routes, Consumer<String> errors) {
        this.routes = routes;
        this.errors = errors;
        threads.execute(this::acceptConnections);
    }

    private void acceptConnections() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
                // e.g. out of file descriptors: report, and go on once some may be free
                errors.accept("bin/local: local API cannot accept a connection: " + e.getMessage());
                pause(Duration.ofMillis(100));
                continue;
            }
            connections.add(socket);
            if (closed) {
                closeQuietly(socket);
                return;
            }
            try {
                threads.execute(() -> serve(socket));
            } catch (RejectedExecutionException closing) {
                closeQuietly(socket);
                return;
            }
        }
    }

    /** Answers the requests of one connection in turn until either side closes it or it times out. */
    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            Deadline deadline = new Deadline(socket);
            InputStream in = new BufferedInputStream(deadline);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            HttpRequestReader reader = new HttpRequestReader(in);
            String sourceIp = socket.getInetAddress().getHostAddress();
            deadline.expireAfter(requestTimeout);
            boolean firstRequest = true;
            while (!closed) {
                if (!firstRequest) {
                    deadline.expireAfter(idleTimeout);
                    if (!awaitByte(in)) {
                        return;
                    }
                    deadline.expireAfter(requestTimeout);
                }
                firstRequest = false;
                HttpRequestReader.Head head;
                byte[] body;
                try {
                    head = reader.readHead();
                    if (head == null) {
                        return;
                    }
                    if (head.expectsContinue()) {
                        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                    body = reader.readBody(head);
                } catch (HttpRequestReader.Refused refused) {
                    refuse(socket, deadline, in, out, Response.gateway(refused.status, refused.body));
                    return;
                } catch (SocketTimeoutException tooSlow) {
                    if (reader.requestStarted()) {
                        refuse(socket, deadline, in, out, Response.gateway(408, errorJson("Request timeout")));
                    }
                    return;
                }
                Response response = dispatch(head, body, sourceIp);
                boolean keepAlive = head.keepAlive() && !closed;
                write(out, response, head.method().equals("HEAD"), keepAlive
                        ? List.of("Connection: keep-alive", "Keep-Alive: timeout=" + advertisedIdleSeconds())
                        : List.of("Connection: close"));
                if (!keepAlive) {
                    lingerAndClose(socket, deadline, in);
                    return;
                }
            }
        } catch (IOException clientGone) {
            // a reset or closed connection: nothing to answer
        } catch (RuntimeException bug) {
            errors.accept("bin/local: local API failed on a connection: " + bug);
        } finally {
            connections.remove(socket);
        }
    }

    /** One second less than this server waits, so that a client drops an idle connection before the server does. */
    private long advertisedIdleSeconds() {
        return Math.max(1, idleTimeout.toSeconds() - 1);
    }

    /**
     * The answer to one well-formed request: the handler of its route called with the event API
     * Gateway would send, or the 404 API Gateway gives when no route matches (as template.yaml's
     * GatewayResponses shape it).
     */
    private Response dispatch(HttpRequestReader.Head request, byte[] body, String sourceIp) {
        // HandlerRoutes matches methods ignoring case; API Gateway does not.
        var bound = routes.find(request.method(), request.path())
                .filter(b -> b.route().method().equals(request.method()));
        if (bound.isEmpty()) {
            return Response.gateway(404, RESOURCE_NOT_FOUND);
        }
        HandlerRoutes.Route route = bound.get().route();
        APIGatewayProxyRequestEvent event = ProxyEvents.fromHttp(request.method(), request.path(), request.rawQuery(),
                copy(request.headers()), body, sourceIp, route.path());
        try {
            APIGatewayProxyResponseEvent response = bound.get().handler().handleRequest(event,
                    new LocalContext(route.functionId(), event.getRequestContext().getRequestId(), errors));
            return fromProxy(response);
        } catch (RuntimeException | Error crash) {
            // What API Gateway answers when a function fails or returns a malformed proxy response.
            errors.accept("bin/local: " + route.functionId() + " failed: " + crash);
            return Response.gateway(502, FUNCTION_FAILED);
        }
    }

    private static Response fromProxy(APIGatewayProxyResponseEvent r) {
        int status = r.getStatusCode() == null ? 200 : r.getStatusCode();
        if (status < 200 || status > 599) {
            throw new IllegalStateException("status code " + status + " in the proxy response");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (r.getMultiValueHeaders() != null) {
            r.getMultiValueHeaders().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
        }
        if (r.getHeaders() != null) {
            r.getHeaders().forEach((k, v) -> headers.put(k, List.of(v)));
        }
        headers.forEach((name, values) -> {
            boolean valid = name != null && !name.isBlank() && values.stream().allMatch(ProxyServer::isSafeHeaderText)
                    && isSafeHeaderText(name) && !name.contains(":");
            if (!valid) {
                throw new IllegalStateException("malformed header in the proxy response: " + name);
            }
        });
        String body = r.getBody() == null ? "" : r.getBody();
        byte[] bytes = Boolean.TRUE.equals(r.getIsBase64Encoded())
                ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
        return new Response(status, headers, bytes);
    }

    /** No CR, LF or NUL, which would end or split the response head. */
    private static boolean isSafeHeaderText(String s) {
        return s != null && s.indexOf('\r') < 0 && s.indexOf('\n') < 0 && s.indexOf('\0') < 0;
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
        return copy;
    }

    /** @param connectionHeaders the lines saying whether the connection stays open */
    private static void write(OutputStream out, Response r, boolean headRequest, List<String> connectionHeaders)
            throws IOException {
        StringBuilder head = new StringBuilder(256)
                .append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n")
                .append("Date: ").append(HTTP_DATE.format(Instant.now())).append("\r\n");
        r.headers().forEach((name, values) -> {
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                    || name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive")
                    || name.equalsIgnoreCase("Date")) {
                return; // framing and connection are this server's, as they are API Gateway's
            }
            values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n"));
        });
        boolean bodyAllowed = r.status() != 204 && r.status() != 304;
        if (bodyAllowed) {
            head.append("Content-Length: ").append(r.body().length).append("\r\n");
        }
        connectionHeaders.forEach(h -> head.append(h).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (bodyAllowed && !headRequest) {
            out.write(r.body());
        }
        out.flush();
    }

    /** Answers a refused request and closes its connection, whose remaining input cannot be trusted. */
    private static void refuse(Socket socket, Deadline deadline, InputStream in, OutputStream out, Response response)
            throws IOException {
        write(out, response, false, List.of("Connection: close"));
        lingerAndClose(socket, deadline, in);
    }

    private static void lingerAndClose(Socket socket, Deadline deadline, InputStream in) throws IOException {
        socket.shutdownOutput();
        deadline.expireAfter(LINGER);
        byte[] sink = new byte[8192];
        long dropped = 0;
        try {
            int n;
            while (dropped <= 2L * MAX_BODY_BYTES && (n = in.read(sink)) >= 0) {
                dropped += n;
            }
        } catch (SocketTimeoutException enough) {
            // the client had its time to read the answer
        }
        socket.close();
    }

    /** Whether a byte arrives before the deadline (it is left in the stream). */
    private static boolean awaitByte(InputStream in) throws IOException {
        in.mark(1);
        try {
            if (in.read() < 0) {
                return false;
            }
        } catch (SocketTimeoutException idle) {
            return false;
        }
        in.reset();
        return true;
    }

    static String errorJson(String message) {
        return "{\"success\":false,\"error\":" + jsonString(message) + "}";
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    /** Stops accepting, closes every open connection (a handler running on one finishes unanswered). */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        connections.forEach(ProxyServer::closeQuietly);
        threads.shutdownNow();
        // A socket closed while a thread is blocked on it is released only once that thread
        // wakes up: until then the port would still accept connections and could not be bound.
        try {
            threads.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A socket's input whose reads fail with {@link SocketTimeoutException} once a deadline has
     * passed, so that a client trickling bytes cannot stretch a request past it as a plain read
     * timeout would allow.
     */
    private static final class Deadline extends FilterInputStream {
        private final Socket socket;
        private long deadlineNanos;

        Deadline(Socket socket) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
        }

        void expireAfter(Duration timeout) {
            deadlineNanos = System.nanoTime() + timeout.toNanos();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long remainingMillis = Math.ceilDiv(deadlineNanos - System.nanoTime(), 1_000_000L);
            if (remainingMillis <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.min(remainingMillis, Integer.MAX_VALUE));
            return super.read(b, off, len);
        }
    }
}
