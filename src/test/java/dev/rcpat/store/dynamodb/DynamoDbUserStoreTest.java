package dev.rcpat.store.dynamodb;

import dev.rcpat.domain.EmailCode;
import dev.rcpat.domain.Permissions;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rcpat.domain.Permissions.CREATE_PERSONAL_ACCESS_TOKENS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The requests {@link DynamoDbUserStore} builds, captured by a fake client and compared whole, so
 * a change in a key, an expression or a placeholder fails here in milliseconds rather than against
 * an emulator (or not at all, where the emulators are lenient).
 */
class DynamoDbUserStoreTest {

    static final String USERS = "users-table";
    static final String PERMISSIONS = "permissions-table";
    static final String USER_ID = "user-1";

    static final StoredToken CI_TOKEN =
            StoredToken.personalAccessToken("ci", "hash-1", 1_700_000_000_000L, "x9Kq2Z", false, null);
    /** CI_TOKEN as the user item stores it. */
    static final AttributeValue CI_TOKEN_ITEM = AttributeValue.fromM(Map.of(
            "hashedToken", s("hash-1"),
            "type", s("personalAccessToken"),
            "name", s("ci"),
            "createdAt", n(1_700_000_000_000L),
            "lastTokenPart", s("x9Kq2Z"),
            "bypassTwoFactor", AttributeValue.fromBool(false)));
    static final EmailCode CODE = new EmailCode("code-hash", 1_700_003_600_000L, 0);
    static final AttributeValue CODE_ITEM = AttributeValue.fromM(Map.of(
            "hash", s("code-hash"),
            "expire", n(1_700_003_600_000L),
            "attempts", n(0)));

    final CapturingDynamo dynamo = new CapturingDynamo();
    final DynamoDbUserStore store = new DynamoDbUserStore(dynamo, USERS, PERMISSIONS);

    // --- load -------------------------------------------------------------------------------

    @Test
    void loadWithAPermissionIsOneConsistentBatchGetOfTheUserAndThePermission() throws Exception {
        dynamo.batchGetResponse = BatchGetItemResponse.builder().responses(Map.of(
                USERS, List.of(Map.of("_id", s(USER_ID), "username", s("alice"), "roles", AttributeValue.fromL(List.of(s("user"))))),
                PERMISSIONS, List.of(Map.of("_id", s(CREATE_PERSONAL_ACCESS_TOKENS), "roles", AttributeValue.fromL(List.of(s("admin")))))))
                .build();

        UserStore.Snapshot snapshot = store.load(USER_ID, List.of(CREATE_PERSONAL_ACCESS_TOKENS));

        assertEquals(List.of(BatchGetItemRequest.builder().requestItems(Map.of(
                USERS, KeysAndAttributes.builder().keys(List.of(Map.of("_id", s(USER_ID)))).consistentRead(true).build(),
                PERMISSIONS, KeysAndAttributes.builder().keys(List.of(Map.of("_id", s(CREATE_PERSONAL_ACCESS_TOKENS))))
                        .consistentRead(true).build()))
                .build()), dynamo.requests);
        assertEquals("alice", snapshot.user().orElseThrow().username());
        assertEquals(Map.of(CREATE_PERSONAL_ACCESS_TOKENS, List.of("admin")), snapshot.permissionRoles());
    }

    @Test
    void loadWithoutPermissionsReadsOnlyTheUsersTable() throws Exception {
        UserStore.Snapshot snapshot = store.load(USER_ID, List.of());

        assertEquals(List.of(BatchGetItemRequest.builder().requestItems(Map.of(
                USERS, KeysAndAttributes.builder().keys(List.of(Map.of("_id", s(USER_ID)))).consistentRead(true).build()))
                .build()), dynamo.requests);
        assertTrue(snapshot.user().isEmpty());
        assertEquals(Map.of(), snapshot.permissionRoles());
    }

    @Test
    void anIdThatCannotBeADynamoDbKeyMakesNoCallAndFindsNoUser() throws Exception {
        List<String> notKeys = List.of(
                "",
                "x".repeat(DynamoDbUserStore.MAX_KEY_BYTES + 1),
                "é".repeat(DynamoDbUserStore.MAX_KEY_BYTES / 2 + 1), // 1025 characters, 2050 UTF-8 bytes
                "user-\uD800");                                       // an unpaired surrogate
        for (String id : notKeys) {
            UserStore.Snapshot snapshot = store.load(id, List.of(CREATE_PERSONAL_ACCESS_TOKENS));
            assertTrue(snapshot.user().isEmpty());
            assertFalse(snapshot.holds(CREATE_PERSONAL_ACCESS_TOKENS));
        }
        assertEquals(List.of(), dynamo.requests);

        store.load("x".repeat(DynamoDbUserStore.MAX_KEY_BYTES), List.of());
        assertEquals(1, dynamo.requests.size(), "2048 bytes is still a key");
    }

    @Test
    void aPermissionWithNoStoredItemHasItsDefaultRoles() throws Exception {
        UserStore.Snapshot snapshot = store.load(USER_ID, List.of(CREATE_PERSONAL_ACCESS_TOKENS, "no-such-permission"));

        assertEquals(Map.of(
                CREATE_PERSONAL_ACCESS_TOKENS, Permissions.defaultRoles(CREATE_PERSONAL_ACCESS_TOKENS),
                "no-such-permission", List.of()), snapshot.permissionRoles());
        assertEquals(List.of("admin", "user"), snapshot.permissionRoles().get(CREATE_PERSONAL_ACCESS_TOKENS));
    }

    @Test
    void aStoredPermissionItemWithNoRolesMeansNobody() throws Exception {
        for (Map<String, AttributeValue> item : List.of(
                Map.of("_id", s(CREATE_PERSONAL_ACCESS_TOKENS), "roles", AttributeValue.fromL(List.of())),
                Map.of("_id", s(CREATE_PERSONAL_ACCESS_TOKENS)))) {
            dynamo.batchGetResponse = BatchGetItemResponse.builder().responses(Map.of(
                    USERS, List.of(Map.of("_id", s(USER_ID), "roles", AttributeValue.fromL(List.of(s("admin"), s("user"))))),
                    PERMISSIONS, List.of(item))).build();

            UserStore.Snapshot snapshot = store.load(USER_ID, List.of(CREATE_PERSONAL_ACCESS_TOKENS));

            assertEquals(Map.of(CREATE_PERSONAL_ACCESS_TOKENS, List.of()), snapshot.permissionRoles(), item.toString());
            assertFalse(snapshot.holds(CREATE_PERSONAL_ACCESS_TOKENS));
        }
    }

    @Test
    void unprocessedKeysMakeTheStoreUnavailable() {
        dynamo.batchGetResponse = BatchGetItemResponse.builder()
                .responses(Map.of(USERS, List.of(Map.of("_id", s(USER_ID)))))
                .unprocessedKeys(Map.of(PERMISSIONS, KeysAndAttributes.builder()
                        .keys(List.of(Map.of("_id", s(CREATE_PERSONAL_ACCESS_TOKENS)))).consistentRead(true).build()))
                .build();

        assertThrows(StoreUnavailableException.class, () -> store.load(USER_ID, List.of(CREATE_PERSONAL_ACCESS_TOKENS)));
    }

    @Test
    void aFailedReadMakesTheStoreUnavailable() {
        dynamo.failure = SdkClientException.create("connection refused");

        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> store.load(USER_ID, List.of()));
        assertSame(dynamo.failure, e.getCause());
    }

    // --- apply ------------------------------------------------------------------------------

    @Test
    void addPersonalAccessToken() throws Exception {
        store.apply(new UserWrite(USER_ID).add(new UserWrite.AddPersonalAccessToken(CI_TOKEN, 100)));

        assertEquals(update()
                .updateExpression("SET #n1.#n2 = :v0")
                .conditionExpression("attribute_exists(#n0) AND attribute_not_exists(#n1.#n2) AND size(#n1) < :v1")
                .expressionAttributeNames(Map.of("#n0", "_id", "#n1", "personalAccessTokens", "#n2", "ci"))
                .expressionAttributeValues(Map.of(":v0", CI_TOKEN_ITEM, ":v1", n(100)))
                .build(), onlyUpdate());
    }

    @Test
    void replacePersonalAccessToken() throws Exception {
        store.apply(new UserWrite(USER_ID).add(new UserWrite.ReplacePersonalAccessToken("old-hash", CI_TOKEN)));

        assertEquals(update()
                .updateExpression("SET #n1.#n2 = :v0")
                .conditionExpression("attribute_exists(#n0) AND #n1.#n2.#n3 = :v1")
                .expressionAttributeNames(Map.of("#n0", "_id", "#n1", "personalAccessTokens", "#n2", "ci", "#n3", "hashedToken"))
                .expressionAttributeValues(Map.of(":v0", CI_TOKEN_ITEM, ":v1", s("old-hash")))
                .build(), onlyUpdate());
    }

    @Test
    void removePersonalAccessTokenHasNoValues() throws Exception {
        store.apply(new UserWrite(USER_ID).add(new UserWrite.RemovePersonalAccessToken("ci")));

        UpdateItemRequest request = onlyUpdate();
        assertEquals(update()
                .updateExpression("REMOVE #n1.#n2")
                .conditionExpression("attribute_exists(#n0) AND attribute_exists(#n1.#n2)")
                .expressionAttributeNames(Map.of("#n0", "_id", "#n1", "personalAccessTokens", "#n2", "ci"))
                .build(), request);
        // DynamoDB refuses an empty ExpressionAttributeValues map.
        assertFalse(request.hasExpressionAttributeValues());
    }

    @Test
    void spendTotpStepRequiresALaterStepAndUsableTotp() throws Exception {
        store.apply(new UserWrite(USER_ID).add(new UserWrite.SpendTotpStep(56_666_666L, 1_700_000_000_000L, 5)));

        assertEquals(update()
                .updateExpression("SET #n1.#n2 = :v0, #n1.#n3 = :v1")
                .conditionExpression("attribute_exists(#n0)"
                        + " AND (attribute_not_exists(#n1.#n2) OR #n1.#n2 < :v0)"
                        + " AND (attribute_not_exists(#n1.#n4) OR #n1.#n4 <= :v2)"
                        + " AND (attribute_not_exists(#n1.#n3) OR #n1.#n3 < :v3)")
                .expressionAttributeNames(Map.of("#n0", "_id", "#n1", "totp", "#n2", "lastUsedStep",
                        "#n3", "failedAttempts", "#n4", "lockedUntil"))
                .expressionAttributeValues(Map.of(":v0", n(56_666_666L), ":v1", n(0), ":v2", n(1_700_000_000_000L), ":v3", n(5)))
                .build(), onlyUpdate());
    }

    @Test
    void storeEmailCodeWhenNoneIsStored() throws Exception {
        store.apply(new UserWrite(USER_ID).add(new UserWrite.StoreEmailCode(CODE, null)));

        assertEquals(update()
                .updateExpression("SET #n1 = :v0")
                .conditionExpression("attribute_exists(#n0) AND attribute_not_exists(#n1)")
                .expressionAttributeNames(Map.of("#n0", "_id", "#n1", "emailCode"))
                .expressionAttributeValues(Map.of(":v0", CODE_ITEM))
                .build(), onlyUpdate());
    }

    @Test
    void storeEmailCodeInPlaceOfThePreviousOne() throws Exception {
        store.apply(new UserWrite(USER_ID).add(new UserWrite.StoreEmailCode(CODE, "previous-hash")));

        assertEquals(update()
                .updateExpression("SET #n1 = :v0")
                .conditionExpression("attribute_exists(#n0) AND #n1.#n2 = :v1")
                .expressionAttributeNames(Map.of("#n0", "_id", "#n1", "emailCode", "#n2", "hash"))
                .expressionAttributeValues(Map.of(":v0", CODE_ITEM, ":v1", s("previous-hash")))
                .build(), onlyUpdate());
    }

    @Test
    void withdrawEmailCode() throws Exception {
        store.apply(new UserWrite(USER_ID).add(new UserWrite.WithdrawEmailCode("code-hash")));

        assertEquals(update()
                .updateExpression("REMOVE #n1")
                .conditionExpression("attribute_exists(#n0) AND #n1.#n2 = :v0")
                .expressionAttributeNames(Map.of("#n0", "_id", "#n1", "emailCode", "#n2", "hash"))
                .expressionAttributeValues(Map.of(":v0", s("code-hash")))
                .build(), onlyUpdate());
    }

    @Test
    void severalOperationsAreOneUpdateWithTheirConditionsJoinedByAnd() throws Exception {
        store.apply(new UserWrite(USER_ID)
                .add(new UserWrite.AddPersonalAccessToken(CI_TOKEN, 100))
                .add(new UserWrite.SpendEmailCode("code-hash", 5))
                .add(new UserWrite.RememberTwoFactor(StoredToken.loginToken("login-hash", 1_690_000_000_000L),
                        1_700_001_800_000L, "fingerprint")));

        UpdateItemRequest request = onlyUpdate();
        assertEquals(update()
                .updateExpression("SET #n1.#n2 = :v0, #n6.#n7.#n8 = :v4, #n6.#n7.#n9 = :v5 REMOVE #n3")
                .conditionExpression("attribute_exists(#n0)"
                        + " AND attribute_not_exists(#n1.#n2) AND size(#n1) < :v1"
                        + " AND #n3.#n4 = :v2 AND #n3.#n5 < :v3"
                        + " AND #n6.#n7.#n10 = :v6")
                .expressionAttributeNames(Map.ofEntries(
                        Map.entry("#n0", "_id"),
                        Map.entry("#n1", "personalAccessTokens"),
                        Map.entry("#n2", "ci"),
                        Map.entry("#n3", "emailCode"),
                        Map.entry("#n4", "hash"),
                        Map.entry("#n5", "attempts"),
                        Map.entry("#n6", "loginTokens"),
                        Map.entry("#n7", "login-hash"),
                        Map.entry("#n8", "twoFactorAuthorizedUntil"),
                        Map.entry("#n9", "twoFactorAuthorizedHash"),
                        Map.entry("#n10", "hashedToken")))
                .expressionAttributeValues(Map.of(
                        ":v0", CI_TOKEN_ITEM,
                        ":v1", n(100),
                        ":v2", s("code-hash"),
                        ":v3", n(5),
                        ":v4", n(1_700_001_800_000L),
                        ":v5", s("fingerprint"),
                        ":v6", s("login-hash")))
                .build(), request);
        assertEquals(Set.copyOf(request.expressionAttributeNames().values()).size(), request.expressionAttributeNames().size(),
                "one name placeholder per attribute name");
    }

    @Test
    void everyPlaceholderUsedIsDefinedAndEveryDefinedOneIsUsed() throws Exception {
        List<UserWrite.Op> ops = List.of(
                new UserWrite.AddPersonalAccessToken(CI_TOKEN, 100),
                new UserWrite.ReplacePersonalAccessToken("old-hash", CI_TOKEN),
                new UserWrite.RemovePersonalAccessToken("ci"),
                new UserWrite.TouchLastUsed("ci", "hash-1", 1_700_000_060_000L),
                new UserWrite.RememberTwoFactor(CI_TOKEN, 1_700_001_800_000L, "fingerprint"),
                new UserWrite.StoreEmailCode(CODE, null),
                new UserWrite.StoreEmailCode(CODE, "previous-hash"),
                new UserWrite.SpendEmailCode("code-hash", 5),
                new UserWrite.CountFailedEmailCode("code-hash"),
                new UserWrite.WithdrawEmailCode("code-hash"),
                new UserWrite.SpendTotpStep(56_666_666L, 1_700_000_000_000L, 5),
                new UserWrite.SpendBackupCode(3, "backup-hash", 1_700_000_000_000L, 5),
                new UserWrite.CountFailedTotp(),
                new UserWrite.LockTotp(1_700_000_300_000L),
                new UserWrite.AddLoginToken(StoredToken.loginToken("login-hash", 1_690_000_000_000L)),
                new UserWrite.PruneLoginTokens(List.of("old-1", "old-2"), 50),
                new UserWrite.RemoveLoginToken("logged-out-hash"),
                new UserWrite.CountFailedLogin(),
                new UserWrite.BlockLogins(1_700_000_300_000L));
        for (UserWrite.Op op : ops) {
            assertPlaceholdersMatch(store.toRequest(new UserWrite(USER_ID).add(op)).build(), op.toString());
        }
        assertPlaceholdersMatch(store.toRequest(new UserWrite(USER_ID).addAll(ops)).build(), "all operations in one write");
    }

    @Test
    void aLoginAddsItsTokenPrunesWhileTheCountIsTheOneReadAndForgetsFailures() throws Exception {
        StoredToken login = StoredToken.loginToken("new-hash", 1_700_000_000_000L);
        var request = store.toRequest(new UserWrite(USER_ID)
                .add(new UserWrite.PruneLoginTokens(List.of("oldest-hash"), 50))
                .add(new UserWrite.AddLoginToken(login))
                .add(new UserWrite.ClearLoginFailures())).build();
        assertEquals("SET #n1.#n3 = :v1 REMOVE #n1.#n2, #n4, #n5", request.updateExpression());
        assertEquals("attribute_exists(#n0) AND size(#n1) = :v0", request.conditionExpression());
        assertEquals(Map.of("#n0", "_id", "#n1", "loginTokens", "#n2", "oldest-hash", "#n3", "new-hash",
                "#n4", "loginFailures", "#n5", "loginBlockedUntil"), request.expressionAttributeNames());
        assertEquals(Map.of(":v0", AttributeValue.fromN("50"), ":v1", UserItem.toItem(login)),
                request.expressionAttributeValues());
    }

    @Test
    void aFailedLoginIsCountedAndALogoutRemovesOnlyAnExistingToken() {
        var failed = store.toRequest(new UserWrite(USER_ID).add(new UserWrite.CountFailedLogin())).build();
        assertEquals("SET #n1 = if_not_exists(#n1, :v0) + :v1", failed.updateExpression());
        var logout = store.toRequest(new UserWrite(USER_ID).add(new UserWrite.RemoveLoginToken("h"))).build();
        assertEquals("REMOVE #n1.#n2", logout.updateExpression());
        assertEquals("attribute_exists(#n0) AND attribute_exists(#n1.#n2)", logout.conditionExpression());
        assertEquals(false, logout.hasExpressionAttributeValues());
    }

    @Test
    void applyAndReturnAsksForTheNewItem() throws Exception {
        dynamo.updateResponse = UpdateItemResponse.builder()
                .attributes(Map.of("_id", s(USER_ID), "username", s("alice"))).build();

        var user = store.applyAndReturn(new UserWrite(USER_ID).add(new UserWrite.CountFailedTotp()));

        assertEquals(ReturnValue.ALL_NEW, onlyUpdate().returnValues());
        assertEquals("alice", user.username());
    }

    @Test
    void aFailedConditionIsConditionFailed() {
        dynamo.failure = ConditionalCheckFailedException.builder().message("The conditional request failed").build();

        ConditionFailedException e = assertThrows(ConditionFailedException.class,
                () -> store.apply(new UserWrite(USER_ID).add(new UserWrite.RemovePersonalAccessToken("ci"))));
        assertSame(dynamo.failure, e.getCause());
    }

    @Test
    void anyOtherSdkFailureMakesTheStoreUnavailable() {
        dynamo.failure = SdkClientException.create("connection refused");

        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> store.apply(new UserWrite(USER_ID).add(new UserWrite.RemovePersonalAccessToken("ci"))));
        assertSame(dynamo.failure, e.getCause());
    }

    @Test
    void anEmptyWriteIsRefusedWithoutACall() {
        assertThrows(IllegalArgumentException.class, () -> store.apply(new UserWrite(USER_ID)));
        assertEquals(List.of(), dynamo.requests);
    }

    // --- helpers ----------------------------------------------------------------------------

    /** What every apply() sends besides its expressions. */
    static UpdateItemRequest.Builder update() {
        return UpdateItemRequest.builder()
                .tableName(USERS)
                .key(Map.of("_id", s(USER_ID)))
                .returnValues(ReturnValue.NONE);
    }

    UpdateItemRequest onlyUpdate() {
        assertEquals(1, dynamo.requests.size(), "one UpdateItem: " + dynamo.requests);
        return assertInstanceOf(UpdateItemRequest.class, dynamo.requests.get(0));
    }

    static final Pattern NAME_PLACEHOLDER = Pattern.compile("#n\\d+");
    static final Pattern VALUE_PLACEHOLDER = Pattern.compile(":v\\d+");

    static void assertPlaceholdersMatch(UpdateItemRequest request, String what) {
        String expressions = request.updateExpression() + " " + request.conditionExpression();
        assertEquals(new TreeSet<>(request.expressionAttributeNames().keySet()), found(NAME_PLACEHOLDER, expressions), what);
        assertEquals(new TreeSet<>(request.expressionAttributeValues().keySet()), found(VALUE_PLACEHOLDER, expressions), what);
    }

    static Set<String> found(Pattern placeholder, String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = placeholder.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** Records the requests it is sent; answers with the response set, or throws {@code failure}. */
    static final class CapturingDynamo implements DynamoDbClient {
        final List<Object> requests = new ArrayList<>();
        BatchGetItemResponse batchGetResponse = BatchGetItemResponse.builder().build();
        UpdateItemResponse updateResponse = UpdateItemResponse.builder().build();
        SdkException failure;

        @Override
        public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
            requests.add(request);
            if (failure != null) {
                throw failure;
            }
            return batchGetResponse;
        }

        @Override
        public UpdateItemResponse updateItem(UpdateItemRequest request) {
            requests.add(request);
            if (failure != null) {
                throw failure;
            }
            return updateResponse;
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }
}
