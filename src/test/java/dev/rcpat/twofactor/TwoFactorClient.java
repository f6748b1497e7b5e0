package dev.rcpat.twofactor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.CompositionRoot;
import dev.rcpat.entrypoints.ApiHandler;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.SesMailbox;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rcpat.testing.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two-factor tests' way of calling users.generatePersonalAccessToken and reading its answers. */
final class TwoFactorClient {

    /** The details of a challenge to a user whose only method is TOTP. */
    static final String TOTP_ONLY = "{\"method\":\"totp\",\"codeGenerated\":false,\"availableMethods\":[\"totp\"]}";

    static final String PATH = "/api/v1/users.generatePersonalAccessToken";

    final ApiHandler handler;
    final String sourceIp;

    TwoFactorClient(CompositionRoot services) {
        this(new ApiHandler(services), Api.DEFAULT_SOURCE_IP);
    }

    private TwoFactorClient(ApiHandler handler, String sourceIp) {
        this.handler = handler;
        this.sourceIp = sourceIp;
    }

    /** The same services, called from another client address. */
    TwoFactorClient from(String otherSourceIp) {
        return new TwoFactorClient(handler, otherSourceIp);
    }

    /** A request as a client sends it; {@code method}/{@code code} null leave the 2FA headers out. */
    Api.Response generate(String userId, String token, String method, String code, String body, Map<String, String> extra) {
        Map<String, String> headers = Api.auth(userId, token);
        if (method != null) {
            headers.put("x-2fa-method", method);
        }
        if (code != null) {
            headers.put("x-2fa-code", code);
        }
        headers.putAll(extra);
        return Api.call(e -> handler.handleRequest(e, null), Api.post(PATH, headers, body, sourceIp));
    }

    Api.Response generate(String userId, String token, String code, String body) {
        return generate(userId, token, null, code, body, Map.of());
    }

    static void assertAnswer(int status, String expectedBody, Api.Response r) {
        assertEquals(json(expectedBody), r.body(), r.raw());
        assertEquals(status, r.status(), r.raw());
    }

    static void assertToken(Api.Response r) {
        assertEquals(200, r.status(), r.raw());
        assertEquals(json("{\"token\":\"" + r.token() + "\",\"success\":true}"), r.body());
    }

    /** {@code {"success":false,"error":...,"errorType":...,"details":...}} for a 2FA answer. */
    static String challenge(String errorType, String details) {
        String reason = switch (errorType) {
            case "totp-required" -> "TOTP Required";
            case "totp-invalid" -> "TOTP Invalid";
            case "totp-max-attempts" -> "TOTP Maximun Failed Attempts Reached";
            default -> throw new IllegalArgumentException(errorType);
        };
        return "{\"success\":false,\"error\":\"" + reason + " [" + errorType + "]\",\"errorType\":\"" + errorType
                + "\",\"details\":" + details + "}";
    }

    /** The one request log line of the last request of {@code userId}. */
    static JsonNode lastRequestLine(String userId) {
        List<String> lines = LogCapture.lines().stream()
                .filter(l -> l.startsWith("{\"log\":\"request\"") && l.contains("\"" + userId + "\""))
                .toList();
        assertTrue(!lines.isEmpty(), "no request line for the user");
        return json(lines.get(lines.size() - 1));
    }

    private static final Pattern SHOWN_CODE = Pattern.compile("\\b([0-9]{3})-([0-9]{3})\\b");

    /** The code as the mail shows it ("123-456"), read as a user reads it; registered as a secret. */
    static String shownCode(SesMailbox.Mail mail) {
        Matcher m = SHOWN_CODE.matcher(mail.text());
        assertTrue(m.find(), "no 123-456 code in the mail text: " + mail.text().length() + " chars");
        String shown = m.group();
        assertTrue(mail.html().contains(shown), "the HTML body shows the same code");
        LogCapture.secret(shown);
        LogCapture.secret(m.group(1) + m.group(2));
        return shown;
    }
}
