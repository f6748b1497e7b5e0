package dev.rcpat.local;

import dev.rcpat.auth.Passwords;
import dev.rcpat.auth.Secrets;
import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.LookupKeys;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TotpState;
import dev.rcpat.domain.User;
import dev.rcpat.local.rocketchat.UserImport;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserLookups;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.dynamodb.DynamoDbUserLookups;
import dev.rcpat.store.UserWrite;
import dev.rcpat.store.dynamodb.DynamoDbUserStore;
import dev.rcpat.store.dynamodb.UserItem;
import dev.rcpat.tokens.TokenGenerator;
import dev.samstevens.totp.secret.DefaultSecretGenerator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Operator commands on the tables: users, login tokens and permissions. Used by
 * {@code bin/local} (against the emulators or real DynamoDB) and by the tests to set up data
 * exactly as production code will read it.
 */
public final class UserAdmin {

    private static final String ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DynamoDbClient dynamo;
    private final String usersTable;
    private final String permissionsTable;
    private final String lookupsTable;
    /** The functions' default LOGIN_EXPIRATION_DAYS: how long a resume lookup of a token made here is kept. */
    private static final long LOGIN_EXPIRATION_DAYS = 90;

    private final UserStore store;
    private final UserLookups lookups;

    public UserAdmin(DynamoDbClient dynamo, String usersTable, String permissionsTable, String lookupsTable) {
        this.dynamo = dynamo;
        this.usersTable = usersTable;
        this.permissionsTable = permissionsTable;
        this.lookupsTable = lookupsTable;
        this.store = new DynamoDbUserStore(dynamo, usersTable, permissionsTable);
        this.lookups = new DynamoDbUserLookups(dynamo, lookupsTable);
    }

    /** On the tables template.yaml declares, by their local names. */
    public static UserAdmin on(DynamoDbClient dynamo, TemplateTables tables) {
        return new UserAdmin(dynamo, tables.tableName("UsersTable"), tables.tableName("PermissionsTable"),
                tables.tableName("LookupsTable"));
    }

    /** What to create. Null password: a user who cannot use the password fallback (SSO-like). */
    public record NewUser(String username, String password, List<EmailAddress> emails, List<String> roles,
                          boolean totp, boolean email2fa, boolean active) {
        public static NewUser named(String username) {
            return new NewUser(username, null, List.of(), List.of("user"), false, false, true);
        }

        public NewUser password(String p) {
            return new NewUser(username, p, emails, roles, totp, email2fa, active);
        }

        public NewUser email(String address, boolean verified) {
            List<EmailAddress> more = new ArrayList<>(emails);
            more.add(new EmailAddress(address, verified));
            return new NewUser(username, password, more, roles, totp, email2fa, active);
        }

        public NewUser roles(String... r) {
            return new NewUser(username, password, emails, List.of(r), totp, email2fa, active);
        }

        public NewUser withTotp() {
            return new NewUser(username, password, emails, roles, true, email2fa, active);
        }

        public NewUser withEmail2fa() {
            return new NewUser(username, password, emails, roles, totp, true, active);
        }

        public NewUser inactive() {
            return new NewUser(username, password, emails, roles, totp, email2fa, false);
        }
    }

    /** The created user; the TOTP secret and backup codes are shown once, here. */
    public record Created(String userId, String username, String totpSecret, List<String> backupCodes) { }

    public Created createUser(NewUser spec) {
        return createUser(spec, newUserId());
    }

    /** Creates a user with a given id (the local demo user has a fixed, documented one). */
    public Created createUser(NewUser spec, String id) {
        String bcrypt = spec.password() == null ? null : Passwords.hash(spec.password());
        String secret = null;
        List<String> backupCodes = List.of();
        TotpState totp = null;
        if (spec.totp()) {
            secret = new DefaultSecretGenerator(32).generate();
            backupCodes = newBackupCodes();
            totp = new TotpState(true, secret, backupCodes.stream().map(Secrets::sha256Hex).toList(), null, 0, null);
        }
        User user = new User(id, spec.username(), spec.active(), spec.roles(), spec.emails(), bcrypt,
                Map.of(), Map.of(), totp, spec.email2fa(), null);
        List<String> claimed = claimNames(user);
        try {
            dynamo.putItem(b -> b.tableName(usersTable).item(UserItem.fromUser(user))
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", UserItem.ID)));
        } catch (RuntimeException e) {
            release(claimed, id);
            throw e;
        }
        return new Created(id, spec.username(), secret, backupCodes);
    }

    /**
     * Takes the user's username and addresses (each one conditional write, so two concurrent
     * creations cannot both have one); gives back what it took if one is already someone else's.
     */
    private List<String> claimNames(User user) {
        List<String> keys = new ArrayList<>();
        keys.add(LookupKeys.username(user.username()));
        user.emails().forEach(e -> keys.add(LookupKeys.email(e.address())));
        List<String> claimed = new ArrayList<>();
        for (String key : keys.stream().distinct().toList()) {
            try {
                lookups.claim(key, user.id(), null);
                claimed.add(key);
            } catch (ConditionFailedException taken) {
                release(claimed, user.id());
                throw new IllegalArgumentException(key.startsWith("username:")
                        ? "A user named " + user.username() + " already exists"
                        : "The address " + key.substring("email:".length()) + " belongs to another user");
            } catch (StoreUnavailableException e) {
                release(claimed, user.id());
                throw new IllegalStateException("DynamoDB is unavailable: " + e.getMessage(), e);
            }
        }
        return claimed;
    }

    private void release(List<String> keys, String userId) {
        for (String key : keys) {
            try {
                lookups.release(key, userId);
            } catch (StoreUnavailableException e) {
                // a claim left behind names a user that does not exist: a login through it finds nobody
            }
        }
    }

    /** An import of Rocket.Chat's users and permissions into the same tables. */
    public UserImport rocketChatImport(Clock clock) {
        return new UserImport(dynamo, usersTable, permissionsTable, lookupsTable, clock);
    }

    /** Creates a login token (as a Rocket.Chat login would) and returns its plaintext, shown once. */
    public String createLoginToken(String userId) {
        String token = randomToken();
        addLoginToken(userId, token);
        return token;
    }

    /** Stores the hash of a given login token (created now) on the user, and its resume lookup. */
    public void addLoginToken(String userId, String token) {
        StoredToken record = StoredToken.loginToken(Secrets.hashToken(token), System.currentTimeMillis());
        try {
            lookups.claim(LookupKeys.loginToken(record.hashedToken()), userId,
                    (record.createdAt() + Duration.ofDays(LOGIN_EXPIRATION_DAYS).toMillis()) / 1000);
            store.apply(new UserWrite(userId).add(new UserWrite.AddLoginToken(record)));
        } catch (ConditionFailedException e) {
            throw new IllegalArgumentException("No user with id " + userId);
        } catch (StoreUnavailableException e) {
            throw new IllegalStateException("DynamoDB is unavailable: " + e.getMessage(), e);
        }
    }

    /** Sets the roles that hold a permission; no roles means nobody has it. */
    public void setPermission(String permission, List<String> roles) {
        dynamo.putItem(b -> b.tableName(permissionsTable).item(Map.of(
                UserItem.ID, AttributeValue.fromS(permission),
                UserItem.PERMISSION_ROLES, AttributeValue.fromL(roles.stream().map(AttributeValue::fromS).toList()))));
    }

    /** The roles that hold {@code permission}, or empty when the permission is not stored. */
    public Optional<List<String>> permissionRoles(String permission) {
        var item = dynamo.getItem(b -> b.tableName(permissionsTable).consistentRead(true)
                .key(Map.of(UserItem.ID, AttributeValue.fromS(permission)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue roles = item.get(UserItem.PERMISSION_ROLES);
        return Optional.of(roles == null ? List.of() : roles.l().stream().map(AttributeValue::s).toList());
    }

    /** The user with this username, without regard to case, through its lookup item. */
    public Optional<User> findByUsername(String username) {
        String key = LookupKeys.username(username);
        try {
            UserLookups.Lookup found = lookups.read(List.of(key)).get(key);
            return found == null ? Optional.empty() : findById(found.userId());
        } catch (StoreUnavailableException e) {
            throw new IllegalStateException("DynamoDB is unavailable: " + e.getMessage(), e);
        }
    }

    public Optional<User> findById(String userId) {
        var item = dynamo.getItem(b -> b.tableName(usersTable).consistentRead(true)
                .key(Map.of(UserItem.ID, AttributeValue.fromS(userId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(UserItem.toUser(item));
    }

    /** The raw item, for tests that check what is (and is not) stored. */
    public Map<String, AttributeValue> rawItem(String userId) {
        return dynamo.getItem(b -> b.tableName(usersTable).consistentRead(true)
                .key(Map.of(UserItem.ID, AttributeValue.fromS(userId)))).item();
    }

    /** A Rocket.Chat-style id: 17 characters of Meteor's unambiguous alphabet. */
    public static String newUserId() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 17; i++) {
            sb.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        return sb.toString();
    }

    private static String randomToken() {
        return new TokenGenerator(RANDOM).newToken();
    }

    private static List<String> newBackupCodes() {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[4];
            RANDOM.nextBytes(b);
            codes.add(HexFormat.of().formatHex(b));
        }
        return codes;
    }
}
