package dev.rcpat.twofactor;

import dev.rcpat.testing.TestSettings;
import dev.rcpat.auth.RandomSource;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.User;
import dev.rcpat.mail.CodeMailer;
import dev.rcpat.mail.MailUnavailableException;
import dev.rcpat.store.UserWrite;
import dev.rcpat.testing.InMemoryUserStore;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Email codes against an in-memory store and mailer: reserve, then mail, withdraw if the mail fails. */
class EmailCheckTest {

    static final long NOW = 1_800_000_000_000L;
    static final Settings SETTINGS = TestSettings.defaults();

    final InMemoryUserStore store = new InMemoryUserStore();
    final List<String> mailed = new ArrayList<>();
    boolean mailDown;
    final CodeMailer mailer = (to, username, code) -> {
        if (mailDown) {
            throw new MailUnavailableException(new IllegalStateException("SES down"));
        }
        mailed.add(code);
    };
    final EmailCheck check = new EmailCheck(SETTINGS, store, mailer, new EmailCodes(new RandomSource(new SecureRandom())));
    final User eve = new User("EveId", "eve", true, List.of("user"), List.of(new EmailAddress("eve@example.com", true)),
            null, Map.of(), Map.of(), null, true, null);

    Refusal challenge(User user, String code) {
        return assertThrows(Refusal.class, () -> check.verify(user, code, NOW,
                EmailCheck.challenge(user, List.of("email"))));
    }

    @Test
    void withoutACodeAFreshCodeIsStoredThenMailed() {
        store.put(eve);
        Refusal r = challenge(eve, null);
        assertEquals("totp-required", r.errorType());
        assertEquals(true, r.details().get("codeGenerated"));
        assertEquals(1, mailed.size());
        User after = store.user("EveId");
        assertNotNull(after.emailCode());
        assertTrue(EmailCodes.matches(mailed.get(0), after.emailCode().hash()), "the code mailed is the code stored");
        assertEquals(NOW + 3_600_000, after.emailCode().expiresAt());
    }

    @Test
    void whenAConcurrentRequestReservedACodeFirstNoSecondMailIsSent() {
        store.put(eve);
        // Both requests read the user without a code; the first reserves and mails.
        challenge(eve, null);
        Refusal second = challenge(eve, null);
        assertEquals("totp-required", second.errorType());
        assertEquals(false, second.details().get("codeGenerated"));
        assertEquals(1, mailed.size(), "one mail for two concurrent requests");
    }

    @Test
    void aFailedMailWithdrawsTheReservedCode() {
        store.put(eve);
        mailDown = true;
        Refusal r = challenge(eve, null);
        assertEquals(Refusal.Kind.UNAVAILABLE, r.kind());
        assertEquals("The email service is unavailable, try again later", r.reason());
        assertNull(store.user("EveId").emailCode(), "no code stays that nobody received");
        assertEquals(2, store.writes().size(), "the reservation and its withdrawal");
        assertTrue(store.writes().get(1).ops().get(0) instanceof UserWrite.WithdrawEmailCode);
    }

    @Test
    void aRightCodeIsSpentOnlyWithTheEndpointsWrite() throws Exception {
        store.put(eve);
        challenge(eve, null);
        User withCode = store.user("EveId");
        List<UserWrite.Op> ops = check.verify(withCode, mailed.get(0), NOW + 1000,
                EmailCheck.challenge(withCode, List.of("email")));
        assertEquals(List.of(new UserWrite.SpendEmailCode(withCode.emailCode().hash(), 5)), ops);
        assertNotNull(store.user("EveId").emailCode(), "not spent until the caller writes");
    }

    @Test
    void wrongCodesAreCountedUpToTheLimit() {
        store.put(eve);
        challenge(eve, null);
        for (int i = 1; i < 5; i++) {
            assertEquals("totp-invalid", challenge(store.user("EveId"), "000000".equals(mailed.get(0)) ? "111111" : "000000")
                    .errorType());
            assertEquals(i, store.user("EveId").emailCode().attempts());
        }
        assertEquals("totp-max-attempts", challenge(store.user("EveId"), "999999".equals(mailed.get(0)) ? "111111" : "999999")
                .errorType());
    }
}
