package dev.rcpat.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.1 requests off one connection for {@link ProxyServer}, strictly (RFC 9112): a
 * request that is malformed or over a limit is {@link Refused} with the answer to send, before
 * any handler sees it. The head is read as ISO-8859-1, byte for byte.
 */
final class HttpRequestReader {

    /** Request line and headers together, as API Gateway-like front ends limit them. */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_HEADER_LINES = 100;
    private static final int MAX_CHUNK_SIZE_LINE_BYTES = 1024;

    /**
     * A request head.
     *
     * @param path          the request path, percent-decoded (what API Gateway matches routes on)
     * @param rawQuery      the query as sent, or null when the target has no {@code ?}
     * @param headers       names as first spelled by the client (grouped ignoring case), values in order
     * @param contentLength the body's length when it is not chunked (0: no body)
     */
    record Head(String method, String path, String rawQuery, String version, Map<String, List<String>> headers,
                long contentLength, boolean chunked) {

        boolean http11() {
            return version.equals("HTTP/1.1");
        }

        boolean hasBody() {
            return chunked || contentLength > 0;
        }

        boolean expectsContinue() {
            return http11() && hasBody()
                    && values(headers, "Expect").stream().anyMatch(v -> v.equalsIgnoreCase("100-continue"));
        }

        /** HTTP/1.1 connections persist unless closed; HTTP/1.0 ones only when asked to. */
        boolean keepAlive() {
            List<String> connection = tokens(values(headers, "Connection"));
            return http11() ? !connection.contains("close") : connection.contains("keep-alive");
        }
    }

    /** A request refused before dispatch: the status and JSON body to answer, then close the connection. */
    static final class Refused extends Exception {
        final int status;
        final String body;

        Refused(int status, String body) {
            super(status + " " + body, null, false, false);
            this.status = status;
            this.body = body;
        }

        static Refused badRequest(String reason) {
            return new Refused(400, ProxyServer.errorJson("Bad request: " + reason));
        }

        static Refused headersTooLarge() {
            return new Refused(431, ProxyServer.errorJson("Request header fields too large"));
        }

        static Refused bodyTooLarge() {
            return new Refused(413, ProxyServer.REQUEST_TOO_LONG);
        }
    }

    private enum LineKind { REQUEST_LINE, HEADER }

    private final InputStream in;
    private int headBytes;
    private boolean requestStarted;

    /** @param in buffered: the head is read a byte at a time */
    HttpRequestReader(InputStream in) {
        this.in = in;
    }

    /** The next request's head, or null when the client closed the connection before sending a byte of it. */
    Head readHead() throws IOException, Refused {
        headBytes = 0;
        requestStarted = false;
        String requestLine;
        do {
            requestLine = readLine(LineKind.REQUEST_LINE);
            if (requestLine == null) {
                return null;
            }
        } while (requestLine.isEmpty()); // RFC 9112 2.2: empty lines before a request line are ignored
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
            throw Refused.badRequest("malformed request line");
        }
        String method = parts[0];
        String version = parts[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            if (version.matches("HTTP/[0-9](\\.[0-9])?")) {
                throw new Refused(505, ProxyServer.errorJson("HTTP version not supported"));
            }
            throw Refused.badRequest("malformed request line");
        }
        String target = originForm(parts[1]);
        int question = target.indexOf('?');
        String rawPath = question < 0 ? target : target.substring(0, question);
        String rawQuery = question < 0 ? null : target.substring(question + 1);
        String path = percentDecode(rawPath);

        Map<String, List<String>> headers = readHeaderSection();
        if (version.equals("HTTP/1.1")) {
            int hosts = values(headers, "Host").size();
            if (hosts != 1) {
                throw Refused.badRequest(hosts == 0 ? "missing Host header" : "more than one Host header");
            }
        }
        List<String> transferEncoding = values(headers, "Transfer-Encoding");
        List<String> contentLength = values(headers, "Content-Length");
        if (!transferEncoding.isEmpty()) {
            if (!contentLength.isEmpty()) {
                throw Refused.badRequest("both Content-Length and Transfer-Encoding");
            }
            List<String> codings = tokens(transferEncoding);
            if (codings.isEmpty() || codings.contains("") || !codings.get(codings.size() - 1).equals("chunked")) {
                throw Refused.badRequest("invalid Transfer-Encoding");
            }
            if (codings.size() > 1) {
                throw new Refused(501, ProxyServer.errorJson("Transfer-Encoding not supported: "
                        + String.join(", ", codings)));
            }
            return new Head(method, path, rawQuery, version, headers, 0, true);
        }
        long length = contentLength.isEmpty() ? 0 : contentLength(contentLength);
        if (length > ProxyServer.MAX_BODY_BYTES) {
            throw Refused.bodyTooLarge();
        }
        return new Head(method, path, rawQuery, version, headers, length, false);
    }

    /** Whether a byte of the request being read has arrived (a timeout before that is an idle connection). */
    boolean requestStarted() {
        return requestStarted;
    }

    /** The body {@code head} announces, read whole. */
    byte[] readBody(Head head) throws IOException, Refused {
        if (head.chunked()) {
            return readChunkedBody();
        }
        byte[] body = in.readNBytes((int) head.contentLength());
        if (body.length < head.contentLength()) {
            throw Refused.badRequest("body shorter than Content-Length");
        }
        return body;
    }

    private Map<String, List<String>> readHeaderSection() throws IOException, Refused {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int lines = 0;
        while (true) {
            String line = readLine(LineKind.HEADER);
            if (line == null) {
                throw Refused.badRequest("incomplete request head");
            }
            if (line.isEmpty()) {
                return headers;
            }
            if (++lines > MAX_HEADER_LINES) {
                throw Refused.headersTooLarge();
            }
            int colon = line.indexOf(':');
            // A name must be a token right before the colon; folded (indented) lines are obsolete.
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw Refused.badRequest("malformed header line");
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            String spelled = headers.keySet().stream().filter(name::equalsIgnoreCase).findFirst().orElse(name);
            headers.computeIfAbsent(spelled, k -> new ArrayList<>()).add(value);
        }
    }

    private byte[] readChunkedBody() throws IOException, Refused {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readChunkLine();
            int semicolon = sizeLine.indexOf(';'); // chunk extensions are ignored
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).stripTrailing();
            if (!hex.matches("[0-9A-Fa-f]+")) {
                throw Refused.badRequest("malformed chunked body");
            }
            String significant = hex.replaceFirst("^0+(?=.)", "");
            if (significant.length() > 8) {
                throw Refused.bodyTooLarge();
            }
            long size = Long.parseLong(significant, 16);
            if (size == 0) {
                break;
            }
            if (body.size() + size > ProxyServer.MAX_BODY_BYTES) {
                throw Refused.bodyTooLarge();
            }
            byte[] data = in.readNBytes((int) size);
            if (data.length < size || !readChunkLine().isEmpty()) {
                throw Refused.badRequest("malformed chunked body");
            }
            body.write(data);
        }
        // Trailer fields are read past and dropped, under the same limits as the head.
        headBytes = 0;
        int lines = 0;
        while (true) {
            String line = readLine(LineKind.HEADER);
            if (line == null) {
                throw Refused.badRequest("malformed chunked body");
            }
            if (line.isEmpty()) {
                return body.toByteArray();
            }
            if (++lines > MAX_HEADER_LINES) {
                throw Refused.headersTooLarge();
            }
        }
    }

    private String readChunkLine() throws IOException, Refused {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0 || line.length() > MAX_CHUNK_SIZE_LINE_BYTES) {
                throw Refused.badRequest("malformed chunked body");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw Refused.badRequest("malformed chunked body");
                }
                return line.toString();
            }
            if (b == '\n') {
                return line.toString();
            }
            if (!isFieldByte(b)) {
                throw Refused.badRequest("malformed chunked body");
            }
            line.append((char) b);
        }
    }

    /**
     * One line of the head without its CRLF (a bare LF is accepted too), checked byte by byte so
     * that binary garbage is refused at its first byte rather than after a timeout. Null when the
     * stream ends before the first byte of the head.
     */
    private String readLine(LineKind kind) throws IOException, Refused {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (headBytes == 0) {
                    return null;
                }
                throw Refused.badRequest("incomplete request head");
            }
            requestStarted = true;
            if (++headBytes > MAX_HEAD_BYTES) {
                throw Refused.headersTooLarge();
            }
            if (b == '\r') {
                b = in.read();
                headBytes++;
                if (b != '\n') {
                    throw Refused.badRequest(kind == LineKind.REQUEST_LINE
                            ? "malformed request line" : "malformed header line");
                }
                return line.toString();
            }
            if (b == '\n') {
                return line.toString();
            }
            if (kind == LineKind.REQUEST_LINE ? !(b >= 0x20 && b < 0x7f) : !isFieldByte(b)) {
                throw Refused.badRequest(kind == LineKind.REQUEST_LINE
                        ? "invalid character in request line" : "invalid character in header");
            }
            line.append((char) b);
        }
    }

    /** The path-and-query of a target in origin form ({@code /p?q}) or absolute form ({@code http://h/p?q}). */
    private static String originForm(String target) throws Refused {
        if (target.indexOf('#') >= 0) {
            throw Refused.badRequest("malformed request target");
        }
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            int authority = target.indexOf("://") + 3;
            int end = authority;
            while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
                end++;
            }
            String rest = target.substring(end);
            return rest.startsWith("/") ? rest : "/" + rest;
        }
        if (!target.startsWith("/")) {
            throw Refused.badRequest("request target must be a path");
        }
        return target;
    }

    private static String percentDecode(String rawPath) throws Refused {
        if (rawPath.indexOf('%') < 0) {
            return rawPath;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            int high = i + 2 < rawPath.length() ? Character.digit(rawPath.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(rawPath.charAt(i + 2), 16);
            if (low < 0) {
                throw Refused.badRequest("malformed percent-encoding in path");
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Content-Length's value: digits, the same in every copy of the header (RFC 9110 8.6). */
    private static long contentLength(List<String> values) throws Refused {
        String only = null;
        for (String value : values) {
            for (String v : value.split(",", -1)) {
                String digits = v.strip();
                if (!digits.matches("[0-9]+") || (only != null && !only.equals(digits))) {
                    throw Refused.badRequest("invalid Content-Length");
                }
                only = digits;
            }
        }
        String significant = only.replaceFirst("^0+(?=.)", "");
        return significant.length() > 18 ? Long.MAX_VALUE : Long.parseLong(significant);
    }

    static List<String> values(Map<String, List<String>> headers, String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return List.of();
    }

    /** The comma-separated, lower-cased tokens of a list header such as Connection. */
    private static List<String> tokens(List<String> values) {
        List<String> tokens = new ArrayList<>();
        for (String value : values) {
            for (String t : value.split(",", -1)) {
                tokens.add(t.strip().toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    /** Visible characters, space, tab and obs-text: what a field line may hold. */
    private static boolean isFieldByte(int b) {
        return b == '\t' || (b >= 0x20 && b != 0x7f);
    }
}
