package dev.rcpat.local.rocketchat;

import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.LookupKeys;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TotpState;
import dev.rcpat.domain.User;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what an import does to one user: a new user is written whole; a user already here is
 * merged three ways, from what Rocket.Chat holds now (the document), what the last import
 * brought ({@link ImportMemory}) and what the user holds here now:
 *
 * <ul>
 *   <li>the profile (username, name, addresses, roles, active, password, email two-factor, TOTP
 *       enrolment) is Rocket.Chat's: it is the source while users are being moved;</li>
 *   <li>a token or backup code that no import brought is this service's: kept as it is;</li>
 *   <li>one that an import brought and that is gone here was removed (or spent) here: not brought back;</li>
 *   <li>one that an import brought, still here, and gone from the export was removed in Rocket.Chat: removed here;</li>
 *   <li>one new in the export is added, unless a personal access token of that name was created here.</li>
 * </ul>
 *
 * Pure: reads nothing, writes nothing.
 */
final class UserMerge {

    /** The user as read, and what the last import brought to it. */
    record Stored(User user, ImportMemory memory) { }

    sealed interface PatOp permits AddPat, ReplacePat, RemovePat { }

    record AddPat(StoredToken token) implements PatOp { }

    /** Rocket.Chat regenerated an imported token: the new secret replaces the old one if the old one is still here. */
    record ReplacePat(String expectedHash, StoredToken token) implements PatOp { }

    record RemovePat(String name, String expectedHash) implements PatOp { }

    sealed interface LoginOp permits AddLogin, RemoveLogin { }

    record AddLogin(StoredToken token) implements LoginOp { }

    record RemoveLogin(String hashedToken) implements LoginOp { }

    sealed interface TotpChange permits NoTotpChange, EnrolTotp, RemoveTotp, MergeBackupCodes { }

    record NoTotpChange() implements TotpChange { }

    /** A new enrolment (or a new secret): replaces whatever TOTP state is here, if its secret is still {@code expectedSecret} (null: none). */
    record EnrolTotp(TotpState totp, String expectedSecret) implements TotpChange { }

    record RemoveTotp() implements TotpChange { }

    /** Same secret, different backup codes: the list is replaced if the secret and the count read are still there. */
    record MergeBackupCodes(String secret, List<String> hashedBackup, int expectedCount) implements TotpChange { }

    /** A lookup item to take before the write; {@code expiresAtSeconds} for a login token's. */
    record Claim(String key, Long expiresAtSeconds) { }

    /** What the document's tokens came to. */
    record TokenCounts(int personalAccessTokens, int loginTokens, int added, int removedInRocketChat,
                       int removedHere, int namesTakenHere) {
        static final TokenCounts NONE = new TokenCounts(0, 0, 0, 0, 0, 0);

        TokenCounts plus(TokenCounts o) {
            return new TokenCounts(personalAccessTokens + o.personalAccessTokens, loginTokens + o.loginTokens,
                    added + o.added, removedInRocketChat + o.removedInRocketChat, removedHere + o.removedHere,
                    namesTakenHere + o.namesTakenHere);
        }
    }

    /**
     * The decision. {@code stored} null: a new user, written whole as {@code result}. Otherwise the
     * operations turn {@code stored} into {@code result}; {@code releases} are the lookup items the
     * user no longer needs once the write succeeded.
     */
    record Plan(ImportedUser incoming, Stored stored, User result, ImportMemory memory, boolean profileChanged,
                TotpChange totp, List<PatOp> patOps, List<LoginOp> loginOps, List<Claim> claims,
                List<String> releases, TokenCounts counts) {

        boolean isNew() {
            return stored == null;
        }

        boolean changes() {
            return isNew() || profileChanged || !(totp instanceof NoTotpChange) || !patOps.isEmpty()
                    || !loginOps.isEmpty() || !memory.sameHashes(stored.memory());
        }
    }

    /** Thrown when the merged user would break a limit of the data model. */
    static final class Unmergeable extends Exception {
        Unmergeable(String message) {
            super(message, null, false, false);
        }
    }

    private final long loginExpirationMillis;

    UserMerge(long loginExpirationDays) {
        this.loginExpirationMillis = Duration.ofDays(loginExpirationDays).toMillis();
    }

    Plan plan(ImportedUser in, Optional<Stored> existing, long now) throws Unmergeable {
        Set<String> tokenHashes = new LinkedHashSet<>();
        in.personalAccessTokens().forEach(t -> tokenHashes.add(t.hashedToken()));
        in.loginTokens().forEach(t -> tokenHashes.add(t.hashedToken()));
        ImportMemory memory = new ImportMemory(now, tokenHashes, in.totpHashedBackup());
        return existing.isEmpty() ? planNew(in, memory) : planUpdate(in, existing.get(), memory);
    }

    private Plan planNew(ImportedUser in, ImportMemory memory) {
        Map<String, StoredToken> login = new HashMap<>();
        in.loginTokens().forEach(t -> login.put(t.hashedToken(), t));
        Map<String, StoredToken> pats = new HashMap<>();
        in.personalAccessTokens().forEach(t -> pats.put(t.name(), t));
        TotpState totp = in.hasTotp() ? freshTotp(in) : null;
        User user = new User(in.id(), in.username(), in.active(), in.roles(), in.emails(), in.passwordBcrypt(),
                login, pats, totp, in.email2faEnabled(), null, in.name(), null, null);
        List<Claim> claims = new ArrayList<>(nameClaims(in));
        in.loginTokens().forEach(t -> claims.add(loginTokenClaim(t)));
        TokenCounts counts = new TokenCounts(pats.size(), login.size(), pats.size() + login.size(), 0, 0, 0);
        return new Plan(in, null, user, memory, true, totp == null ? new NoTotpChange() : new EnrolTotp(totp, null),
                List.of(), List.of(), claims, List.of(), counts);
    }

    private Plan planUpdate(ImportedUser in, Stored stored, ImportMemory memory) throws Unmergeable {
        User here = stored.user();
        Set<String> imported = stored.memory().tokenHashes();
        Set<String> exported = memory.tokenHashes();
        int added = 0;
        int removedInRocketChat = 0;
        int removedHere = 0;
        int namesTaken = 0;

        // Personal access tokens, keyed by name here.
        Map<String, StoredToken> pats = new LinkedHashMap<>(here.personalAccessTokens());
        Set<String> patHashesHere = new HashSet<>();
        here.personalAccessTokens().values().forEach(t -> patHashesHere.add(t.hashedToken()));
        List<PatOp> patOps = new ArrayList<>();
        Set<String> replaced = new HashSet<>();
        int patsCarried = 0;
        for (StoredToken t : in.personalAccessTokens()) {
            if (patHashesHere.contains(t.hashedToken())) {
                patsCarried++;
            } else if (imported.contains(t.hashedToken())) {
                removedHere++;
            } else {
                StoredToken sameName = here.personalAccessTokens().get(t.name());
                if (sameName == null) {
                    patOps.add(new AddPat(t));
                    pats.put(t.name(), t);
                    patsCarried++;
                    added++;
                } else if (imported.contains(sameName.hashedToken()) && !exported.contains(sameName.hashedToken())) {
                    patOps.add(new ReplacePat(sameName.hashedToken(), t));
                    replaced.add(sameName.name());
                    pats.put(t.name(), t);
                    patsCarried++;
                    added++;
                } else {
                    namesTaken++;
                }
            }
        }
        for (StoredToken t : here.personalAccessTokens().values()) {
            if (imported.contains(t.hashedToken()) && !exported.contains(t.hashedToken()) && !replaced.contains(t.name())) {
                patOps.add(new RemovePat(t.name(), t.hashedToken()));
                pats.remove(t.name());
                removedInRocketChat++;
            }
        }
        if (pats.size() > User.MAX_PERSONAL_ACCESS_TOKENS) {
            throw new Unmergeable("would have " + pats.size() + " personal access tokens here, counting those created"
                    + " here; a user has at most " + User.MAX_PERSONAL_ACCESS_TOKENS);
        }

        // Login tokens, keyed by hash here.
        Map<String, StoredToken> login = new HashMap<>(here.loginTokens());
        List<StoredToken> addedLogin = new ArrayList<>();
        List<String> removedLogin = new ArrayList<>();
        int loginCarried = 0;
        for (StoredToken t : in.loginTokens()) {
            if (here.loginTokens().containsKey(t.hashedToken())) {
                loginCarried++;
            } else if (imported.contains(t.hashedToken())) {
                removedHere++;
            } else {
                addedLogin.add(t);
                login.put(t.hashedToken(), t);
                loginCarried++;
                added++;
            }
        }
        for (StoredToken t : here.loginTokens().values()) {
            if (imported.contains(t.hashedToken()) && !exported.contains(t.hashedToken())) {
                removedLogin.add(t.hashedToken());
                login.remove(t.hashedToken());
                removedInRocketChat++;
            }
        }
        // As a login would: no more than the limit, the oldest go.
        List<StoredToken> byAge = new ArrayList<>(login.values());
        byAge.sort(Comparator.comparingLong(StoredToken::createdAt));
        for (int i = 0; i < byAge.size() - User.MAX_LOGIN_TOKENS; i++) {
            StoredToken oldest = byAge.get(i);
            login.remove(oldest.hashedToken());
            if (addedLogin.remove(oldest)) {
                loginCarried--;
                added--;
            } else {
                removedLogin.add(oldest.hashedToken());
                if (in.loginTokens().contains(oldest)) {
                    loginCarried--;
                }
            }
        }
        List<LoginOp> loginOps = new ArrayList<>();
        addedLogin.forEach(t -> loginOps.add(new AddLogin(t)));
        removedLogin.forEach(h -> loginOps.add(new RemoveLogin(h)));

        TotpChange totpChange = totpChange(in, stored);
        TotpState totp = switch (totpChange) {
            case NoTotpChange n -> here.totp();
            case EnrolTotp e -> e.totp();
            case RemoveTotp r -> null;
            case MergeBackupCodes m -> new TotpState(true, m.secret(), m.hashedBackup(), here.totp().lastUsedStep(),
                    here.totp().failedAttempts(), here.totp().lockedUntil());
        };
        boolean profileChanged = !in.username().equals(here.username()) || !Objects.equals(in.name(), here.name())
                || in.active() != here.active() || !in.roles().equals(here.roles()) || !in.emails().equals(here.emails())
                || !Objects.equals(in.passwordBcrypt(), here.passwordBcrypt()) || in.email2faEnabled() != here.email2faEnabled();
        User result = new User(here.id(), in.username(), in.active(), in.roles(), in.emails(), in.passwordBcrypt(),
                login, pats, totp, in.email2faEnabled(), here.emailCode(), in.name(), here.loginAttempts(),
                here.passwordAttempts());

        List<Claim> claims = new ArrayList<>();
        List<String> releases = new ArrayList<>();
        Set<String> keysHere = nameKeys(here.username(), here.emails());
        Set<String> keysThen = nameKeys(in.username(), in.emails());
        keysThen.stream().filter(k -> !keysHere.contains(k)).forEach(k -> claims.add(new Claim(k, null)));
        keysHere.stream().filter(k -> !keysThen.contains(k)).forEach(releases::add);
        addedLogin.forEach(t -> claims.add(loginTokenClaim(t)));
        removedLogin.forEach(h -> releases.add(LookupKeys.loginToken(h)));

        TokenCounts counts = new TokenCounts(patsCarried, loginCarried, added, removedInRocketChat, removedHere, namesTaken);
        return new Plan(in, stored, result, memory, profileChanged, totpChange, List.copyOf(patOps), List.copyOf(loginOps),
                claims, releases, counts);
    }

    /** Spent backup codes stay spent; codes Rocket.Chat dropped go; new ones come; a new secret starts afresh. */
    private static TotpChange totpChange(ImportedUser in, Stored stored) {
        TotpState here = stored.user().totp();
        if (!in.hasTotp()) {
            return here == null ? new NoTotpChange() : new RemoveTotp();
        }
        if (here == null || !here.enabled() || !in.totpSecret().equals(here.secret())) {
            return new EnrolTotp(freshTotp(in), here == null ? null : here.secret());
        }
        List<String> importedBefore = stored.memory().backupCodeHashes();
        List<String> exported = in.totpHashedBackup();
        List<String> merged = new ArrayList<>();
        for (String code : here.hashedBackup()) {
            if (!importedBefore.contains(code) || exported.contains(code)) {
                merged.add(code);
            }
        }
        for (String code : exported) {
            if (!importedBefore.contains(code) && !merged.contains(code)) {
                merged.add(code);
            }
        }
        return merged.equals(here.hashedBackup()) ? new NoTotpChange()
                : new MergeBackupCodes(here.secret(), merged, here.hashedBackup().size());
    }

    private static TotpState freshTotp(ImportedUser in) {
        return new TotpState(true, in.totpSecret(), in.totpHashedBackup(), null, 0, null);
    }

    private static List<Claim> nameClaims(ImportedUser in) {
        return nameKeys(in.username(), in.emails()).stream().map(k -> new Claim(k, null)).toList();
    }

    private static Set<String> nameKeys(String username, List<EmailAddress> emails) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(LookupKeys.username(username));
        emails.forEach(e -> keys.add(LookupKeys.email(e.address())));
        return keys;
    }

    private Claim loginTokenClaim(StoredToken t) {
        return new Claim(LookupKeys.loginToken(t.hashedToken()), (t.createdAt() + loginExpirationMillis) / 1000);
    }
}
