package dev.rcpat.local.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TokenName;
import dev.rcpat.domain.User;
import dev.rcpat.local.Json;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one document of Rocket.Chat's {@code users} collection (the {@code IUser} shape of
 * {@code packages/core-typings}) into what this service keeps. Everything a document holds
 * beyond that (presence, preferences, avatars, OAuth services...) is ignored.
 */
final class UserDocuments {

    /** Why a well-formed document is not imported. */
    enum SkipReason {
        BOT_WITHOUT_TOKENS("bot-or-app-without-tokens", "bot or app without tokens", "bots or apps without tokens"),
        NO_USERNAME("no-username", "without a username", "without a username");

        final String key;
        private final String one;
        private final String many;

        SkipReason(String key, String one, String many) {
            this.key = key;
            this.one = one;
            this.many = many;
        }

        String words(int count) {
            return count + " " + (count == 1 ? one : many);
        }
    }

    sealed interface Parsed permits Valid, Skipped { }

    record Valid(ImportedUser user) implements Parsed { }

    record Skipped(Location at, String id, SkipReason reason) implements Parsed { }

    /** Meteor's bcrypt hashes: {@code $2a$} / {@code $2b$} / {@code $2y$}, two cost digits, 53 characters of salt and hash. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}");
    /** base64 (with padding) of a SHA-256: what Rocket.Chat stores as {@code hashedToken}. */
    private static final Pattern HASHED_TOKEN = Pattern.compile("[A-Za-z0-9+/]{43}=");
    private static final Pattern BASE32 = Pattern.compile("[A-Z2-7]+=*");
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** DynamoDB's limit on a key, which the id and the lookup keys made from the username and addresses become. */
    private static final int MAX_KEY_BYTES = 1024;
    private static final JsonNode NO_SERVICES = Json.MAPPER.createObjectNode();

    private final long now;
    private final long loginExpirationMillis;
    private final boolean includeBots;

    /**
     * @param now                 what "unexpired" is measured against (epoch ms)
     * @param loginExpirationDays the functions' LOGIN_EXPIRATION_DAYS: older login tokens are not carried
     * @param includeBots         import bots and apps that have no token too
     */
    UserDocuments(long now, long loginExpirationDays, boolean includeBots) {
        this.now = now;
        this.loginExpirationMillis = Duration.ofDays(loginExpirationDays).toMillis();
        this.includeBots = includeBots;
    }

    Parsed parse(Location at, JsonNode doc) throws BadDocument {
        String id = ExtendedJson.id(doc.get("_id"), "_id");
        if (id == null) {
            throw new BadDocument("no _id");
        }
        if (id.isEmpty() || id.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new BadDocument("_id is empty or longer than " + MAX_KEY_BYTES + " bytes");
        }
        String username = ExtendedJson.string(doc.get("username"), "username");
        JsonNode services = ExtendedJson.object(doc.get("services"), "services");
        services = services == null ? NO_SERVICES : services;
        JsonNode resume = ExtendedJson.object(services.get("resume"), "services.resume");
        List<StoredToken> loginTokens = new ArrayList<>();
        List<StoredToken> pats = new ArrayList<>();
        readTokens(resume == null ? null : resume.get("loginTokens"), loginTokens, pats);
        int expired = loginTokens.size();
        loginTokens.removeIf(t -> now >= t.createdAt() + loginExpirationMillis);
        expired -= loginTokens.size();
        loginTokens.sort(Comparator.comparingLong(StoredToken::createdAt).reversed());
        int overLimit = Math.max(0, loginTokens.size() - User.MAX_LOGIN_TOKENS);
        List<StoredToken> carried = loginTokens.subList(0, loginTokens.size() - overLimit);

        String type = ExtendedJson.string(doc.get("type"), "type");
        boolean botOrApp = "bot".equals(type) || "app".equals(type);
        if (botOrApp && !includeBots && carried.isEmpty() && pats.isEmpty()) {
            return new Skipped(at, id, SkipReason.BOT_WITHOUT_TOKENS);
        }
        if (username == null || username.isBlank()) {
            return new Skipped(at, id, SkipReason.NO_USERNAME);
        }
        if (username.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new BadDocument("username is longer than " + MAX_KEY_BYTES + " bytes");
        }
        if (pats.size() > User.MAX_PERSONAL_ACCESS_TOKENS) {
            throw new BadDocument("has " + pats.size() + " personal access tokens; a user here has at most "
                    + User.MAX_PERSONAL_ACCESS_TOKENS + " (remove some in Rocket.Chat and export again)");
        }

        JsonNode totp = ExtendedJson.object(services.get("totp"), "services.totp");
        String totpSecret = null;
        List<String> backup = List.of();
        if (totp != null && ExtendedJson.bool(totp.get("enabled"), "services.totp.enabled", false)) {
            totpSecret = totpSecret(ExtendedJson.string(totp.get("secret"), "services.totp.secret"));
            backup = backupCodes(totp.get("hashedBackup"));
        }
        JsonNode email2fa = ExtendedJson.object(services.get("email2fa"), "services.email2fa");
        JsonNode password = ExtendedJson.object(services.get("password"), "services.password");
        String bcrypt = password == null ? null : ExtendedJson.string(password.get("bcrypt"), "services.password.bcrypt");
        if (bcrypt != null && !BCRYPT.matcher(bcrypt).matches()) {
            throw new BadDocument("services.password.bcrypt is not a bcrypt hash");
        }
        return new Valid(new ImportedUser(at, id, username, ExtendedJson.string(doc.get("name"), "name"),
                // Rocket.Chat lets in only users whose active is true: a missing one is inactive.
                ExtendedJson.bool(doc.get("active"), "active", false),
                roles(doc.get("roles")), emails(doc.get("emails")), bcrypt, totpSecret, backup,
                email2fa != null && ExtendedJson.bool(email2fa.get("enabled"), "services.email2fa.enabled", false),
                carried, pats, new ImportedUser.LeftOut(expired, overLimit)));
    }

    private void readTokens(JsonNode array, List<StoredToken> loginTokens, List<StoredToken> pats) throws BadDocument {
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        int i = 0;
        for (JsonNode entry : ExtendedJson.array(array, "services.resume.loginTokens")) {
            String path = "services.resume.loginTokens[" + i++ + "]";
            if (!entry.isObject()) {
                throw new BadDocument(path + " is not an object");
            }
            String hash = ExtendedJson.string(entry.get("hashedToken"), path + ".hashedToken");
            if (hash == null || !HASHED_TOKEN.matcher(hash).matches()) {
                throw new BadDocument(path + ".hashedToken is " + (hash == null ? "missing" : "not a base64 SHA-256"));
            }
            if (!hashes.add(hash)) {
                throw new BadDocument(path + " has the same hashedToken as an earlier token");
            }
            String type = ExtendedJson.string(entry.get("type"), path + ".type");
            if (type == null) {
                Long when = required(ExtendedJson.date(entry.get("when"), path + ".when"), path + ".when");
                loginTokens.add(StoredToken.loginToken(hash, when)); // remember fields are not carried
            } else if (type.equals(StoredToken.PERSONAL_ACCESS_TOKEN_TYPE)) {
                String name = tokenName(ExtendedJson.string(entry.get("name"), path + ".name"), path + ".name");
                if (!names.add(name)) {
                    throw new BadDocument(path + ".name is the name of an earlier personal access token");
                }
                long createdAt = required(ExtendedJson.date(entry.get("createdAt"), path + ".createdAt"), path + ".createdAt");
                String lastTokenPart = ExtendedJson.string(entry.get("lastTokenPart"), path + ".lastTokenPart");
                pats.add(StoredToken.personalAccessToken(name, hash, createdAt, lastTokenPart == null ? "" : lastTokenPart,
                        ExtendedJson.bool(entry.get("bypassTwoFactor"), path + ".bypassTwoFactor", false), null));
            } else {
                throw new BadDocument(path + ".type is neither absent (a login token) nor \"personalAccessToken\"");
            }
        }
    }

    private static <T> T required(T value, String path) throws BadDocument {
        if (value == null) {
            throw new BadDocument(path + " is missing");
        }
        return value;
    }

    /** The name as this service keeps it (NFC), or why it cannot keep it. */
    private static String tokenName(String raw, String path) throws BadDocument {
        if (raw == null) {
            throw new BadDocument(path + " is missing");
        }
        try {
            return TokenName.validate(raw);
        } catch (Refusal refused) {
            throw new BadDocument(path + " " + refused.reason().replace("The 'tokenName' param ", ""));
        }
    }

    private static String totpSecret(String secret) throws BadDocument {
        if (secret == null || secret.isEmpty()) {
            throw new BadDocument("services.totp.enabled is true but services.totp.secret is missing");
        }
        String upper = secret.toUpperCase(Locale.ROOT);
        if (!BASE32.matcher(upper).matches()) {
            throw new BadDocument("services.totp.secret is not base32");
        }
        return upper;
    }

    private static List<String> backupCodes(JsonNode hashed) throws BadDocument {
        List<String> codes = new ArrayList<>();
        int i = 0;
        for (JsonNode code : ExtendedJson.array(hashed, "services.totp.hashedBackup")) {
            String path = "services.totp.hashedBackup[" + i++ + "]";
            String hex = ExtendedJson.string(code, path);
            if (hex == null || !HEX_SHA256.matcher(hex.toLowerCase(Locale.ROOT)).matches()) {
                throw new BadDocument(path + " is not a hex SHA-256");
            }
            codes.add(hex.toLowerCase(Locale.ROOT));
        }
        return codes;
    }

    private static List<String> roles(JsonNode roles) throws BadDocument {
        List<String> out = new ArrayList<>();
        int i = 0;
        for (JsonNode role : ExtendedJson.array(roles, "roles")) {
            String r = ExtendedJson.string(role, "roles[" + i++ + "]");
            if (r != null && !out.contains(r)) {
                out.add(r);
            }
        }
        return out;
    }

    private static List<EmailAddress> emails(JsonNode emails) throws BadDocument {
        List<EmailAddress> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (JsonNode email : ExtendedJson.array(emails, "emails")) {
            String path = "emails[" + i++ + "]";
            if (!email.isObject()) {
                throw new BadDocument(path + " is not an object");
            }
            String address = ExtendedJson.string(email.get("address"), path + ".address");
            if (address == null || address.isBlank()) {
                throw new BadDocument(path + ".address is missing");
            }
            if (address.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
                throw new BadDocument(path + ".address is longer than " + MAX_KEY_BYTES + " bytes");
            }
            if (seen.add(address.toLowerCase(Locale.ROOT))) {
                out.add(new EmailAddress(address, ExtendedJson.bool(email.get("verified"), path + ".verified", false)));
            }
        }
        return out;
    }
}
