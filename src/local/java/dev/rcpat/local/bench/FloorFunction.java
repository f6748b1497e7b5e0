package dev.rcpat.local.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.domain.Permissions;
import dev.rcpat.aws.AwsClients;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.aws.AwsCallCounter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;

/**
 * The floor of the benchmark: the irreducible work of a generate request. The same DynamoDB
 * client on the same HTTP client (AwsClients), and the same two calls a generate makes (the
 * consistent BatchGetItem of user + permission, the conditional UpdateItem that adds a token),
 * with no pipeline, no JSON, no hashing, no two-factor check. The token name comes from a
 * header; the stored record has the shape and size of a real one.
 *
 * <p>{@link #withCount()}: the same, plus the rate limiter's count (the same UpdateItem on the
 * rate-limit table) on a virtual thread beside the read: what one more concurrent call costs
 * against this emulator on this machine, with nothing of ours around it.
 */
public final class FloorFunction implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private static final String PERMISSION = Permissions.CREATE_PERSONAL_ACCESS_TOKENS;
    private static final String HASH = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG=";

    private final AwsCallCounter calls = new AwsCallCounter();
    private final DynamoDbClient dynamo;
    private final String usersTable;
    private final String permissionsTable;
    private final String rateLimitTable;
    private final ThreadFactory threads = Thread.ofVirtual().factory();

    public FloorFunction() {
        this(null);
    }

    private FloorFunction(String rateLimitTable) {
        AwsEnvironment aws = AwsEnvironment.fromEnvironment();
        dynamo = AwsClients.dynamoDb(aws, AwsClients.httpClient(), calls);
        usersTable = System.getenv("USERS_TABLE");
        permissionsTable = System.getenv("PERMISSIONS_TABLE");
        this.rateLimitTable = rateLimitTable;
    }

    /** The floor with the rate limiter's count beside its read. */
    public static FloorFunction withCount() {
        return new FloorFunction(System.getenv("RATE_LIMIT_TABLE"));
    }

    /** The AWS calls of the current request. */
    public AwsCallCounter calls() {
        return calls;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        calls.reset();
        String userId = event.getHeaders().get("X-User-Id");
        String name = event.getHeaders().get("X-Bench-Token-Name");
        Map<String, KeysAndAttributes> keys = new HashMap<>();
        keys.put(usersTable, KeysAndAttributes.builder()
                .keys(Map.of("_id", AttributeValue.fromS(userId))).consistentRead(true).build());
        keys.put(permissionsTable, KeysAndAttributes.builder()
                .keys(Map.of("_id", AttributeValue.fromS(PERMISSION))).consistentRead(true).build());
        CompletableFuture<Void> counted = CompletableFuture.completedFuture(null);
        if (rateLimitTable != null) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            String key = event.getRequestContext().getIdentity().getSourceIp() + "|POST floor|" + (System.currentTimeMillis() / 60_000);
            threads.newThread(calls.onBehalfOfThisThread(() -> {
                try {
                    dynamo.updateItem(b -> b.tableName(rateLimitTable)
                            .key(Map.of("_id", AttributeValue.fromS(key)))
                            .updateExpression("ADD #calls :one SET #ttl = :ttl")
                            .expressionAttributeNames(Map.of("#calls", "calls", "#ttl", "ttl"))
                            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                                    ":ttl", AttributeValue.fromN(Long.toString(System.currentTimeMillis() / 1000 + 120))))
                            .returnValues(ReturnValue.UPDATED_NEW));
                } finally {
                    done.complete(null);
                }
            })).start();
            counted = done;
        }
        dynamo.batchGetItem(b -> b.requestItems(keys));
        counted.join();

        Map<String, AttributeValue> record = new HashMap<>();
        record.put("hashedToken", AttributeValue.fromS(HASH));
        record.put("type", AttributeValue.fromS("personalAccessToken"));
        record.put("name", AttributeValue.fromS(name));
        record.put("createdAt", AttributeValue.fromN(Long.toString(System.currentTimeMillis())));
        record.put("lastTokenPart", AttributeValue.fromS("ABCDEF"));
        record.put("bypassTwoFactor", AttributeValue.fromBool(false));
        int status = 200;
        try {
            dynamo.updateItem(b -> b.tableName(usersTable)
                    .key(Map.of("_id", AttributeValue.fromS(userId)))
                    .updateExpression("SET #n0.#n1 = :v0")
                    .conditionExpression("attribute_exists(#n2) AND attribute_not_exists(#n0.#n1) AND size(#n0) < :v1")
                    .expressionAttributeNames(Map.of("#n0", "personalAccessTokens", "#n1", name, "#n2", "_id"))
                    .expressionAttributeValues(Map.of(":v0", AttributeValue.fromM(record),
                            ":v1", AttributeValue.fromN("100"))));
        } catch (ConditionalCheckFailedException e) {
            status = 400;
        }
        return new APIGatewayProxyResponseEvent().withStatusCode(status);
    }
}
