package dev.rcpat.log;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.domain.Client;
import dev.rcpat.domain.Dependency;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.EmfDocument;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request line: what it records, and the metrics it carries in the embedded metric format. */
class RequestLogTest {

    static final long AT = 1_800_000_000_000L;
    static final String GENERATE = "users.generatePersonalAccessToken";

    final List<String> lines = new ArrayList<>();
    final RequestLog log = new RequestLog(lines::add, "rcpat-test");

    static RequestLog.Request request() {
        return new RequestLog.Request(AT, "POST", "203.0.113.9", "req-1").route(GENERATE).user("U1");
    }

    String written(RequestLog.Request r) {
        lines.clear();
        log.request(r);
        assertEquals(1, lines.size());
        return lines.get(0);
    }

    static Set<String> points(String line) {
        return EmfDocument.dataPoints(line).stream()
                .map(p -> p.metricName() + p.dimensions() + "=" + (long) p.value())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void aGenerateThatCreatedATokenAndMailedItsNotice() {
        String line = written(request().twoFactorMethod("totp").tokenChanges(List.of(TokenChange.CREATED))
                .notifications(1, 0, null).awsCalls(2, 1).answered(200, 37));
        assertEquals(Api.json("""
                {"log":"request","route":"users.generatePersonalAccessToken","method":"POST","status":200,
                 "statusClass":"2xx","latencyMs":37,"userId":"U1","sourceIp":"203.0.113.9","errorType":null,
                 "twoFactorMethod":"totp","dynamodbCalls":2,"sesCalls":1,"requestId":"req-1",
                 "Requests":1,"Latency":37,"ServerErrors":0,"TokensCreated":1,"NotificationsSent":1,
                 "_aws":{"Timestamp":1800000000000,"CloudWatchMetrics":[
                   {"Namespace":"rcpat-test","Dimensions":[[],["route"],["route","statusClass"]],
                    "Metrics":[{"Name":"Requests","Unit":"Count"}]},
                   {"Namespace":"rcpat-test","Dimensions":[[],["route"]],
                    "Metrics":[{"Name":"Latency","Unit":"Milliseconds"}]},
                   {"Namespace":"rcpat-test","Dimensions":[[]],
                    "Metrics":[{"Name":"ServerErrors","Unit":"Count"},{"Name":"TokensCreated","Unit":"Count"},
                               {"Name":"NotificationsSent","Unit":"Count"}]}]}}"""), Api.json(line));
        assertTrue(line.startsWith("{\"log\":\"request\""), "log first, as the queries and tests expect");
        assertEquals(new TreeSet<>(Set.of(
                "Requests{}=1", "Requests{route=" + GENERATE + "}=1", "Requests{route=" + GENERATE + ", statusClass=2xx}=1",
                "Latency{}=37", "Latency{route=" + GENERATE + "}=37", "ServerErrors{}=0", "TokensCreated{}=1",
                "NotificationsSent{}=1")), points(line));
    }

    @Test
    void loginsFailedLoginsAndRateLimitedRequestsAreCounted() {
        RequestLog.Request login = new RequestLog.Request(AT, "POST", "203.0.113.9", "req-1").route("login");
        assertTrue(points(written(login.answered(200, 5))).contains("Logins{}=1"));
        String failed = written(new RequestLog.Request(AT, "POST", "203.0.113.9", "req-2").route("login")
                .errorType("Unauthorized").answered(401, 5));
        assertTrue(points(failed).contains("FailedLogins{}=1"), failed);
        assertFalse(points(failed).stream().anyMatch(p -> p.startsWith("Logins")), failed);
        String limited = written(new RequestLog.Request(AT, "POST", "203.0.113.9", "req-3").route("login")
                .errorType("error-too-many-requests").answered(429, 1));
        assertTrue(points(limited).containsAll(Set.of("RateLimited{}=1", "RateLimited{route=login}=1")), limited);
        assertFalse(points(limited).stream().anyMatch(p -> p.contains("Login")), "a refused login is no failed login");
        String generate = written(request().answered(429, 1));
        assertTrue(points(generate).contains("RateLimited{route=" + GENERATE + "}=1"), generate);
        String other401 = written(request().errorType("unauthorized").answered(401, 1));
        assertFalse(points(other401).stream().anyMatch(p -> p.contains("Login") || p.startsWith("RateLimited")), other401);
    }

    @Test
    void twoFactorAnswersAreCountedByMethod() {
        for (String[] c : new String[][] {{"totp-required", "TwoFactorChallenges"}, {"totp-invalid", "TwoFactorFailures"},
                {"totp-max-attempts", "TwoFactorLockouts"}}) {
            Set<String> points = points(written(request().errorType(c[0]).twoFactorMethod("email").answered(400, 5)));
            assertTrue(points.containsAll(Set.of(c[1] + "{}=1", c[1] + "{twoFactorMethod=email}=1")), points.toString());
            assertTrue(points.contains("Requests{route=" + GENERATE + ", statusClass=4xx}=1"), points.toString());
        }
        Set<String> refusedOtherwise = points(written(request().errorType("error-token-already-exists").answered(400, 5)));
        assertTrue(refusedOtherwise.stream().noneMatch(p -> p.startsWith("TwoFactor")), refusedOtherwise.toString());
    }

    @Test
    void a503SaysWhichDependencyFailed() {
        String line = written(request().errorType("error-service-unavailable")
                .unavailable(Dependency.DYNAMODB, "SdkClientException").answered(503, 8003));
        JsonNode json = Api.json(line);
        assertEquals("dynamodb", json.get("dependency").asText());
        assertEquals("SdkClientException", json.get("cause").asText());
        Set<String> points = points(line);
        assertTrue(points.containsAll(Set.of("ServerErrors{}=1", "DependencyFailures{dependency=dynamodb}=1",
                "Requests{route=" + GENERATE + ", statusClass=5xx}=1")), points.toString());

        Set<String> bug = points(written(request().errorType("error-service-unavailable")
                .unavailable(null, "java.lang.IllegalStateException").answered(503, 3)));
        assertTrue(bug.contains("ServerErrors{}=1"));
        assertTrue(bug.stream().noneMatch(p -> p.startsWith("DependencyFailures")), "a bug is no dependency's failure");
    }

    @Test
    void aFailedNoticeIsCountedAndNamedButTheRequestStaysA200() {
        String line = written(request().tokenChanges(List.of(TokenChange.REMOVED)).notifications(1, 1, "SdkClientException")
                .answered(200, 12));
        assertEquals("SdkClientException", Api.json(line).get("notificationFailure").asText());
        Set<String> points = points(line);
        assertTrue(points.containsAll(Set.of("ServerErrors{}=0", "TokensRemoved{}=1", "NotificationsSent{}=1",
                "NotificationFailures{}=1")), points.toString());
    }

    /** The path a client asked for is logged, bounded, but never becomes a dimension value. */
    @Test
    void anUnmatchedRequestIsCountedUnderOneRouteValue() {
        String path = "/api/v1/" + "x".repeat(5000);
        String line = written(new RequestLog.Request(AT, "DELETE", "", null).unmatched(path).errorType("not-found")
                .answered(404, 0));
        JsonNode json = Api.json(line);
        assertEquals(MetricDimension.UNMATCHED, json.get("route").asText());
        assertEquals(RequestLog.MAX_CLIENT_TEXT + 3, json.get("path").asText().length());
        assertTrue(points(line).contains("Requests{route=unmatched, statusClass=4xx}=1"), points(line).toString());
    }

    @Test
    void aRehearsalIsLoggedButCountsInNoMetric() {
        String line = written(request().errorType("unauthorized").answered(401, 1).rehearsal());
        JsonNode json = Api.json(line);
        assertTrue(json.get("rehearsal").asBoolean());
        assertFalse(EmfDocument.hasMetrics(line), line);
        for (Metric metric : Metric.values()) {
            assertFalse(json.has(metric.metricName()), metric + " in " + line);
        }
    }

    /** Every metric of the catalog is one some request emits, under exactly the dimension sets the catalog gives. */
    @Test
    void everyMetricOfTheCatalogIsEmittedUnderItsDimensionSets() {
        List<RequestLog.Request> requests = List.of(
                request().tokenChanges(List.of(TokenChange.CREATED, TokenChange.REGENERATED, TokenChange.REMOVED))
                        .notifications(2, 1, "SdkClientException").answered(200, 20),
                request().errorType("totp-required").twoFactorMethod("totp").answered(400, 1),
                request().errorType("totp-invalid").twoFactorMethod("password").answered(400, 1),
                request().errorType("totp-max-attempts").twoFactorMethod("email").answered(400, 1),
                request().errorType("error-service-unavailable").unavailable(Dependency.SES, "X").answered(503, 1),
                new RequestLog.Request(AT, "POST", "203.0.113.9", "req-1").route("login").answered(200, 1),
                new RequestLog.Request(AT, "POST", "203.0.113.9", "req-1").route("login").answered(401, 1),
                request().errorType("error-too-many-requests").answered(429, 1));
        Map<String, Set<Set<String>>> emitted = new java.util.TreeMap<>();
        for (RequestLog.Request r : requests) {
            for (EmfDocument.DataPoint p : EmfDocument.dataPoints(written(r))) {
                assertEquals("rcpat-test", p.namespace());
                emitted.computeIfAbsent(p.metricName(), n -> new java.util.HashSet<>()).add(p.dimensions().keySet());
                Metric metric = Arrays.stream(Metric.values()).filter(m -> m.metricName().equals(p.metricName()))
                        .findFirst().orElseThrow();
                assertEquals(metric.unit(), p.unit());
                p.dimensions().forEach((key, value) -> {
                    MetricDimension d = Arrays.stream(MetricDimension.values()).filter(x -> x.key().equals(key))
                            .findFirst().orElseThrow();
                    assertTrue(d.fixedValues().isEmpty() || d.fixedValues().contains(value), key + "=" + value);
                });
            }
        }
        Map<String, Set<Set<String>>> catalog = new java.util.TreeMap<>();
        for (Metric m : Metric.values()) {
            catalog.put(m.metricName(), m.dimensionSets().stream()
                    .map(set -> set.stream().map(MetricDimension::key).collect(Collectors.toSet()))
                    .collect(Collectors.toSet()));
        }
        assertEquals(catalog, emitted);
    }

    @Test
    void auditLinesAreUnchanged() {
        lines.clear();
        log.audit(TokenChange.REGENERATED, "U1", "ci", "abcdef", new Client("203.0.113.9", "curl/8", "req-1"));
        assertEquals("{\"log\":\"audit\",\"action\":\"regenerated\",\"userId\":\"U1\",\"tokenName\":\"ci\","
                + "\"lastTokenPart\":\"abcdef\",\"sourceIp\":\"203.0.113.9\",\"userAgent\":\"curl/8\",\"requestId\":\"req-1\"}",
                lines.get(0));
    }
}
