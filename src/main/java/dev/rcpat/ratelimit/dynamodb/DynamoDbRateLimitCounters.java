package dev.rcpat.ratelimit.dynamodb;

import dev.rcpat.ratelimit.RateLimitCounters;
import dev.rcpat.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.util.Map;

/**
 * {@link RateLimitCounters} in a DynamoDB table (template.yaml's {@code RateLimitTable};
 * docs/data-model.md): one item per counter, {@code _id} the key, {@code calls} the count,
 * {@code ttl} (epoch seconds) the attribute the table's TTL deletes it by. Each call is one
 * {@code UpdateItem}.
 */
public final class DynamoDbRateLimitCounters implements RateLimitCounters {

    public static final String ID = "_id";
    public static final String CALLS = "calls";
    public static final String TTL = "ttl";


    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbRateLimitCounters(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public long increment(String key, long expiresAtEpochSeconds) throws StoreUnavailableException {
        try {
            AttributeValue calls = dynamo.updateItem(incrementRequest(key, expiresAtEpochSeconds)).attributes().get(CALLS);
            return Long.parseLong(calls.n());
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }

    /** {@code ADD calls 1} creates the counter at 1 or adds to it atomically; the new value comes back. */
    UpdateItemRequest incrementRequest(String key, long expiresAtEpochSeconds) {
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(ID, AttributeValue.fromS(key)))
                .updateExpression("ADD #calls :one SET #ttl = :ttl")
                .expressionAttributeNames(Map.of("#calls", CALLS, "#ttl", TTL))
                .expressionAttributeValues(Map.of(":one", number(1), ":ttl", number(expiresAtEpochSeconds)))
                .returnValues(ReturnValue.UPDATED_NEW)
                .build();
    }

    @Override
    public void decrement(String key) throws StoreUnavailableException {
        try {
            dynamo.updateItem(decrementRequest(key));
        } catch (ConditionalCheckFailedException gone) {
            // No such counter: nothing to take back.
        } catch (SdkException e) {
            throw new StoreUnavailableException(e);
        }
    }

    /** Never creates a counter: one at -1 would give its window an extra request. */
    UpdateItemRequest decrementRequest(String key) {
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(ID, AttributeValue.fromS(key)))
                .updateExpression("ADD #calls :minusOne")
                .conditionExpression("attribute_exists(#id)")
                .expressionAttributeNames(Map.of("#id", ID, "#calls", CALLS))
                .expressionAttributeValues(Map.of(":minusOne", number(-1)))
                .build();
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }
}
