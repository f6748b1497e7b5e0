package dev.rcpat.session;

import dev.rcpat.auth.Authenticator;
import dev.rcpat.auth.Passwords;
import dev.rcpat.auth.RandomSource;
import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.core.PublicEndpoint;
import dev.rcpat.domain.Client;
import dev.rcpat.domain.LookupKeys;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;
import dev.rcpat.store.UserWrite;
import dev.rcpat.testing.InMemoryUserLookups;
import dev.rcpat.testing.InMemoryUserStore;
import dev.rcpat.testing.TestSettings;
import dev.rcpat.tokens.TokenGenerator;
import dev.rcpat.twofactor.EmailCheck;
import dev.rcpat.twofactor.EmailCodes;
import dev.rcpat.twofactor.TotpCheck;
import dev.rcpat.twofactor.TotpCodes;
import dev.rcpat.twofactor.TwoFactorCheck;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The login's rules against in-memory stores: order of checks, what is counted, what one success writes. */
class LoginTest {

    static final long NOW = 1_800_000_000_000L;
    static final String DIGEST = Secrets.sha256Hex("right password");
    static final String HASH = Passwords.hash("right password");
    static final Client CLIENT = new Client("203.0.113.5", "tests", "req");

    final InMemoryUserStore store = new InMemoryUserStore();
    final InMemoryUserLookups lookups = new InMemoryUserLookups();

    Login login(Map<String, String> settings) {
        Settings s = Settings.from(TestSettings.environment(settings));
        RandomSource random = new RandomSource(new SecureRandom());
        TwoFactorCheck twoFactor = new TwoFactorCheck(s, store, new TotpCheck(s, store, new TotpCodes()),
                new EmailCheck(s, store, (to, u, c) -> { }, new EmailCodes(random)));
        return new Login(s, store, lookups, new Authenticator(s.loginExpirationDays()), twoFactor, new TokenGenerator(random));
    }

    User alice(Map<String, StoredToken> loginTokens) throws Exception {
        User u = new User("AliceId", "alice", true, List.of("user"), List.of(), HASH, loginTokens, Map.of(), null, false, null);
        store.put(u);
        lookups.claim(LookupKeys.username("alice"), "AliceId", null);
        return u;
    }

    static LoginInput.WithPassword as(String user, String digest) {
        return new LoginInput.WithPassword(user, null, digest, null);
    }

    @Test
    void aSuccessIsOneUserWriteThatAddsTheTokenAndForgetsFailures() throws Exception {
        alice(Map.of());
        PublicEndpoint.Answer answer = login(Map.of()).handle(as("ALICE", DIGEST), CLIENT, NOW);
        assertEquals("AliceId", answer.userId());
        String token = (String) ((Map<?, ?>) answer.body().get("data")).get("authToken");
        assertEquals(1, store.writes().size());
        assertEquals(List.of(new UserWrite.PruneLoginTokens(List.of(), 0),
                new UserWrite.AddLoginToken(StoredToken.loginToken(Secrets.hashToken(token), NOW))), store.writes().get(0).ops());
        assertEquals("AliceId", lookups.get(LookupKeys.loginToken(Secrets.hashToken(token))).userId(), "resume finds it");
    }

    @Test
    void theFiftiethTokenMakesTheOldestGo() throws Exception {
        Map<String, StoredToken> tokens = new HashMap<>();
        for (int i = 0; i < User.MAX_LOGIN_TOKENS; i++) {
            tokens.put("h" + i, StoredToken.loginToken("h" + i, NOW - 1_000_000 + i));
        }
        alice(tokens);
        login(Map.of()).handle(as("alice", DIGEST), CLIENT, NOW);
        assertEquals(new UserWrite.PruneLoginTokens(List.of("h0"), 50), store.writes().get(0).ops().get(0));
        assertEquals(50, store.user("AliceId").loginTokens().size());
    }

    @Test
    void aWrongPasswordCountsAgainstTheUserAndTheAddressAndTheTenthBlocks() throws Exception {
        alice(Map.of());
        Login login = login(Map.of());
        for (int i = 1; i <= 10; i++) {
            Refusal r = assertThrows(Refusal.class, () -> login.handle(as("alice", Secrets.sha256Hex("guess")), CLIENT, NOW));
            assertEquals("Unauthorized", r.errorType());
        }
        assertEquals(NOW + 300_000, store.user("AliceId").loginAttempts().blockedUntil());
        assertEquals(10, lookups.get(LookupKeys.clientAddress("203.0.113.5")).failures());
        Refusal blocked = assertThrows(Refusal.class, () -> login.handle(as("alice", DIGEST), CLIENT, NOW + 299_999));
        assertEquals("error-login-blocked-for-user", blocked.errorType());
        assertEquals(Refusal.Kind.LOGIN_REFUSED, blocked.kind());
        login.handle(as("alice", DIGEST), CLIENT, NOW + 300_000);
        assertNull(store.user("AliceId").loginAttempts().blockedUntil());
        assertNull(lookups.get(LookupKeys.clientAddress("203.0.113.5")), "a success from the address forgets its failures");
    }

    @Test
    void anUnknownUserCountsOnlyAgainstTheAddressAndIsAnsweredLikeAWrongPassword() {
        Refusal r = assertThrows(Refusal.class, () -> login(Map.of()).handle(as("nobody", DIGEST), CLIENT, NOW));
        assertEquals("Unauthorized", r.errorType());
        assertEquals("Unauthorized", r.reason());
        assertEquals(1, lookups.get(LookupKeys.clientAddress("203.0.113.5")).failures());
        assertTrue(store.writes().isEmpty());
    }

    @Test
    void anUnknownUserTakesAsLongAsAWrongPassword() throws Exception {
        alice(Map.of());
        Login login = login(Map.of(Settings.BLOCK_FAILED_LOGINS_ENABLED, "false"));
        String wrong = Secrets.sha256Hex("wrong password");
        long[] unknown = new long[5];
        long[] wrongPassword = new long[5];
        for (int i = 0; i < 5; i++) {
            unknown[i] = nanosRefused(() -> login.handle(as("nobody", wrong), CLIENT, NOW));
            wrongPassword[i] = nanosRefused(() -> login.handle(as("alice", wrong), CLIENT, NOW));
        }
        java.util.Arrays.sort(unknown);
        java.util.Arrays.sort(wrongPassword);
        assertTrue(unknown[2] >= wrongPassword[2] / 2, "unknown user " + unknown[2] / 1_000_000
                + " ms, wrong password " + wrongPassword[2] / 1_000_000 + " ms (medians): both run one bcrypt");
    }

    private static long nanosRefused(org.junit.jupiter.api.function.Executable attempt) {
        long started = System.nanoTime();
        assertThrows(Refusal.class, attempt);
        return System.nanoTime() - started;
    }

    @Test
    void aBlockedAddressIsRefusedBeforeTheUserIsRead() throws Exception {
        alice(Map.of());
        lookups.block(LookupKeys.clientAddress("203.0.113.5"), NOW + 1000, 0);
        Refusal r = assertThrows(Refusal.class, () -> login(Map.of()).handle(as("alice", DIGEST), CLIENT, NOW));
        assertEquals("error-login-blocked-for-ip", r.errorType());
        assertEquals(0, store.loads());
    }

    @Test
    void withBlockingOffNothingIsCountedOrRead() throws Exception {
        alice(Map.of());
        Login lenient = login(Map.of(Settings.BLOCK_FAILED_LOGINS_ENABLED, "false"));
        assertThrows(Refusal.class, () -> lenient.handle(as("alice", "0".repeat(64)), CLIENT, NOW));
        assertEquals(0, store.user("AliceId").loginAttempts().failures());
        assertNull(lookups.get(LookupKeys.clientAddress("203.0.113.5")));
        assertFalse(store.writes().stream().anyMatch(w -> w.ops().contains(new UserWrite.CountFailedLogin())));
    }
}
