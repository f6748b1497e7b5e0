package dev.rcpat.tokens;

import dev.rcpat.json.JsonCodec;
import dev.rcpat.auth.Secrets;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.TestStack;
import dev.rcpat.testing.TokenEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.rcpat.testing.Api.auth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token names are map keys of the user item and appear in update and condition expressions:
 * names that look like expression syntax (paths, placeholders, list indexes, attribute names of
 * the item itself) must only ever name their own entry. The caller is a PAT, so every write also
 * touches the caller's own entry.
 */
@ExtendWith(LogSecretScan.class)
class TokenNameKeysIT {

    static final List<String> NAMES = List.of("a.b", "#x", ":v", ":v0", "#n0", "#n1", "[0]", "a.b[0]", "a[0].b",
            "personalAccessTokens", "hashedToken", "lastUsedAt", "_id", " x ", "x".repeat(100),
            "\uD83D\uDE00".repeat(100), "caf\u00e9");

    final TestStack stack = TestStack.get();
    final MutableClock clock = MutableClock.startingNow();
    final TokenEndpoints api = new TokenEndpoints(stack.services(Map.of(), clock));
    final Login user = stack.login(UserAdmin.NewUser.named("keys-" + UserAdmin.newUserId()));

    Map<String, AttributeValue> item() {
        return stack.admin().rawItem(user.userId());
    }

    Map<String, AttributeValue> pats() {
        return item().get("personalAccessTokens").m();
    }

    static String body(String name) {
        return "{\"tokenName\":" + dev.rcpat.json.JsonCodec.write(name) + "}";
    }

    @Test
    void expressionLikeNamesOnlyEverNameTheirOwnEntry() {
        String caller = api.generate(user.headers(), body("a")).token();
        Map<String, String> asCaller = auth(user.userId(), caller);
        Set<String> topLevel = item().keySet();
        AttributeValue callerHash = pats().get("a").m().get("hashedToken");

        Map<String, String> tokens = new HashMap<>();
        for (String name : NAMES) {
            clock.advance(Duration.ofSeconds(61)); // so every write also touches the caller's lastUsedAt
            Api.Response r = api.generate(asCaller, body(name));
            assertEquals(200, r.status(), name + " " + r.raw());
            tokens.put(name, r.token());
        }
        Set<String> expected = new HashSet<>(NAMES);
        expected.add("a");
        assertEquals(expected, pats().keySet());
        assertEquals(topLevel, item().keySet(), "no attribute outside personalAccessTokens was written");
        for (String name : NAMES) {
            Map<String, AttributeValue> record = pats().get(name).m();
            assertEquals(name, record.get("name").s());
            assertEquals(Secrets.hashToken(tokens.get(name)), record.get("hashedToken").s());
        }
        assertEquals(callerHash, pats().get("a").m().get("hashedToken"));
        assertEquals(String.valueOf(clock.millis()), pats().get("a").m().get("lastUsedAt").n());

        for (String name : NAMES) {
            clock.advance(Duration.ofSeconds(61));
            Api.Response r = api.regenerate(asCaller, body(name));
            assertEquals(200, r.status(), name + " " + r.raw());
            assertEquals(Secrets.hashToken(r.token()), pats().get(name).m().get("hashedToken").s());
            assertFalse(api.authenticates(user.userId(), tokens.get(name)), name);
            assertTrue(api.authenticates(user.userId(), r.token()), name);
        }
        assertEquals(expected, pats().keySet());

        for (String name : NAMES) {
            clock.advance(Duration.ofSeconds(61));
            Api.Response r = api.remove(asCaller, body(name));
            assertEquals(200, r.status(), name + " " + r.raw());
        }
        assertEquals(Set.of("a"), pats().keySet());
        assertEquals(callerHash, pats().get("a").m().get("hashedToken"));
        assertEquals(topLevel, item().keySet());
    }
}
