package dev.rcpat.core;

import dev.rcpat.testing.TestSettings;
import dev.rcpat.auth.Authenticator;
import dev.rcpat.auth.RandomSource;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.Client;
import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.domain.User;
import dev.rcpat.log.RequestLog;
import dev.rcpat.mail.TokenNotice;
import dev.rcpat.mail.TokenNotifier;
import dev.rcpat.store.UserWrite;
import dev.rcpat.testing.InMemoryUserStore;
import dev.rcpat.twofactor.EmailCheck;
import dev.rcpat.twofactor.EmailCodes;
import dev.rcpat.twofactor.TotpCheck;
import dev.rcpat.twofactor.TotpCodes;
import dev.rcpat.twofactor.TwoFactorCheck;
import dev.rcpat.twofactor.TwoFactorPass;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one write of a change: endpoint ops, two-factor bookkeeping and lastUsedAt together; conflicts explained. */
class OutcomeWriterTest {

    static final long NOW = 1_800_000_000_000L;
    static final Settings SETTINGS = TestSettings.defaults();

    final InMemoryUserStore store = new InMemoryUserStore();
    final List<String> logLines = new ArrayList<>();
    final TwoFactorCheck twoFactor = new TwoFactorCheck(SETTINGS, store, new TotpCheck(SETTINGS, store, new TotpCodes()),
            new EmailCheck(SETTINGS, store, (to, u, c) -> { }, new EmailCodes(new RandomSource(new SecureRandom()))));
    /** Each notice asked for: the addresses, the notice, and how many writes the store held at that moment. */
    record Asked(List<String> to, TokenNotice notice, int writesBefore) { }

    final List<Asked> notices = new ArrayList<>();
    RuntimeException noticeBug;
    final TokenNotifier notifier = (to, notice) -> {
        notices.add(new Asked(to, notice, store.writes().size()));
        if (noticeBug != null) {
            throw noticeBug;
        }
        return new TokenNotifier.Delivery(to.size(), 0, null);
    };
    final OutcomeWriter writer = new OutcomeWriter(store, new Authenticator(90), twoFactor, notifier,
            new RequestLog(logLines::add, "rcpat"));

    final StoredToken pat = StoredToken.personalAccessToken("ci", "hash-ci", NOW - 3_600_000, "abcdef", false, null);
    final User user = new User("U1", "alice", true, List.of("user"), List.of(), null, Map.of(),
            Map.of("ci", pat), null, false, null);
    final AuthenticatedRequest request = new AuthenticatedRequest(user, pat, true, NOW,
            new Client("203.0.113.9", "tests", "req-1"));

    static StoredToken newToken(String name) {
        return StoredToken.personalAccessToken(name, "hash-" + name, NOW, "ghijkl", false, null);
    }

    @Test
    void aChangeIsOneWriteWithTheTwoFactorOpsAndTheTokensLastUse() throws Exception {
        store.put(user);
        UserWrite.Op remember = new UserWrite.RememberTwoFactor(pat, NOW + 1000, "fp");
        Outcome.Change change = new Outcome.Change(
                List.of(new UserWrite.AddPersonalAccessToken(newToken("deploy"), 100)), null, fresh -> { },
                Map.of("token", "plain"), List.of(new Outcome.Audit(TokenChange.CREATED, newToken("deploy"))));
        assertEquals(Map.of("token", "plain"), writer.write(request, new TwoFactorPass("totp", List.of(remember)), change).body());
        assertEquals(1, store.writes().size());
        assertEquals(List.of(remember, new UserWrite.TouchLastUsed("ci", "hash-ci", NOW),
                new UserWrite.AddPersonalAccessToken(newToken("deploy"), 100)), store.writes().get(0).ops());
        assertEquals(1, logLines.size());
        assertEquals("{\"log\":\"audit\",\"action\":\"created\",\"userId\":\"U1\",\"tokenName\":\"deploy\","
                + "\"lastTokenPart\":\"ghijkl\",\"sourceIp\":\"203.0.113.9\",\"userAgent\":\"tests\",\"requestId\":\"req-1\"}",
                logLines.get(0));
    }

    @Test
    void aWrittenChangeIsNoticedToEveryVerifiedAddressAfterTheWrite() throws Exception {
        User withMail = new User("U1", "alice", true, List.of("user"), List.of(new EmailAddress("a@example.com", true),
                new EmailAddress("b@example.com", false), new EmailAddress("c@example.com", true)), null, Map.of(),
                Map.of("ci", pat), null, false, null);
        store.put(withMail);
        Outcome.Change change = new Outcome.Change(
                List.of(new UserWrite.AddPersonalAccessToken(newToken("deploy"), 100)), null, fresh -> { },
                Map.of("token", "plain"), List.of(new Outcome.Audit(TokenChange.CREATED, newToken("deploy"))));
        OutcomeWriter.Written written = writer.write(new AuthenticatedRequest(withMail, pat, true, NOW, request.client()),
                TwoFactorPass.NOT_REQUIRED, change);
        assertEquals(new OutcomeWriter.Written(Map.of("token", "plain"), List.of(TokenChange.CREATED),
                new TokenNotifier.Delivery(2, 0, null)), written);
        assertEquals(List.of(new Asked(List.of("a@example.com", "c@example.com"),
                new TokenNotice("alice", "deploy", TokenChange.CREATED, NOW, "203.0.113.9", "tests"), 1)), notices,
                "one notice, to the verified addresses, once the change was written");
    }

    @Test
    void aNoticeThatFailsLeavesTheChangeWrittenAndIsCounted() throws Exception {
        User withMail = new User("U1", "alice", true, List.of("user"), List.of(new EmailAddress("a@example.com", true)),
                null, Map.of(), Map.of("ci", pat), null, false, null);
        store.put(withMail);
        noticeBug = new IllegalStateException("a bug in the notice");
        Outcome.Change change = new Outcome.Change(List.of(new UserWrite.RemovePersonalAccessToken("ci")), null,
                fresh -> { }, Map.of(), List.of(new Outcome.Audit(TokenChange.REMOVED, pat)));
        OutcomeWriter.Written written = writer.write(new AuthenticatedRequest(withMail, pat, true, NOW, request.client()),
                TwoFactorPass.NOT_REQUIRED, change);
        assertEquals(new TokenNotifier.Delivery(0, 1, "IllegalStateException"), written.notices());
        assertEquals(Map.of(), store.user("U1").personalAccessTokens(), "the token is removed all the same");
    }

    @Test
    void noNoticeWithoutAVerifiedAddressOrWithoutAWrite() {
        store.put(user);
        Outcome.Change taken = new Outcome.Change(List.of(new UserWrite.AddPersonalAccessToken(newToken("ci"), 100)),
                null, fresh -> { }, Map.of(), List.of(new Outcome.Audit(TokenChange.CREATED, newToken("ci"))));
        assertThrows(Refusal.class, () -> writer.write(request, TwoFactorPass.NOT_REQUIRED, taken));
        assertEquals(List.of(), notices, "a refused change is not noticed");

        Outcome.Change free = new Outcome.Change(List.of(new UserWrite.AddPersonalAccessToken(newToken("new"), 100)),
                null, fresh -> { }, Map.of(), List.of(new Outcome.Audit(TokenChange.CREATED, newToken("new"))));
        assertDoesNotThrow(() -> assertEquals(TokenNotifier.Delivery.NONE,
                writer.write(request, TwoFactorPass.NOT_REQUIRED, free).notices()));
        assertEquals(List.of(), notices, "alice has no verified address: no mail service call");
    }

    @Test
    void replacingTheCallersOwnTokenLeavesOutItsBookkeeping() throws Exception {
        store.put(user);
        UserWrite.Op remember = new UserWrite.RememberTwoFactor(pat, NOW + 1000, "fp");
        Outcome.Change change = new Outcome.Change(List.of(new UserWrite.RemovePersonalAccessToken("ci")), "ci",
                fresh -> { }, Map.of(), List.of());
        writer.write(request, new TwoFactorPass("totp", List.of(remember)), change);
        assertEquals(List.of(new UserWrite.RemovePersonalAccessToken("ci")), store.writes().get(0).ops());
    }

    @Test
    void aRejectedWriteIsExplainedByTheEndpointsRuleOrElseAConflict() {
        store.put(user);
        Outcome.Change taken = new Outcome.Change(List.of(new UserWrite.AddPersonalAccessToken(newToken("ci"), 100)),
                null, fresh -> {
                    throw Refusal.rejected("error-token-already-exists", "A token with this name already exists", null);
                }, Map.of(), List.of());
        Refusal r = assertThrows(Refusal.class, () -> writer.write(request, TwoFactorPass.NOT_REQUIRED, taken));
        assertEquals("error-token-already-exists", r.errorType());
        Outcome.Change unexplained = new Outcome.Change(List.of(new UserWrite.RemovePersonalAccessToken("gone")),
                null, fresh -> { }, Map.of(), List.of());
        assertEquals(Refusal.Kind.CONFLICT,
                assertThrows(Refusal.class, () -> writer.write(request, TwoFactorPass.NOT_REQUIRED, unexplained)).kind());
        assertEquals(2, store.loads(), "one re-read per rejected write");
    }

    @Test
    void aCallerWhoseTokenWentMeanwhileIsNoLongerLoggedIn() {
        store.put(new User("U1", "alice", true, List.of("user"), List.of(), null, Map.of(), Map.of(), null, false, null));
        Outcome.Change change = new Outcome.Change(List.of(new UserWrite.AddPersonalAccessToken(newToken("x"), 100)),
                null, fresh -> { }, Map.of(), List.of());
        Refusal r = assertThrows(Refusal.class, () -> writer.write(request, TwoFactorPass.NOT_REQUIRED, change));
        assertEquals(Refusal.Kind.NOT_LOGGED_IN, r.kind());
    }

    @Test
    void aUseIsRecordedAtMostOnceAMinute() {
        store.put(user);
        writer.recordUse(request);
        assertEquals(NOW, store.user("U1").personalAccessTokens().get("ci").lastUsedAt());
        StoredToken touched = store.user("U1").personalAccessTokens().get("ci");
        writer.recordUse(new AuthenticatedRequest(store.user("U1"), touched, true, NOW + 59_000, request.client()));
        assertEquals(1, store.writes().size());
        writer.recordUse(new AuthenticatedRequest(store.user("U1"), touched, true, NOW + 60_000, request.client()));
        assertEquals(2, store.writes().size());
        assertTrue(store.user("U1").personalAccessTokens().get("ci").lastUsedAt() == NOW + 60_000);
    }
}
