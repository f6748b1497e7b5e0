package dev.rcpat.local;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates the DynamoDB tables exactly as template.yaml declares them (keys, attribute types,
 * billing mode), so the local stack and the tests cannot drift from the deployed schema.
 * Local table names are derived from the logical ids: {@code UsersTable} with prefix
 * {@code rcpat} becomes {@code rcpat-users}.
 */
public final class TemplateTables {

    private final Map<String, CreateTableRequest> byLogicalId;

    private TemplateTables(Map<String, CreateTableRequest> byLogicalId) {
        this.byLogicalId = byLogicalId;
    }

    @SuppressWarnings("unchecked")
    public static TemplateTables read(Path templateFile, String prefix) throws IOException {
        Map<String, CreateTableRequest> out = new LinkedHashMap<>();
        CfnTemplate.load(templateFile).resourcesOfType("AWS::DynamoDB::Table").forEach((id, props) -> {
            List<AttributeDefinition> attributes = ((List<Map<String, Object>>) props.get("AttributeDefinitions")).stream()
                    .map(a -> AttributeDefinition.builder()
                            .attributeName((String) a.get("AttributeName"))
                            .attributeType((String) a.get("AttributeType")).build())
                    .toList();
            List<KeySchemaElement> keys = ((List<Map<String, Object>>) props.get("KeySchema")).stream()
                    .map(k -> KeySchemaElement.builder()
                            .attributeName((String) k.get("AttributeName"))
                            .keyType((String) k.get("KeyType")).build())
                    .toList();
            out.put(id, CreateTableRequest.builder()
                    .tableName(localName(prefix, id))
                    .attributeDefinitions(attributes)
                    .keySchema(keys)
                    .billingMode(BillingMode.fromValue(String.valueOf(props.getOrDefault("BillingMode", "PAY_PER_REQUEST"))))
                    .build());
        });
        return new TemplateTables(out);
    }

    /** {@code UsersTable} → {@code PREFIX-users}. */
    public static String localName(String prefix, String logicalId) {
        String base = logicalId.endsWith("Table") ? logicalId.substring(0, logicalId.length() - 5) : logicalId;
        return prefix + "-" + base.toLowerCase();
    }

    public Map<String, CreateTableRequest> requests() {
        return byLogicalId;
    }

    public String tableName(String logicalId) {
        CreateTableRequest r = byLogicalId.get(logicalId);
        if (r == null) {
            throw new IllegalArgumentException("template.yaml declares no table " + logicalId);
        }
        return r.tableName();
    }

    /** Creates every table that does not exist yet. */
    public void createAll(DynamoDbClient dynamo) {
        for (CreateTableRequest request : byLogicalId.values()) {
            try {
                dynamo.createTable(request);
            } catch (ResourceInUseException exists) {
                // kept from an earlier run (--data-dir)
            }
        }
    }
}
