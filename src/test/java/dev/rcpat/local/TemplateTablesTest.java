package dev.rcpat.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveResponse;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TemplateTables} on a small template (src/test/resources/dev/rcpat/local/template-tables.yaml)
 * with a global and a local index, a stream and TTL, and on the project's template.yaml; the
 * requests it sends are captured by a fake {@link DynamoDbClient}, no emulator needed.
 */
class TemplateTablesTest {

    /** Every CreateTable and UpdateTimeToLive request, in the order sent. */
    final List<Object> sent = new ArrayList<>();

    static Path fixture() throws URISyntaxException {
        return Path.of(TemplateTablesTest.class.getResource("template-tables.yaml").toURI());
    }

    /** A DynamoDbClient that knows two operations (the interface's others throw UnsupportedOperationException). */
    DynamoDbClient dynamo(Function<CreateTableRequest, CreateTableResponse> create,
                          Function<UpdateTimeToLiveRequest, UpdateTimeToLiveResponse> updateTtl) {
        return new DynamoDbClient() {
            @Override
            public CreateTableResponse createTable(CreateTableRequest request) {
                sent.add(request);
                return create.apply(request);
            }

            @Override
            public UpdateTimeToLiveResponse updateTimeToLive(UpdateTimeToLiveRequest request) {
                sent.add(request);
                return updateTtl.apply(request);
            }

            @Override
            public String serviceName() {
                return "dynamodb";
            }

            @Override
            public void close() {
            }
        };
    }

    static CreateTableResponse active(CreateTableRequest r) {
        return CreateTableResponse.builder().tableDescription(TableDescription.builder()
                .tableName(r.tableName()).tableStatus(TableStatus.ACTIVE).build()).build();
    }

    static UpdateTimeToLiveResponse ok(UpdateTimeToLiveRequest r) {
        return UpdateTimeToLiveResponse.builder().timeToLiveSpecification(r.timeToLiveSpecification()).build();
    }

    static DynamoDbException error(String code) {
        return (DynamoDbException) DynamoDbException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).serviceName("DynamoDb").build()).build();
    }

    static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    static UpdateTimeToLiveRequest ttlOn(String table, String attribute) {
        return UpdateTimeToLiveRequest.builder().tableName(table)
                .timeToLiveSpecification(t -> t.attributeName(attribute).enabled(true)).build();
    }

    static final CreateTableRequest SESSIONS = CreateTableRequest.builder()
            .tableName("unit-sessions")
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(attribute("userId", ScalarAttributeType.S), attribute("startedAt", ScalarAttributeType.N),
                    attribute("device", ScalarAttributeType.S), attribute("lastSeen", ScalarAttributeType.N))
            .keySchema(key("userId", KeyType.HASH), key("startedAt", KeyType.RANGE))
            .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                    .indexName("byDevice")
                    .keySchema(key("device", KeyType.HASH), key("startedAt", KeyType.RANGE))
                    .projection(Projection.builder().projectionType(ProjectionType.INCLUDE)
                            .nonKeyAttributes("userAgent", "ip").build())
                    .build())
            .localSecondaryIndexes(LocalSecondaryIndex.builder()
                    .indexName("byLastSeen")
                    .keySchema(key("userId", KeyType.HASH), key("lastSeen", KeyType.RANGE))
                    .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
                    .build())
            .streamSpecification(StreamSpecification.builder()
                    .streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build())
            .build();

    static final CreateTableRequest AUDIT = CreateTableRequest.builder()
            .tableName("unit-audit")
            .billingMode(BillingMode.PROVISIONED)
            .attributeDefinitions(attribute("id", ScalarAttributeType.S), attribute("kind", ScalarAttributeType.S))
            .keySchema(key("id", KeyType.HASH))
            .provisionedThroughput(ProvisionedThroughput.builder().readCapacityUnits(5L).writeCapacityUnits(2L).build())
            .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                    .indexName("byKind")
                    .keySchema(key("kind", KeyType.HASH))
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                    .provisionedThroughput(ProvisionedThroughput.builder().readCapacityUnits(3L).writeCapacityUnits(1L).build())
                    .build())
            .build();

    @Test
    void createsEachTableWithItsIndexesAndStreamThenTurnsOnItsTtl() throws Exception {
        TemplateTables tables = TemplateTables.read(fixture(), "unit");
        tables.createAll(dynamo(TemplateTablesTest::active, TemplateTablesTest::ok));

        // template order; the TTL right after its table; none for a disabled TimeToLiveSpecification
        assertEquals(List.of(SESSIONS, ttlOn("unit-sessions", "expiresAt"), AUDIT), sent);
        assertEquals(Optional.of("expiresAt"), tables.ttlAttribute("SessionsTable"));
        assertEquals(Optional.empty(), tables.ttlAttribute("AuditTable"));
        assertEquals("unit-sessions", tables.tableName("SessionsTable"));
        assertThrows(IllegalArgumentException.class, () -> tables.tableName("SomeFunction"));
    }

    @Test
    void anEmulatorWithoutUpdateTimeToLiveIsTolerated() throws Exception {
        TemplateTables tables = TemplateTables.read(fixture(), "unit");
        tables.createAll(dynamo(TemplateTablesTest::active, r -> {
            throw error(TemplateTables.UNKNOWN_OPERATION); // dynalite's answer
        }));
        assertEquals(List.of(SESSIONS, ttlOn("unit-sessions", "expiresAt"), AUDIT), sent);
    }

    @Test
    void anyOtherTtlFailureIsNot() throws Exception {
        TemplateTables tables = TemplateTables.read(fixture(), "unit");
        DynamoDbClient refusing = dynamo(TemplateTablesTest::active, r -> {
            throw error("ValidationException");
        });
        DynamoDbException e = assertThrows(DynamoDbException.class, () -> tables.createAll(refusing));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
    }

    @Test
    void aTableThatExistsIsLeftAsItIs() throws Exception {
        TemplateTables tables = TemplateTables.read(fixture(), "unit");
        tables.createAll(dynamo(r -> {
            if (r.tableName().equals("unit-sessions")) {
                throw ResourceInUseException.builder().message("Table already exists").build();
            }
            return active(r);
        }, TemplateTablesTest::ok));
        assertEquals(List.of(SESSIONS, AUDIT), sent);
    }

    @Test
    void aTablePropertyNeitherCopiedNorSkippedIsRefused(@TempDir Path dir) throws Exception {
        String template = Files.readString(fixture()).replace("      DeletionProtectionEnabled: true\n",
                "      DeletionProtectionEnabled: true\n      OnDemandThroughput:\n        MaxReadRequestUnits: 10\n");
        Path file = Files.writeString(dir.resolve("template.yaml"), template);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TemplateTables.read(file, "unit"));
        assertTrue(e.getMessage().contains("SessionsTable") && e.getMessage().contains("OnDemandThroughput"), e.getMessage());
    }

    @Test
    void provisionedBillingNeedsItsThroughput(@TempDir Path dir) throws Exception {
        String template = Files.readString(fixture()).replace(
                "      ProvisionedThroughput:\n        ReadCapacityUnits: 5\n        WriteCapacityUnits: '2'\n", "");
        Path file = Files.writeString(dir.resolve("template.yaml"), template);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TemplateTables.read(file, "unit"));
        assertTrue(e.getMessage().contains("AuditTable.ProvisionedThroughput"), e.getMessage());
    }

    @Test
    void theProjectsTablesAreOnDemandKeyedByIdWithoutIndexesAndOnlyLookupsAndCountersExpire() throws IOException {
        TemplateTables tables = TemplateTables.read(Path.of(System.getProperty("user.dir"), "template.yaml"), "unit");
        tables.createAll(dynamo(TemplateTablesTest::active, TemplateTablesTest::ok));
        Map<String, String> ttl = Map.of("unit-lookups", "expiresAt", "unit-ratelimit", "ttl");
        List<Object> expected = new ArrayList<>();
        for (String name : List.of("unit-users", "unit-lookups", "unit-permissions", "unit-ratelimit")) {
            expected.add(CreateTableRequest.builder().tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attribute("_id", ScalarAttributeType.S))
                    .keySchema(key("_id", KeyType.HASH)).build());
            if (ttl.containsKey(name)) {
                expected.add(UpdateTimeToLiveRequest.builder().tableName(name).timeToLiveSpecification(
                        TimeToLiveSpecification.builder().enabled(true).attributeName(ttl.get(name)).build()).build());
            }
        }
        assertEquals(expected, sent);
        assertEquals(Optional.empty(), tables.ttlAttribute("UsersTable"));
        assertEquals(Optional.empty(), tables.ttlAttribute("PermissionsTable"));
        assertEquals(Optional.of("expiresAt"), tables.ttlAttribute("LookupsTable"));
        assertEquals(Optional.of("ttl"), tables.ttlAttribute("RateLimitTable"));
        assertEquals(Map.of("USERS_TABLE", "unit-users", "PERMISSIONS_TABLE", "unit-permissions",
                "LOOKUPS_TABLE", "unit-lookups", "RATE_LIMIT_TABLE", "unit-ratelimit"), tables.tableVariables());
    }
}
