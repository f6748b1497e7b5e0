package dev.rcpat.local.rocketchat;

import dev.rcpat.auth.Secrets;
import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TotpState;
import dev.rcpat.domain.User;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three-way merge of a re-run: what Rocket.Chat has, what the last import brought, what is here. */
class UserMergeTest {

    static final long NOW = RocketChatFixtures.EXPORTED_AT.toEpochMilli();
    static final long DAY = Duration.ofDays(1).toMillis();
    final UserMerge merge = new UserMerge(90);

    static StoredToken pat(String name, String secret) {
        return StoredToken.personalAccessToken(name, Secrets.hashToken(secret), NOW - 10 * DAY,
                secret.substring(secret.length() - 6), false, null);
    }

    static StoredToken login(String secret, long when) {
        return StoredToken.loginToken(Secrets.hashToken(secret), when);
    }

    static List<String> codes(String... codes) {
        return List.of(codes).stream().map(Secrets::sha256Hex).toList();
    }

    /** Rocket.Chat's ada, as the document of an export says. */
    record Doc(String username, List<StoredToken> pats, List<StoredToken> logins, String totpSecret, List<String> backup) {
        static Doc ada() {
            return new Doc("ada", List.of(pat("ci", "ci-secret-1"), pat("deploy", "deploy-secret-1")),
                    List.of(login("login-1", NOW - DAY)), null, List.of());
        }

        Doc username(String u) {
            return new Doc(u, pats, logins, totpSecret, backup);
        }

        Doc pats(StoredToken... p) {
            return new Doc(username, List.of(p), logins, totpSecret, backup);
        }

        Doc logins(StoredToken... l) {
            return new Doc(username, pats, List.of(l), totpSecret, backup);
        }

        Doc totp(String secret, List<String> codes) {
            return new Doc(username, pats, logins, secret, codes);
        }

        ImportedUser user() {
            return new ImportedUser(new Location(1, 0), "ada-id", username, "Ada", true, List.of("user"),
                    List.of(new EmailAddress("ada@example.com", true)), RocketChatFixtures.ADA_BCRYPT, totpSecret, backup,
                    false, logins, pats, new ImportedUser.LeftOut(0, 0));
        }
    }

    /** The user as the plan leaves it, with what the import remembers: the next run's "here". */
    static UserMerge.Stored written(UserMerge.Plan plan) {
        return new UserMerge.Stored(plan.result(), plan.memory());
    }

    UserMerge.Plan plan(Doc doc, UserMerge.Stored here) throws UserMerge.Unmergeable {
        return merge.plan(doc.user(), Optional.ofNullable(here), NOW);
    }

    static UserMerge.Stored withUser(UserMerge.Stored s, User u) {
        return new UserMerge.Stored(u, s.memory());
    }

    static User withPats(User u, Map<String, StoredToken> pats) {
        return new User(u.id(), u.username(), u.active(), u.roles(), u.emails(), u.passwordBcrypt(), u.loginTokens(), pats,
                u.totp(), u.email2faEnabled(), u.emailCode(), u.name(), u.loginAttempts(),
                u.passwordAttempts());
    }

    static User withLogins(User u, Map<String, StoredToken> logins) {
        return new User(u.id(), u.username(), u.active(), u.roles(), u.emails(), u.passwordBcrypt(), logins,
                u.personalAccessTokens(), u.totp(), u.email2faEnabled(), u.emailCode(), u.name(), u.loginAttempts(),
                u.passwordAttempts());
    }

    static User withTotp(User u, TotpState totp) {
        return new User(u.id(), u.username(), u.active(), u.roles(), u.emails(), u.passwordBcrypt(), u.loginTokens(),
                u.personalAccessTokens(), totp, u.email2faEnabled(), u.emailCode(), u.name(), u.loginAttempts(),
                u.passwordAttempts());
    }

    @Test
    void aNewUserIsWrittenWholeAfterItsNamesAndLoginTokensAreClaimed() throws Exception {
        UserMerge.Plan p = plan(Doc.ada(), null);
        assertTrue(p.isNew());
        assertTrue(p.changes());
        assertEquals(List.of("ci", "deploy"), p.result().personalAccessTokens().keySet().stream().sorted().toList());
        assertEquals(List.of(Secrets.hashToken("login-1")), List.copyOf(p.result().loginTokens().keySet()));
        assertEquals(List.of(new UserMerge.Claim("username:ada", null), new UserMerge.Claim("email:ada@example.com", null),
                new UserMerge.Claim("token:" + Secrets.hashToken("login-1"), (NOW - DAY + 90 * DAY) / 1000)), p.claims());
        assertEquals(new UserMerge.TokenCounts(2, 1, 3, 0, 0, 0), p.counts());
        assertEquals(NOW, p.memory().importedAt());
    }

    @Test
    void aSecondRunOfTheSameExportChangesNothing() throws Exception {
        UserMerge.Plan second = plan(Doc.ada(), written(plan(Doc.ada(), null)));
        assertFalse(second.isNew());
        assertFalse(second.changes());
        assertEquals(List.of(), second.claims());
        assertEquals(new UserMerge.TokenCounts(2, 1, 0, 0, 0, 0), second.counts());
    }

    @Test
    void tokensCreatedHereAreKeptAndTokensRemovedHereStayRemoved() throws Exception {
        UserMerge.Stored first = written(plan(Doc.ada(), null));
        Map<String, StoredToken> pats = new HashMap<>(first.user().personalAccessTokens());
        pats.remove("deploy");                                  // removed here
        pats.put("made-here", pat("made-here", "here-secret")); // created here
        Map<String, StoredToken> logins = new HashMap<>();       // logged out here
        logins.put(Secrets.hashToken("login-here"), login("login-here", NOW - DAY));
        UserMerge.Stored here = withUser(first, withLogins(withPats(first.user(), pats), logins));

        UserMerge.Plan p = plan(Doc.ada(), here);
        assertEquals(List.of(), p.patOps());
        assertEquals(List.of(), p.loginOps());
        assertEquals(List.of("ci", "made-here"), p.result().personalAccessTokens().keySet().stream().sorted().toList());
        assertEquals(List.of(Secrets.hashToken("login-here")), List.copyOf(p.result().loginTokens().keySet()));
        assertEquals(new UserMerge.TokenCounts(1, 0, 0, 0, 2, 0), p.counts());
    }

    @Test
    void tokensGoneFromRocketChatAreRemovedHereAndNewOnesAdded() throws Exception {
        UserMerge.Stored first = written(plan(Doc.ada(), null));
        Doc later = Doc.ada().pats(pat("ci", "ci-secret-1"), pat("deploy", "deploy-secret-2"), pat("new", "new-secret"))
                .logins(login("login-2", NOW - 2 * DAY));
        UserMerge.Plan p = plan(later, first);
        assertEquals(List.of(new UserMerge.ReplacePat(Secrets.hashToken("deploy-secret-1"), pat("deploy", "deploy-secret-2")),
                new UserMerge.AddPat(pat("new", "new-secret"))), p.patOps(), "deploy was regenerated in Rocket.Chat");
        assertEquals(List.of(new UserMerge.AddLogin(login("login-2", NOW - 2 * DAY)),
                new UserMerge.RemoveLogin(Secrets.hashToken("login-1"))), p.loginOps());
        assertEquals(List.of(new UserMerge.Claim("token:" + Secrets.hashToken("login-2"), (NOW - 2 * DAY + 90 * DAY) / 1000)),
                p.claims());
        assertEquals(List.of("token:" + Secrets.hashToken("login-1")), p.releases());
        assertEquals(new UserMerge.TokenCounts(3, 1, 3, 1, 0, 0), p.counts());

        UserMerge.Plan removed = plan(Doc.ada().pats(pat("ci", "ci-secret-1")), first);
        assertEquals(List.of(new UserMerge.RemovePat("deploy", Secrets.hashToken("deploy-secret-1"))), removed.patOps());
    }

    @Test
    void aTokenNameCreatedHereWinsOverANewTokenOfThatNameInRocketChat() throws Exception {
        UserMerge.Stored first = written(plan(Doc.ada(), null));
        Map<String, StoredToken> pats = new HashMap<>(first.user().personalAccessTokens());
        pats.put("laptop", pat("laptop", "laptop-here"));
        UserMerge.Plan p = plan(Doc.ada().pats(pat("ci", "ci-secret-1"), pat("deploy", "deploy-secret-1"),
                pat("laptop", "laptop-rocket-chat")), withUser(first, withPats(first.user(), pats)));
        assertEquals(List.of(), p.patOps());
        assertEquals(Secrets.hashToken("laptop-here"), p.result().personalAccessTokens().get("laptop").hashedToken());
        assertEquals(1, p.counts().namesTakenHere());
    }

    @Test
    void spentBackupCodesStaySpentAndRocketChatsNewCodesCome() throws Exception {
        UserMerge.Stored first = written(plan(Doc.ada().totp("JBSWY3DPEHPK3PXP", codes("aaaa1111", "bbbb2222", "cccc3333")), null));
        TotpState spentOne = new TotpState(true, "JBSWY3DPEHPK3PXP", codes("aaaa1111", "cccc3333"), 59_000_000L, 2, null);
        UserMerge.Stored here = withUser(first, withTotp(first.user(), spentOne));

        assertFalse(plan(Doc.ada().totp("JBSWY3DPEHPK3PXP", codes("aaaa1111", "bbbb2222", "cccc3333")), here).changes(),
                "bbbb2222 was used here: not brought back");
        UserMerge.Plan regenerated = plan(Doc.ada().totp("JBSWY3DPEHPK3PXP", codes("aaaa1111", "dddd4444")), here);
        assertEquals(new UserMerge.MergeBackupCodes("JBSWY3DPEHPK3PXP", codes("aaaa1111", "dddd4444"), 2), regenerated.totp());
        assertEquals(new TotpState(true, "JBSWY3DPEHPK3PXP", codes("aaaa1111", "dddd4444"), 59_000_000L, 2, null),
                regenerated.result().totp(), "the spent time step and the failure count are this service's");
    }

    @Test
    void aNewTotpSecretStartsAfreshAndTotpTurnedOffInRocketChatGoes() throws Exception {
        UserMerge.Stored first = written(plan(Doc.ada().totp("JBSWY3DPEHPK3PXP", codes("aaaa1111")), null));
        UserMerge.Plan reEnrolled = plan(Doc.ada().totp("KRSXG5DSNFXGOIDB", codes("eeee5555")), first);
        assertEquals(new UserMerge.EnrolTotp(new TotpState(true, "KRSXG5DSNFXGOIDB", codes("eeee5555"), null, 0, null),
                "JBSWY3DPEHPK3PXP"), reEnrolled.totp());
        UserMerge.Plan off = plan(Doc.ada(), first);
        assertEquals(new UserMerge.RemoveTotp(), off.totp());
        assertNull(off.result().totp());
    }

    @Test
    void aRenameClaimsTheNewNameAndGivesBackTheOldOne() throws Exception {
        UserMerge.Plan p = plan(Doc.ada().username("Ada.L"), written(plan(Doc.ada(), null)));
        assertTrue(p.profileChanged());
        assertEquals(List.of(new UserMerge.Claim("username:ada.l", null)), p.claims());
        assertEquals(List.of("username:ada"), p.releases());
        assertFalse(plan(Doc.ada().username("ADA"), written(plan(Doc.ada(), null))).claims().stream()
                .anyMatch(c -> c.key().startsWith("username:")), "another case is the same lookup item");
    }

    @Test
    void aMergeThatWouldPassAHundredPersonalAccessTokensIsRefused() throws Exception {
        UserMerge.Stored first = written(plan(Doc.ada(), null));
        Map<String, StoredToken> pats = new HashMap<>(first.user().personalAccessTokens());
        for (int i = 0; i < 98; i++) {
            pats.put("here-" + i, pat("here-" + i, "here-secret-" + i));
        }
        UserMerge.Stored here = withUser(first, withPats(first.user(), pats));
        assertEquals("would have 101 personal access tokens here, counting those created here; a user has at most 100",
                assertThrows(UserMerge.Unmergeable.class, () -> plan(Doc.ada().pats(pat("ci", "ci-secret-1"),
                        pat("deploy", "deploy-secret-1"), pat("new", "new-secret")), here)).getMessage());
    }

    @Test
    void loginTokensPastFiftyLoseTheOldestAsALoginWould() throws Exception {
        UserMerge.Stored first = written(plan(Doc.ada(), null));
        Map<String, StoredToken> logins = new HashMap<>(first.user().loginTokens());
        for (int i = 0; i < 49; i++) {
            logins.put(Secrets.hashToken("here-" + i), login("here-" + i, NOW - i * 60_000L));
        }
        UserMerge.Stored here = withUser(first, withLogins(first.user(), logins));
        List<StoredToken> exported = new ArrayList<>(List.of(login("login-1", NOW - DAY), login("login-new", NOW - 2 * DAY)));
        UserMerge.Plan p = plan(Doc.ada().logins(exported.toArray(StoredToken[]::new)), here);
        assertEquals(List.of(), p.loginOps(), "the new token is the oldest of 51: a login would prune it first");
        assertEquals(50, p.result().loginTokens().size());
        assertEquals(1, p.counts().loginTokens());
    }
}
