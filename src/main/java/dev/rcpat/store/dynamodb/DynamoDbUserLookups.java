package dev.rcpat.store.dynamodb;

import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserLookups;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * {@link UserLookups} on one DynamoDB table: {@code _id} the key, {@code userId}, {@code failures},
 * {@code blockedUntil} (epoch ms), and {@code expiresAt} (epoch seconds: the table's TTL attribute;
 * an emulator without TTL keeps expired items, which only ever hold an expired block or a
 * token the user no longer has).
 */
public final class DynamoDbUserLookups implements UserLookups {

    static final String KEY = "_id";
    static final String USER_ID = "userId";
    static final String FAILURES = "failures";
    static final String BLOCKED_UNTIL = "blockedUntil";
    static final String EXPIRES_AT = "expiresAt";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbUserLookups(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Map<String, Lookup> read(List<String> keys) throws StoreUnavailableException {
        Map<String, Lookup> found = new HashMap<>();
        List<Map<String, AttributeValue>> wanted = new LinkedHashSet<>(keys).stream()
                .filter(DynamoDbUserLookups::isKey)
                .map(k -> Map.of(KEY, AttributeValue.fromS(k)))
                .toList();
        if (wanted.isEmpty()) {
            return found;
        }
        try {
            BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(Map.of(table,
                    KeysAndAttributes.builder().keys(wanted).consistentRead(true).build())));
            if (response.hasUnprocessedKeys() && !response.unprocessedKeys().isEmpty()) {
                throw new StoreUnavailableException(new IllegalStateException("unprocessed keys after retries"));
            }
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                Lookup lookup = toLookup(item);
                found.put(lookup.key(), lookup);
            }
            return found;
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }

    @Override
    public void claim(String key, String userId, Long expiresAtSeconds)
            throws ConditionFailedException, StoreUnavailableException {
        try {
            dynamo.putItem(b -> b.tableName(table).item(claimItem(key, userId, expiresAtSeconds))
                    .conditionExpression("attribute_not_exists(#k) OR #u = :u")
                    .expressionAttributeNames(Map.of("#k", KEY, "#u", USER_ID))
                    .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(userId))));
        } catch (ConditionalCheckFailedException e) {
            throw new ConditionFailedException(e);
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }

    /**
     * The item of a claim: {@code key} names {@code userId}, until {@code expiresAtSeconds} if not null.
     * Public for the Rocket.Chat import, which writes login tokens' lookups in batches.
     */
    public static Map<String, AttributeValue> claimItem(String key, String userId, Long expiresAtSeconds) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(KEY, AttributeValue.fromS(key));
        item.put(USER_ID, AttributeValue.fromS(userId));
        if (expiresAtSeconds != null) {
            item.put(EXPIRES_AT, number(expiresAtSeconds));
        }
        return item;
    }

    /** The primary key of the item with {@code key}. Public for the Rocket.Chat import, which gives back items in batches. */
    public static Map<String, AttributeValue> itemKey(String key) {
        return Map.of(KEY, AttributeValue.fromS(key));
    }

    @Override
    public void release(String key, String userId) throws StoreUnavailableException {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of(KEY, AttributeValue.fromS(key)))
                    .conditionExpression("#u = :u")
                    .expressionAttributeNames(Map.of("#u", USER_ID))
                    .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(userId))));
        } catch (ConditionalCheckFailedException e) {
            // already gone, or another user's: nothing of ours to give back
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }

    @Override
    public Lookup countFailure(String key, long expiresAtSeconds) throws StoreUnavailableException {
        try {
            return toLookup(dynamo.updateItem(b -> b.tableName(table).key(Map.of(KEY, AttributeValue.fromS(key)))
                    .updateExpression("SET #f = if_not_exists(#f, :zero) + :one, #e = :e")
                    .expressionAttributeNames(Map.of("#f", FAILURES, "#e", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":zero", number(0), ":one", number(1), ":e", number(expiresAtSeconds)))
                    .returnValues(ReturnValue.ALL_NEW)).attributes());
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }

    @Override
    public void block(String key, long until, long expiresAtSeconds) throws StoreUnavailableException {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of(KEY, AttributeValue.fromS(key)))
                    .updateExpression("SET #b = :b, #f = :zero, #e = :e")
                    .expressionAttributeNames(Map.of("#b", BLOCKED_UNTIL, "#f", FAILURES, "#e", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":b", number(until), ":zero", number(0), ":e", number(expiresAtSeconds))));
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }

    @Override
    public void clearFailures(String key) throws StoreUnavailableException {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of(KEY, AttributeValue.fromS(key)))
                    .conditionExpression("attribute_not_exists(#u)")
                    .expressionAttributeNames(Map.of("#u", USER_ID)));
        } catch (ConditionalCheckFailedException e) {
            // a key that names a user is never a failure counter
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }

    private static Lookup toLookup(Map<String, AttributeValue> item) {
        AttributeValue user = item.get(USER_ID);
        AttributeValue failures = item.get(FAILURES);
        AttributeValue blocked = item.get(BLOCKED_UNTIL);
        return new Lookup(item.get(KEY).s(), user == null ? null : user.s(),
                failures == null ? 0 : Integer.parseInt(failures.n()),
                blocked == null ? null : Long.valueOf(blocked.n()));
    }

    /** Whether {@code key} can be a DynamoDB key: 1 to 2048 bytes of well-formed UTF-8. */
    private static boolean isKey(String key) {
        return !key.isEmpty() && StandardCharsets.UTF_8.newEncoder().canEncode(key)
                && key.getBytes(StandardCharsets.UTF_8).length <= 2048;
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }
}
