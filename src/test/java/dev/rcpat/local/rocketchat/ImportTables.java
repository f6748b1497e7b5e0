package dev.rcpat.local.rocketchat;

import dev.rcpat.CompositionRoot;
import dev.rcpat.config.Settings;
import dev.rcpat.local.TemplateTables;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.TestStack;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A set of the three tables of its own, on the shared emulators: an import uses Rocket.Chat's
 * fixed ids and usernames, so each test imports into empty tables.
 */
final class ImportTables {

    final TestStack stack = TestStack.get();
    final TemplateTables tables;

    ImportTables() {
        try {
            tables = TemplateTables.read(TestStack.PROJECT.resolve("template.yaml"),
                    "import-" + UserAdmin.newUserId().toLowerCase());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tables.createAll(stack.dynamo());
    }

    DynamoDbClient dynamo() {
        return stack.dynamo();
    }

    String users() {
        return tables.tableName("UsersTable");
    }

    String lookups() {
        return tables.tableName("LookupsTable");
    }

    String permissions() {
        return tables.tableName("PermissionsTable");
    }

    UserImport importer(Clock clock) {
        return new UserImport(dynamo(), users(), permissions(), lookups(), clock);
    }

    UserImport importer(DynamoDbClient client, Clock clock) {
        return new UserImport(client, users(), permissions(), lookups(), clock);
    }

    UserAdmin admin() {
        return UserAdmin.on(dynamo(), tables);
    }

    /** The service's functions on these tables, logging into {@link LogCapture}. */
    CompositionRoot services(Clock clock) {
        return CompositionRoot.build(Settings.from(stack.environment(tables.tableVariables())), stack.aws(), clock,
                LogCapture::record);
    }

    /** Every item of a table (a scan: tests only). */
    List<Map<String, AttributeValue>> scan(String table) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo().scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(items::add);
        return items;
    }

    /** The keys of the lookup items, without the failure counters of client addresses. */
    Set<String> lookupKeys() {
        Set<String> keys = new java.util.TreeSet<>();
        for (Map<String, AttributeValue> item : scan(lookups())) {
            String key = item.get("_id").s();
            if (!key.startsWith("ip:")) {
                keys.add(key + " -> " + item.get("userId").s());
            }
        }
        return keys;
    }
}
