package dev.rcpat.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.auth.Secrets;
import dev.rcpat.domain.Refusal;
import dev.rcpat.session.LoginInput;

import java.util.Locale;

/** The bodies of the session endpoints, in every shape Rocket.Chat's login accepts. */
public final class SessionBodies {

    private SessionBodies() { }

    /**
     * {@code {"user":"alice"|"a@b.c","password":...}}, {@code {"username":...}}, {@code {"email":...}},
     * {@code {"user":{"username"|"email":...}}}; the password plain or as
     * {@code {"digest":"<hex sha-256>","algorithm":"sha-256"}}; or {@code {"resume":"<login token>"}}.
     * The second-factor code comes in {@code code} or the {@code x-2fa-code} header.
     */
    public static LoginInput login(RequestBody body) throws Refusal {
        JsonNode resume = body.field("resume");
        if (resume != null && body.field("password") == null) {
            if (!resume.isTextual() || resume.textValue().isEmpty()) {
                throw unauthorized();
            }
            return new LoginInput.Resume(resume.textValue());
        }
        String username = null;
        String email = null;
        JsonNode user = body.field("user");
        if (user != null && user.isTextual()) {
            if (user.textValue().contains("@")) {
                email = user.textValue();
            } else {
                username = user.textValue();
            }
        } else if (user != null && user.isObject()) {
            username = text(user.get("username"));
            email = username == null ? text(user.get("email")) : null;
        } else if (user == null) {
            username = text(body.field("username"));
            email = username == null ? text(body.field("email")) : null;
        }
        String digest = digest(body.field("password"));
        if ((username == null && email == null) || digest == null) {
            throw unauthorized();
        }
        String code = text(body.field("code"));
        if (code == null) {
            code = body.header(Pipeline.TWO_FACTOR_CODE_HEADER);
        }
        return new LoginInput.WithPassword(username, email, digest, code);
    }

    /** {@code {"emailOrUsername":"..."}}. */
    public static String emailOrUsername(RequestBody body) throws Refusal {
        String value = text(body.field("emailOrUsername"));
        if (value == null) {
            throw Refusal.invalidParams("The 'emailOrUsername' param is required");
        }
        return value;
    }

    /** The hex SHA-256 the password check takes: of a plain password, or as the client sent it. */
    private static String digest(JsonNode password) {
        if (password == null) {
            return null;
        }
        if (password.isTextual()) {
            return password.textValue().isEmpty() ? null : Secrets.sha256Hex(password.textValue());
        }
        if (password.isObject() && password.path("digest").isTextual()
                && "sha-256".equals(password.path("algorithm").asText("sha-256"))) {
            return password.get("digest").textValue().toLowerCase(Locale.ROOT);
        }
        return null;
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() && !node.textValue().isEmpty() ? node.textValue() : null;
    }

    private static Refusal unauthorized() {
        return Refusal.loginRefused("Unauthorized", "Unauthorized", null);
    }
}
