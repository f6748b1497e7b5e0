package dev.rcpat;

import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SnapStart hooks against the emulators: priming leaves no data behind, a restore renews the randomness. */
@ExtendWith(LogSecretScan.class)
class PrimingIT {

    final TestStack stack = TestStack.get();

    @Test
    void primingRunsTheRequestPathAndLeavesTheTablesAsTheyWere() throws Exception {
        CompositionRoot services = stack.services(TestStack.RATE_LIMITER_ON, java.time.Clock.systemUTC());
        // Some data for the priming to (not) touch.
        stack.admin().createLoginToken(stack.admin().createUser(
                dev.rcpat.local.UserAdmin.NewUser.named("prime-" + dev.rcpat.local.UserAdmin.newUserId())).userId());
        List<Map<String, AttributeValue>> usersBefore = scan(stack.usersTable());
        List<Map<String, AttributeValue>> permissionsBefore = scan(stack.permissionsTable());
        int linesBefore = LogCapture.lines().size();
        int mailsBefore = stack.mailbox().all().size();

        new Priming(services).beforeCheckpoint(null);

        assertEquals(mailsBefore, stack.mailbox().all().size(), "the mails are rehearsed, not sent");
        assertEquals(usersBefore, scan(stack.usersTable()));
        assertEquals(permissionsBefore, scan(stack.permissionsTable()));
        assertTrue(scan(stack.usersTable()).stream().noneMatch(i -> i.get("_id").s().equals(Priming.NO_SUCH_USER)));
        // The real pipeline ran for every route of the table, logged as a rehearsal: each counted in the
        // rate limiter; the routes that need a login made one BatchGetItem round trip beside the count
        // and answered 401; the public ones were refused on their body (a login or a code request for
        // nobody would count a failure).
        List<String> lines = LogCapture.lines().subList(linesBefore, LogCapture.lines().size());
        var routes = services.pipeline().routes();
        assertEquals(routes.size(), lines.size(), lines.toString());
        for (int i = 0; i < routes.size(); i++) {
            var line = Api.json(lines.get(i));
            assertEquals("request", line.get("log").asText());
            assertEquals(routes.get(i).name(), line.get("route").asText());
            assertEquals(Priming.REQUEST_ID, line.get("requestId").asText());
            assertTrue(line.get("rehearsal").asBoolean(), "no client sent it");
            assertTrue(!line.has("_aws") && !line.has("Requests"), "a rehearsal counts in no metric: " + line);
            if (routes.get(i).requiresLogin()) {
                assertEquals(401, line.get("status").asInt());
                assertEquals("unauthorized", line.get("errorType").asText());
                assertEquals(2, line.get("dynamodbCalls").asInt(), line.toString());
            } else {
                assertTrue(Set.of(400, 401).contains(line.get("status").asInt()), line.toString());
                assertEquals(1, line.get("dynamodbCalls").asInt(), line.toString());
            }
        }
        // What it counted: for 127.0.0.1 only, each route once, each deletable by TTL.
        List<Map<String, AttributeValue>> counted = stack.dynamo().scanPaginator(b -> b.tableName(stack.rateLimitTable())
                .consistentRead(true)).items().stream().filter(i -> i.get("_id").s().startsWith("127.0.0.1|")).toList();
        for (String route : services.pipeline().routes().stream().map(r -> r.method() + " " + r.name()).toList()) {
            assertTrue(counted.stream().anyMatch(i -> i.get("_id").s().startsWith("127.0.0.1|" + route + "|")
                    && i.containsKey("ttl")), route + " in " + counted);
        }
    }

    @Test
    void afterRestoreEnvironmentsNoLongerShareTheGeneratorState() throws Exception {
        CompositionRoot first = stack.services();
        CompositionRoot second = stack.services();
        // Two environments restored from one snapshot: the same generator state.
        first.random().reseed(snapshotState());
        second.random().reseed(snapshotState());
        assertEquals(first.tokens().newToken(), second.tokens().newToken(), "the simulated shared state");

        first.random().reseed(snapshotState());
        second.random().reseed(snapshotState());
        new Priming(first).afterRestore(null);
        new Priming(second).afterRestore(null);
        String a = LogCapture.secret(first.tokens().newToken());
        String b = LogCapture.secret(second.tokens().newToken());
        assertNotEquals(a, b);
        assertTrue(a.matches("^[A-Za-z0-9_-]{43}$"), a);
    }

    @Test
    void primingIsBestEffortWhenDynamoDbIsUnreachable() throws Exception {
        CompositionRoot offline = CompositionRoot.build(dev.rcpat.config.Settings.from(stack.environment(Map.of())),
                dev.rcpat.aws.AwsEnvironment.emulators(java.net.URI.create("http://127.0.0.1:" + dev.rcpat.local.Emulators.freePort()),
                        stack.emulators().sesEndpoint()),
                java.time.Clock.systemUTC(), LogCapture::record);
        int linesBefore = LogCapture.lines().size();
        new Priming(offline).beforeCheckpoint(null); // must not throw: a failed priming must not fail the snapshot
        var line = LogCapture.lines().subList(linesBefore, LogCapture.lines().size()).stream().map(Api::json)
                .filter(l -> l.get("route").asText().equals("users.generatePersonalAccessToken")).findFirst().orElseThrow();
        assertEquals(503, line.get("status").asInt());
    }

    private static SecureRandom snapshotState() throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(42);
        return r;
    }

    private List<Map<String, AttributeValue>> scan(String table) {
        return stack.dynamo().scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream()
                .sorted(Comparator.comparing(i -> i.get("_id").s()))
                .toList();
    }
}
