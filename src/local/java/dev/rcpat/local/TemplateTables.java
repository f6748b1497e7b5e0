package dev.rcpat.local;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Creates the DynamoDB tables as template.yaml declares them, so the local stack and the tests
 * cannot drift from the deployed data model. Copied into CreateTable: AttributeDefinitions,
 * KeySchema, BillingMode (CloudFormation's default, PROVISIONED, when absent) with its
 * ProvisionedThroughput, GlobalSecondaryIndexes (IndexName, KeySchema, Projection with
 * NonKeyAttributes, and ProvisionedThroughput when billing is PROVISIONED),
 * LocalSecondaryIndexes and StreamSpecification. An enabled TimeToLiveSpecification is applied
 * after creation with UpdateTimeToLive; the local emulator (dynalite) has no such operation and
 * answers UnknownOperationException, which is tolerated, so locally expired items stay until
 * deleted: whatever reads a table with a {@link #ttlAttribute TTL attribute} must ignore expired
 * items itself (DynamoDB, too, deletes them only eventually).
 *
 * <p>Deliberately not copied, because they do not change what the code reads or writes:
 * PointInTimeRecoverySpecification (not a CreateTable parameter at all), SSESpecification,
 * DeletionProtectionEnabled, Tags, TableClass, ContributorInsightsSpecification (table or index),
 * KinesisStreamSpecification and ResourcePolicy. TableName is replaced by the local name. Any
 * other table property is refused, so a new one in the template is a decision here, not a
 * silent difference.
 *
 * <p>Local table names are derived from the logical ids: {@code UsersTable} with prefix
 * {@code rcpat} becomes {@code rcpat-users}.
 */
public final class TemplateTables {

    /** Table properties that do not shape the data the code sees: see the class comment. */
    static final Set<String> NOT_COPIED = Set.of("TableName", "PointInTimeRecoverySpecification", "SSESpecification",
            "DeletionProtectionEnabled", "Tags", "TableClass", "ContributorInsightsSpecification",
            "KinesisStreamSpecification", "ResourcePolicy");
    static final Set<String> COPIED = Set.of("AttributeDefinitions", "KeySchema", "BillingMode", "ProvisionedThroughput",
            "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "StreamSpecification", "TimeToLiveSpecification");

    /** dynalite's answer to UpdateTimeToLive, which it does not implement. */
    static final String UNKNOWN_OPERATION = "UnknownOperationException";

    private record Table(CreateTableRequest request, Optional<String> ttlAttribute) { }

    private final Map<String, Table> byLogicalId;

    private TemplateTables(Map<String, Table> byLogicalId) {
        this.byLogicalId = byLogicalId;
    }

    public static TemplateTables read(Path templateFile, String prefix) throws IOException {
        Map<String, Table> out = new LinkedHashMap<>();
        CfnTemplate.load(templateFile).resourcesOfType("AWS::DynamoDB::Table").forEach((id, props) ->
                out.put(id, new Table(createTable(id, localName(prefix, id), props), ttl(id, props))));
        return new TemplateTables(out);
    }

    /** {@code UsersTable} → {@code PREFIX-users}. */
    public static String localName(String prefix, String logicalId) {
        String base = logicalId.endsWith("Table") ? logicalId.substring(0, logicalId.length() - 5) : logicalId;
        return prefix + "-" + base.toLowerCase();
    }

    /**
     * Each table's local name under the environment variable the functions read it from, by the
     * template's convention: {@code LookupsTable} is {@code LOOKUPS_TABLE}.
     */
    public Map<String, String> tableVariables() {
        Map<String, String> env = new java.util.TreeMap<>();
        for (String logicalId : byLogicalId.keySet()) {
            env.put(logicalId.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT),
                    tableName(logicalId));
        }
        return env;
    }

    /** The logical id of the table created here as {@code tableName}. */
    public Optional<String> logicalIdOf(String tableName) {
        return byLogicalId.keySet().stream().filter(id -> tableName(id).equals(tableName)).findFirst();
    }

    public String tableName(String logicalId) {
        return table(logicalId).request().tableName();
    }

    /** The attribute the template's enabled TimeToLiveSpecification names, if any. */
    public Optional<String> ttlAttribute(String logicalId) {
        return table(logicalId).ttlAttribute();
    }

    private Table table(String logicalId) {
        Table t = byLogicalId.get(logicalId);
        if (t == null) {
            throw new IllegalArgumentException("template.yaml declares no table " + logicalId);
        }
        return t;
    }

    /** Creates every table that does not exist yet, then turns on its TTL where the template has one. */
    public void createAll(DynamoDbClient dynamo) {
        for (Table table : byLogicalId.values()) {
            CreateTableResponse created;
            try {
                created = dynamo.createTable(table.request());
            } catch (ResourceInUseException exists) {
                continue; // kept from an earlier run (--data-dir), which set it up
            }
            if (table.ttlAttribute().isPresent()) {
                enableTtl(dynamo, table.request().tableName(), table.ttlAttribute().get(), created);
            }
        }
    }

    private static void enableTtl(DynamoDbClient dynamo, String name, String attribute, CreateTableResponse created) {
        if (created.tableDescription() != null && created.tableDescription().tableStatus() != TableStatus.ACTIVE) {
            try (DynamoDbWaiter waiter = dynamo.waiter()) {
                waiter.waitUntilTableExists(b -> b.tableName(name)); // ACTIVE: UpdateTimeToLive refuses a table being created
            }
        }
        try {
            dynamo.updateTimeToLive(UpdateTimeToLiveRequest.builder().tableName(name)
                    .timeToLiveSpecification(t -> t.attributeName(attribute).enabled(true)).build());
        } catch (DynamoDbException e) {
            if (e.awsErrorDetails() == null || !UNKNOWN_OPERATION.equals(e.awsErrorDetails().errorCode())) {
                throw e;
            }
            // dynalite: no TTL; readers ignore expired items themselves (class comment)
        }
    }

    static CreateTableRequest createTable(String logicalId, String tableName, Map<String, Object> props) {
        for (String property : props.keySet()) {
            if (!COPIED.contains(property) && !NOT_COPIED.contains(property)) {
                throw new IllegalArgumentException(logicalId + ": TemplateTables neither copies nor deliberately skips "
                        + property + "; decide which (its class comment)");
            }
        }
        String where = logicalId + ".";
        BillingMode billing = BillingMode.fromValue(props.containsKey("BillingMode")
                ? string(props, "BillingMode", where) : BillingMode.PROVISIONED.toString());
        if (billing == BillingMode.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException(where + "BillingMode: " + props.get("BillingMode"));
        }
        boolean provisioned = billing == BillingMode.PROVISIONED;
        CreateTableRequest.Builder b = CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(billing)
                .attributeDefinitions(maps(props, "AttributeDefinitions", where).stream()
                        .map(a -> AttributeDefinition.builder()
                                .attributeName(string(a, "AttributeName", where))
                                .attributeType(string(a, "AttributeType", where)).build())
                        .toList())
                .keySchema(keySchema(props, where));
        if (provisioned) {
            b.provisionedThroughput(throughput(props, where));
        }
        if (props.containsKey("GlobalSecondaryIndexes")) {
            b.globalSecondaryIndexes(maps(props, "GlobalSecondaryIndexes", where).stream().map(i -> {
                String at = where + i.get("IndexName") + ".";
                only(i, Set.of("IndexName", "KeySchema", "Projection", "ProvisionedThroughput"),
                        Set.of("ContributorInsightsSpecification"), at);
                GlobalSecondaryIndex.Builder gsi = GlobalSecondaryIndex.builder()
                        .indexName(string(i, "IndexName", at))
                        .keySchema(keySchema(i, at))
                        .projection(projection(i, at));
                if (provisioned) {
                    gsi.provisionedThroughput(throughput(i, at));
                }
                return gsi.build();
            }).toList());
        }
        if (props.containsKey("LocalSecondaryIndexes")) {
            b.localSecondaryIndexes(maps(props, "LocalSecondaryIndexes", where).stream().map(i -> {
                String at = where + i.get("IndexName") + ".";
                only(i, Set.of("IndexName", "KeySchema", "Projection"), Set.of(), at);
                return LocalSecondaryIndex.builder()
                        .indexName(string(i, "IndexName", at))
                        .keySchema(keySchema(i, at))
                        .projection(projection(i, at)).build();
            }).toList());
        }
        if (props.containsKey("StreamSpecification")) {
            Map<String, Object> stream = map(props, "StreamSpecification", where);
            b.streamSpecification(StreamSpecification.builder()
                    .streamEnabled(true)
                    .streamViewType(string(stream, "StreamViewType", where + "StreamSpecification.")).build());
        }
        return b.build();
    }

    static Optional<String> ttl(String logicalId, Map<String, Object> props) {
        if (!props.containsKey("TimeToLiveSpecification")) {
            return Optional.empty();
        }
        String where = logicalId + ".TimeToLiveSpecification.";
        Map<String, Object> spec = map(props, "TimeToLiveSpecification", logicalId + ".");
        if (!Boolean.parseBoolean(string(spec, "Enabled", where))) {
            return Optional.empty();
        }
        return Optional.of(string(spec, "AttributeName", where));
    }

    private static List<KeySchemaElement> keySchema(Map<String, Object> owner, String where) {
        return maps(owner, "KeySchema", where).stream()
                .map(k -> KeySchemaElement.builder()
                        .attributeName(string(k, "AttributeName", where))
                        .keyType(string(k, "KeyType", where)).build())
                .toList();
    }

    private static Projection projection(Map<String, Object> index, String where) {
        Map<String, Object> p = map(index, "Projection", where);
        Projection.Builder b = Projection.builder();
        if (p.containsKey("ProjectionType")) {
            b.projectionType(string(p, "ProjectionType", where + "Projection."));
        }
        if (p.containsKey("NonKeyAttributes")) {
            if (!(p.get("NonKeyAttributes") instanceof List<?> names) || !names.stream().allMatch(String.class::isInstance)) {
                throw new IllegalArgumentException(where + "Projection.NonKeyAttributes: a list of names expected");
            }
            b.nonKeyAttributes(names.stream().map(String.class::cast).toList());
        }
        return b.build();
    }

    /** Required when billing is PROVISIONED (by DynamoDB as by CloudFormation). */
    private static ProvisionedThroughput throughput(Map<String, Object> owner, String where) {
        if (!owner.containsKey("ProvisionedThroughput")) {
            throw new IllegalArgumentException(where + "ProvisionedThroughput is required with BillingMode PROVISIONED");
        }
        Map<String, Object> t = map(owner, "ProvisionedThroughput", where);
        String at = where + "ProvisionedThroughput.";
        return ProvisionedThroughput.builder()
                .readCapacityUnits(number(t, "ReadCapacityUnits", at))
                .writeCapacityUnits(number(t, "WriteCapacityUnits", at)).build();
    }

    private static void only(Map<String, Object> object, Set<String> copied, Set<String> skipped, String where) {
        for (String key : object.keySet()) {
            if (!copied.contains(key) && !skipped.contains(key)) {
                throw new IllegalArgumentException(where + key + ": TemplateTables neither copies nor deliberately skips it");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> owner, String key, String where) {
        if (!(owner.get(key) instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + key + ": an object expected, found " + owner.get(key));
        }
        return (Map<String, Object>) m;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Map<String, Object> owner, String key, String where) {
        if (!(owner.get(key) instanceof List<?> list) || !list.stream().allMatch(Map.class::isInstance)) {
            throw new IllegalArgumentException(where + key + ": a list of objects expected, found " + owner.get(key));
        }
        return (List<Map<String, Object>>) list;
    }

    /** A literal value as text (CloudFormation takes strings, numbers and booleans alike), never an intrinsic function. */
    private static String string(Map<String, Object> owner, String key, String where) {
        Object v = owner.get(key);
        if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
            throw new IllegalArgumentException(where + key + ": a literal value expected (no intrinsic function), found " + v);
        }
        return String.valueOf(v);
    }

    private static long number(Map<String, Object> owner, String key, String where) {
        String text = string(owner, key, where);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + key + ": a whole number expected, found " + text);
        }
    }
}
