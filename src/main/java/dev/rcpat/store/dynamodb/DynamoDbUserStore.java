package dev.rcpat.store.dynamodb;

import dev.rcpat.domain.Permissions;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.rcpat.store.dynamodb.UserItem.*;

/**
 * {@link UserStore} on two DynamoDB tables. A load is one {@code BatchGetItem} (user and
 * permission, consistent reads); a write is one {@code UpdateItem} whose condition expression
 * is the conjunction of every operation's condition, so no transaction is needed.
 */
public final class DynamoDbUserStore implements UserStore {

    /** DynamoDB's limit on a partition key value, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 2048;

    private final DynamoDbClient dynamo;
    private final String usersTable;
    private final String permissionsTable;

    public DynamoDbUserStore(DynamoDbClient dynamo, String usersTable, String permissionsTable) {
        this.dynamo = dynamo;
        this.usersTable = usersTable;
        this.permissionsTable = permissionsTable;
    }

    @Override
    public Snapshot load(String userId, List<String> permissionIds) throws StoreUnavailableException {
        if (!isKeyValue(userId)) {
            // DynamoDB would refuse the request (a 503 for what is a bad credential): no user has this id.
            return new Snapshot(Optional.empty(), Map.of());
        }
        BatchGetItemRequest request = toRequest(userId, permissionIds);
        try {
            BatchGetItemResponse response = dynamo.batchGetItem(request);
            if (response.hasUnprocessedKeys() && !response.unprocessedKeys().isEmpty()) {
                // Only under throttling; answering from half a read would be wrong.
                throw new StoreUnavailableException(new IllegalStateException("unprocessed keys after retries"));
            }
            List<Map<String, AttributeValue>> users = response.responses().getOrDefault(usersTable, List.of());
            Optional<User> user = users.isEmpty() ? Optional.empty() : Optional.of(UserItem.toUser(users.get(0)));
            Map<String, List<String>> roles = new HashMap<>();
            for (String permission : permissionIds) {
                roles.put(permission, Permissions.defaultRoles(permission));
            }
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(permissionsTable, List.of())) {
                roles.put(item.get(ID).s(), UserItem.strings(item.get(PERMISSION_ROLES)));
            }
            return new Snapshot(user, roles);
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }

    /** One consistent BatchGetItem: the user, and the permissions' items when any are asked for. */
    BatchGetItemRequest toRequest(String userId, List<String> permissionIds) {
        Map<String, KeysAndAttributes> tables = new HashMap<>();
        tables.put(usersTable, KeysAndAttributes.builder()
                .keys(Map.of(ID, AttributeValue.fromS(userId))).consistentRead(true).build());
        if (!permissionIds.isEmpty()) {
            tables.put(permissionsTable, KeysAndAttributes.builder()
                    .keys(permissionIds.stream().distinct().map(p -> Map.of(ID, AttributeValue.fromS(p))).toList())
                    .consistentRead(true).build());
        }
        return BatchGetItemRequest.builder().requestItems(tables).build();
    }

    /** Whether {@code id} can be a DynamoDB key: 1 to 2048 bytes of well-formed UTF-8. */
    static boolean isKeyValue(String id) {
        return !id.isEmpty() && StandardCharsets.UTF_8.newEncoder().canEncode(id)
                && id.getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES;
    }

    @Override
    public void apply(UserWrite write) throws ConditionFailedException, StoreUnavailableException {
        update(write, ReturnValue.NONE);
    }

    @Override
    public User applyAndReturn(UserWrite write) throws ConditionFailedException, StoreUnavailableException {
        return UserItem.toUser(update(write, ReturnValue.ALL_NEW).attributes());
    }

    private UpdateItemResponse update(UserWrite write, ReturnValue returnValue)
            throws ConditionFailedException, StoreUnavailableException {
        UpdateItemRequest request = toRequest(write).returnValues(returnValue).build();
        try {
            return dynamo.updateItem(request);
        } catch (ConditionalCheckFailedException e) {
            throw new ConditionFailedException(e);
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }

    /** Translates the domain operations into one update and one condition expression. */
    UpdateItemRequest.Builder toRequest(UserWrite write) {
        if (write.isEmpty()) {
            throw new IllegalArgumentException("empty write");
        }
        UpdateExpression x = new UpdateExpression();
        x.condition("attribute_exists(" + x.name(ID) + ")");
        for (UserWrite.Op op : write.ops()) {
            switch (op) {
                case UserWrite.AddPersonalAccessToken add -> {
                    String pats = x.name(PERSONAL_ACCESS_TOKENS);
                    String path = pats + "." + x.name(add.token().name());
                    x.set(path + " = " + x.value(UserItem.toItem(add.token())));
                    x.condition("attribute_not_exists(" + path + ")");
                    x.condition("size(" + pats + ") < " + x.value(num(add.maxTokens())));
                }
                case UserWrite.ReplacePersonalAccessToken replace -> {
                    String path = x.name(PERSONAL_ACCESS_TOKENS) + "." + x.name(replace.token().name());
                    x.set(path + " = " + x.value(UserItem.toItem(replace.token())));
                    x.condition(path + "." + x.name(HASHED_TOKEN) + " = " + x.value(str(replace.expectedHash())));
                }
                case UserWrite.RemovePersonalAccessToken remove -> {
                    String path = x.name(PERSONAL_ACCESS_TOKENS) + "." + x.name(remove.name());
                    x.remove(path);
                    x.condition("attribute_exists(" + path + ")");
                }
                case UserWrite.TouchLastUsed touch -> {
                    String path = x.name(PERSONAL_ACCESS_TOKENS) + "." + x.name(touch.name());
                    x.set(path + "." + x.name(LAST_USED_AT) + " = " + x.value(num(touch.at())));
                    x.condition(path + "." + x.name(HASHED_TOKEN) + " = " + x.value(str(touch.hashedToken())));
                }
                case UserWrite.RememberTwoFactor remember -> {
                    StoredToken t = remember.token();
                    String path = x.name(t.isPersonalAccessToken() ? PERSONAL_ACCESS_TOKENS : LOGIN_TOKENS)
                            + "." + x.name(t.key());
                    x.set(path + "." + x.name(TWO_FACTOR_AUTHORIZED_UNTIL) + " = " + x.value(num(remember.until())));
                    x.set(path + "." + x.name(TWO_FACTOR_AUTHORIZED_HASH) + " = " + x.value(str(remember.fingerprint())));
                    x.condition(path + "." + x.name(HASHED_TOKEN) + " = " + x.value(str(t.hashedToken())));
                }
                case UserWrite.StoreEmailCode store -> {
                    String path = x.name(EMAIL_CODE);
                    x.set(path + " = " + x.value(UserItem.toItem(store.code())));
                    x.condition(store.previousHash() == null
                            ? "attribute_not_exists(" + path + ")"
                            : path + "." + x.name(CODE_HASH) + " = " + x.value(str(store.previousHash())));
                }
                case UserWrite.SpendEmailCode spend -> {
                    String path = x.name(EMAIL_CODE);
                    x.remove(path);
                    x.condition(path + "." + x.name(CODE_HASH) + " = " + x.value(str(spend.hash())));
                    x.condition(path + "." + x.name(ATTEMPTS) + " < " + x.value(num(spend.maxAttempts())));
                }
                case UserWrite.CountFailedEmailCode failed -> {
                    String path = x.name(EMAIL_CODE);
                    String attempts = path + "." + x.name(ATTEMPTS);
                    x.set(attempts + " = " + attempts + " + " + x.value(num(1)));
                    x.condition(path + "." + x.name(CODE_HASH) + " = " + x.value(str(failed.hash())));
                }
                case UserWrite.WithdrawEmailCode withdraw -> {
                    String path = x.name(EMAIL_CODE);
                    x.remove(path);
                    x.condition(path + "." + x.name(CODE_HASH) + " = " + x.value(str(withdraw.hash())));
                }
                case UserWrite.SpendTotpStep spend -> {
                    String totp = x.name(TOTP);
                    String last = totp + "." + x.name(LAST_USED_STEP);
                    String step = x.value(num(spend.step()));
                    x.set(last + " = " + step);
                    x.set(totp + "." + x.name(FAILED_ATTEMPTS) + " = " + x.value(num(0)));
                    x.condition("(attribute_not_exists(" + last + ") OR " + last + " < " + step + ")");
                    totpUsable(x, spend.now(), spend.maxFailedAttempts());
                }
                case UserWrite.SpendBackupCode spend -> {
                    String totp = x.name(TOTP);
                    String entry = totp + "." + x.name(HASHED_BACKUP) + "[" + spend.index() + "]";
                    x.remove(entry);
                    x.set(totp + "." + x.name(FAILED_ATTEMPTS) + " = " + x.value(num(0)));
                    x.condition(entry + " = " + x.value(str(spend.hash())));
                    totpUsable(x, spend.now(), spend.maxFailedAttempts());
                }
                case UserWrite.CountFailedTotp ignored -> {
                    String failed = x.name(TOTP) + "." + x.name(FAILED_ATTEMPTS);
                    x.set(failed + " = if_not_exists(" + failed + ", " + x.value(num(0)) + ") + " + x.value(num(1)));
                    x.condition("attribute_exists(" + x.name(TOTP) + ")");
                }
                case UserWrite.LockTotp lock -> {
                    String totp = x.name(TOTP);
                    x.set(totp + "." + x.name(LOCKED_UNTIL) + " = " + x.value(num(lock.until())));
                    x.set(totp + "." + x.name(FAILED_ATTEMPTS) + " = " + x.value(num(0)));
                    x.condition("attribute_exists(" + totp + ")");
                }
                case UserWrite.PruneLoginTokens prune -> {
                    String tokens = x.name(LOGIN_TOKENS);
                    for (String hash : prune.hashes()) {
                        x.remove(tokens + "." + x.name(hash));
                    }
                    x.condition("size(" + tokens + ") = " + x.value(num(prune.countBefore())));
                }
                case UserWrite.RemoveLoginToken remove -> {
                    String path = x.name(LOGIN_TOKENS) + "." + x.name(remove.hashedToken());
                    x.remove(path);
                    x.condition("attribute_exists(" + path + ")");
                }
                case UserWrite.CountFailedLogin ignored -> {
                    String failures = x.name(LOGIN_FAILURES);
                    x.set(failures + " = if_not_exists(" + failures + ", " + x.value(num(0)) + ") + " + x.value(num(1)));
                }
                case UserWrite.BlockLogins block -> {
                    x.set(x.name(LOGIN_BLOCKED_UNTIL) + " = " + x.value(num(block.until())));
                    x.set(x.name(LOGIN_FAILURES) + " = " + x.value(num(0)));
                }
                case UserWrite.ClearLoginFailures ignored -> {
                    x.remove(x.name(LOGIN_FAILURES));
                    x.remove(x.name(LOGIN_BLOCKED_UNTIL));
                }
                case UserWrite.ResetFailedPasswords reset -> {
                    x.remove(x.name(PASSWORD_FAILED_ATTEMPTS));
                    x.remove(x.name(PASSWORD_LOCKED_UNTIL));
                    passwordUsable(x, reset.now(), reset.maxFailedAttempts());
                }
                case UserWrite.CountFailedPassword failed -> {
                    String count = x.name(PASSWORD_FAILED_ATTEMPTS);
                    x.set(count + " = if_not_exists(" + count + ", " + x.value(num(0)) + ") + " + x.value(num(1)));
                    passwordUsable(x, failed.now(), failed.maxFailedAttempts());
                }
                case UserWrite.LockPassword lock -> {
                    x.set(x.name(PASSWORD_LOCKED_UNTIL) + " = " + x.value(num(lock.until())));
                    x.set(x.name(PASSWORD_FAILED_ATTEMPTS) + " = " + x.value(num(0)));
                }
                case UserWrite.AddLoginToken add -> {
                    String path = x.name(LOGIN_TOKENS) + "." + x.name(add.token().key());
                    x.set(path + " = " + x.value(UserItem.toItem(add.token())));
                }
            }
        }
        UpdateItemRequest.Builder request = UpdateItemRequest.builder()
                .tableName(usersTable)
                .key(Map.of(ID, AttributeValue.fromS(write.userId())))
                .updateExpression(x.updateExpression())
                .conditionExpression(x.conditionExpression())
                .expressionAttributeNames(x.names());
        // A write of only REMOVEs has no values, and DynamoDB refuses an empty value map.
        return x.values().isEmpty() ? request : request.expressionAttributeValues(x.values());
    }

    /**
     * The condition that TOTP may accept a code: not locked at {@code now}, and fewer than
     * {@code maxFailed} failures counted (concurrent wrong guesses may have reached the limit
     * before their lock is written).
     */
    private static void totpUsable(UpdateExpression x, long now, int maxFailed) {
        String totp = x.name(TOTP);
        String lockedUntil = totp + "." + x.name(LOCKED_UNTIL);
        String failed = totp + "." + x.name(FAILED_ATTEMPTS);
        x.condition("(attribute_not_exists(" + lockedUntil + ") OR " + lockedUntil + " <= " + x.value(num(now)) + ")");
        x.condition("(attribute_not_exists(" + failed + ") OR " + failed + " < " + x.value(num(maxFailed)) + ")");
    }

    /**
     * The condition that the password fallback may take a digest: not locked at {@code now}, and
     * fewer than {@code maxFailed} failures counted.
     */
    private static void passwordUsable(UpdateExpression x, long now, int maxFailed) {
        String lockedUntil = x.name(PASSWORD_LOCKED_UNTIL);
        String failed = x.name(PASSWORD_FAILED_ATTEMPTS);
        x.condition("(attribute_not_exists(" + lockedUntil + ") OR " + lockedUntil + " <= " + x.value(num(now)) + ")");
        x.condition("(attribute_not_exists(" + failed + ") OR " + failed + " < " + x.value(num(maxFailed)) + ")");
    }
}
