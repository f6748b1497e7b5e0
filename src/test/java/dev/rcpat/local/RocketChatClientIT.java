package dev.rcpat.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rocket.Chat's own REST client ({@code @rocket.chat/api-client}, from the npm registry, in Node.js)
 * against {@code bin/local serve}: from a username and a password to a personal access token,
 * as Rocket.Chat's apps drive it, with nothing from the admin commands but the user's creation.
 */
@ExtendWith(LogSecretScan.class)
class RocketChatClientIT {

    static final String SCRIPT = "src/test/js/rocketchat-client.cjs";

    final RunningLocal local = RunningLocal.get();

    JsonNode drive(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("node", SCRIPT, local.stack.apiUrl()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(RunningLocal.PROJECT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the client did not finish");
        String last = out.strip().lines().reduce((a, b) -> b).orElse("");
        assertEquals(0, p.exitValue(), out);
        JsonNode result = Api.json(last);
        LogCapture.secret(result.path("generated").path("token").asText());
        return result;
    }

    @Test
    void aTotpUserGoesFromPasswordToAPersonalAccessTokenThroughTheClientsTwoFactorHandler() throws Exception {
        String password = LogCapture.secret("rc-client-password");
        String username = "rc-client-" + UserAdmin.newUserId().toLowerCase();
        UserAdmin.Created user = local.stack.admin().createUser(UserAdmin.NewUser.named(username).password(password).withTotp());
        LogCapture.secret(user.totpSecret());
        JsonNode result = drive(username, password, user.totpSecret());
        assertEquals(Api.json("[{\"login\":401,\"error\":\"totp-required\",\"method\":\"totp\"},"
                + "{\"login\":\"success\",\"userId\":\"" + user.userId() + "\"}]"), result.get("steps"));
        assertEquals(Api.json("[{\"method\":\"totp\",\"invalidAttempt\":false}]"), result.get("challenges"));
        assertEquals(true, result.path("generated").path("success").asBoolean());
        assertEquals(43, result.path("generated").path("tokenLength").asInt());
        assertEquals(Api.json("[\"from-the-rocket-chat-client\"]"), result.get("listedWithTheNewToken"));
    }

    @Test
    void aUserWithoutTwoFactorAnswersThePasswordChallenge() throws Exception {
        String password = LogCapture.secret("rc-client-plain-password");
        String username = "rc-plain-" + UserAdmin.newUserId().toLowerCase();
        UserAdmin.Created user = local.stack.admin().createUser(UserAdmin.NewUser.named(username).password(password));
        JsonNode result = drive(username, password);
        assertEquals(Api.json("[{\"login\":\"success\",\"userId\":\"" + user.userId() + "\"}]"), result.get("steps"));
        assertEquals(Api.json("[{\"method\":\"password\",\"invalidAttempt\":false}]"), result.get("challenges"));
        assertEquals(Api.json("[\"from-the-rocket-chat-client\"]"), result.get("listedWithTheNewToken"));
    }
}
