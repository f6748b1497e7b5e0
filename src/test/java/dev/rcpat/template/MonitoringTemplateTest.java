package dev.rcpat.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.http.Route;
import dev.rcpat.local.Json;
import dev.rcpat.log.Metric;
import dev.rcpat.log.MetricDimension;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * template.yaml's monitoring without AWS: the alarms, their topic, the dashboard, the access log and
 * tracing. CloudFormation resource types pass SAM's schema as any object, so what CloudFormation and
 * CloudWatch require of them is checked here, and every metric they watch in the stack's namespace
 * is one the code emits ({@link Metric}, the one list of them), under a dimension set and values it uses.
 */
class MonitoringTemplateTest {

    final SamTemplate template = SamTemplate.load();
    final Map<String, Map<String, Object>> alarms = template.cfn().resourcesOfType("AWS::CloudWatch::Alarm");

    /** The API route names the functions serve (the route dimension's values), and "unmatched"; the page is no API route. */
    Set<String> routeNames() {
        Set<String> names = template.functions().stream().flatMap(f -> f.events().stream())
                .filter(e -> e.path().startsWith(Route.API_PREFIX))
                .map(e -> e.path().substring(Route.API_PREFIX.length())).collect(Collectors.toCollection(TreeSet::new));
        names.add(MetricDimension.UNMATCHED);
        return names;
    }

    static Metric metricNamed(String name) {
        return Arrays.stream(Metric.values()).filter(m -> m.metricName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is no metric the code emits (log/Metric)"));
    }

    @Test
    void everyMetricTheAlarmsAndTheDashboardWatchInTheStacksNamespaceIsOneTheCodeEmits() {
        List<TemplateMetrics.Watched> watched = new ArrayList<>(TemplateMetrics.alarms(template));
        watched.addAll(TemplateMetrics.dashboard(template));
        int own = 0;
        for (TemplateMetrics.Watched w : watched) {
            if (!w.namespace().equals(TemplateMetrics.OWN)) {
                assertTrue(w.namespace().startsWith("AWS/"), w + ": a namespace that is neither AWS's nor ours");
                continue;
            }
            own++;
            Metric metric = metricNamed(w.metricName());
            Set<List<String>> sets = metric.dimensionSets().stream()
                    .map(set -> set.stream().map(MetricDimension::key).sorted().toList()).collect(Collectors.toSet());
            assertTrue(sets.contains(w.dimensions().keySet().stream().sorted().toList()),
                    w + ": " + metric + " is emitted under " + sets + " only");
            w.dimensions().forEach((key, value) -> {
                MetricDimension d = Arrays.stream(MetricDimension.values()).filter(x -> x.key().equals(key))
                        .findFirst().orElseThrow();
                Set<String> values = d == MetricDimension.ROUTE ? routeNames() : new TreeSet<>(d.fixedValues());
                assertTrue(values.contains(value), w + ": " + key + " is one of " + values);
            });
        }
        assertTrue(own > 20, "the stack's own metrics are watched: " + own);
    }

    @Test
    void theDashboardShowsEveryMetricTheCodeEmits() {
        Set<String> shown = TemplateMetrics.dashboard(template).stream()
                .filter(w -> w.namespace().equals(TemplateMetrics.OWN)).map(TemplateMetrics.Watched::metricName)
                .collect(Collectors.toSet());
        assertEquals(Arrays.stream(Metric.values()).map(Metric::metricName).collect(Collectors.toSet()), shown);
    }

    @Test
    void theAlarmsAreTheOnesOperationsDocuments() {
        assertEquals(Set.of("ServerErrorRateAlarm", "LatencyAlarm", "LambdaErrorsAlarm", "LambdaThrottlesAlarm",
                "DynamoDbThrottlingAlarm", "SesFailuresAlarm", "TwoFactorFailuresAlarm"), alarms.keySet());
        JsonNode alarmWidget = null;
        for (JsonNode w : TemplateMetrics.dashboardBody(template).path("widgets")) {
            if (w.path("type").asText().equals("alarm")) {
                alarmWidget = w;
            }
        }
        assertTrue(alarmWidget != null, "the dashboard shows the alarms' states");
        Set<String> shown = new HashSet<>();
        alarmWidget.path("properties").path("alarms").forEach(a -> shown.add(a.asText()));
        assertEquals(alarms.keySet().stream().map(id -> "<" + id + ".Arn>").collect(Collectors.toSet()), shown);
    }

    /** Each alarm says what to check first, notifies the topic only when there is one, and counts no data as fine. */
    @Test
    void everyAlarmIsWellFormedAndSaysWhatToCheckFirst() {
        Map<String, Object> notify = Map.of("Fn::If", List.of("HasAlarmEmail", List.of(Map.of("Ref", "AlarmTopic")),
                Map.of("Ref", "AWS::NoValue")));
        Set<String> comparisons = Set.of("GreaterThanOrEqualToThreshold", "GreaterThanThreshold");
        alarms.forEach((id, a) -> {
            assertTrue(String.valueOf(a.get("AlarmDescription")).contains("Check first"), id + " says what to check first");
            assertTrue(String.valueOf(a.get("AlarmDescription")).length() <= 1024, id + ": at most 1024 characters");
            assertEquals(notify, a.get("AlarmActions"), id);
            assertEquals(notify, a.get("OKActions"), id);
            assertEquals("notBreaching", a.get("TreatMissingData"), id);
            assertTrue(comparisons.contains(a.get("ComparisonOperator")), id);
            assertTrue(a.get("EvaluationPeriods") instanceof Integer, id);
            assertTrue(a.containsKey("Threshold"), id);
            assertTrue(a.get("AlarmName") instanceof Map<?, ?> name && name.get("Fn::Sub") instanceof String sub
                    && sub.matches("\\$\\{AWS::StackName}-[a-z0-9-]+"), id + ": named after the stack: " + a.get("AlarmName"));
            if (a.containsKey("Metrics")) {
                assertMetricMath(id, a);
            } else {
                assertTrue(a.containsKey("MetricName") && a.containsKey("Namespace") && a.containsKey("Period"), id);
                assertTrue(a.containsKey("Statistic") ^ a.containsKey("ExtendedStatistic"), id);
            }
        });
    }

    /** One query returns data, the others feed it; an expression names only queries of the alarm. */
    @SuppressWarnings("unchecked")
    static void assertMetricMath(String id, Map<String, Object> alarm) {
        for (String single : List.of("MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Period", "Dimensions")) {
            assertFalse(alarm.containsKey(single), id + ": " + single + " beside Metrics");
        }
        List<Map<String, Object>> queries = (List<Map<String, Object>>) alarm.get("Metrics");
        assertEquals(1, queries.stream().filter(q -> Boolean.TRUE.equals(q.get("ReturnData"))).count(), id);
        Set<String> ids = queries.stream().map(q -> (String) q.get("Id")).collect(Collectors.toSet());
        assertEquals(queries.size(), ids.size(), id + ": ids are unique");
        for (Map<String, Object> q : queries) {
            assertTrue(((String) q.get("Id")).matches("[a-z][A-Za-z0-9_]*"), id + ": id " + q.get("Id"));
            assertTrue(q.containsKey("MetricStat") ^ q.containsKey("Expression"), id + ": " + q);
            if (q.get("MetricStat") instanceof Map<?, ?> stat) {
                assertEquals(300, stat.get("Period"), id);
                assertTrue(Set.of("Sum", "Average", "Maximum", "p99").contains(stat.get("Stat")), id);
            } else {
                Matcher names = Pattern.compile("\\b([a-z][A-Za-z0-9_]*)\\b(?!\\()").matcher((String) q.get("Expression"));
                while (names.find()) {
                    assertTrue(ids.contains(names.group(1)), id + ": " + q.get("Expression") + " names " + names.group(1));
                }
            }
        }
    }

    @Test
    void alarmsNotifyATopicWithTheMailSubscriptionOnlyWhenAnAddressIsGiven() {
        Map<String, Map<String, Object>> resources = template.cfn().resources();
        Map<String, Object> topic = resources.get("AlarmTopic");
        Map<String, Object> subscription = resources.get("AlarmEmailSubscription");
        assertEquals("AWS::SNS::Topic", topic.get("Type"));
        assertEquals("HasAlarmEmail", topic.get("Condition"));
        assertEquals("AWS::SNS::Subscription", subscription.get("Type"));
        assertEquals("HasAlarmEmail", subscription.get("Condition"));
        assertEquals(Map.of("TopicArn", Map.of("Ref", "AlarmTopic"), "Protocol", "email",
                "Endpoint", Map.of("Ref", "AlarmEmail")), subscription.get("Properties"));
        assertEquals(Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "AlarmEmail"), "")))),
                ((Map<?, ?>) template.document().get("Conditions")).get("HasAlarmEmail"));
        assertEquals("", ((Map<?, ?>) ((Map<?, ?>) template.document().get("Parameters")).get("AlarmEmail")).get("Default"));
    }

    /** The stage logs every request it answers as one JSON line, to a group kept as long as the functions' logs. */
    @Test
    @SuppressWarnings("unchecked")
    void theApiWritesJsonAccessLogsWithTheSameRetention() throws Exception {
        Map<String, Object> api = template.cfn().resourcesOfType("AWS::Serverless::Api").get("Api");
        Map<String, Object> access = (Map<String, Object>) api.get("AccessLogSetting");
        assertEquals(Map.of("Fn::GetAtt", List.of("ApiAccessLogGroup", "Arn")), access.get("DestinationArn"));
        String format = (String) access.get("Format");
        assertFalse(format.contains("\n"), "one line per request");
        JsonNode line = Json.MAPPER.readTree(format.replace("$context.error.messageString", "\"quoted by API Gateway\""));
        for (String field : List.of("requestId", "sourceIp", "userAgent", "httpMethod", "resourcePath", "status",
                "responseLatency", "integrationStatus", "integrationLatency", "errorType", "errorMessage", "wafResponseCode")) {
            assertTrue(line.has(field), field);
        }
        line.fields().forEachRemaining(f -> assertTrue(f.getKey().equals("log") || f.getKey().equals("errorMessage")
                || f.getValue().asText().matches("\\$context\\.[A-Za-z.]+"), f.toString()));
        Map<String, Map<String, Object>> groups = template.cfn().resourcesOfType("AWS::Logs::LogGroup");
        assertEquals(Set.of("FunctionLogGroup", "ApiAccessLogGroup"), groups.keySet());
        groups.forEach((id, g) -> assertEquals(Map.of("Ref", "LogRetentionDays"), g.get("RetentionInDays"), id));
        for (String id : List.of("ApiAccessLogGroup", "FunctionLogGroup")) {
            assertEquals("Retain", template.cfn().resources().get(id).get("DeletionPolicy"), id);
        }
    }

    /** Access logs need the account's CloudWatch Logs role; the stack sets one only if asked, and waits for it. */
    @Test
    void theApiWaitsForTheAccountsLoggingRoleWhichOnlyApiGatewayMayAssume() {
        Map<String, Map<String, Object>> resources = template.cfn().resources();
        assertEquals("ApiGatewayLoggingReady", resources.get("Api").get("DependsOn"));
        assertEquals(Map.of("AccountSetting", Map.of("Fn::If", List.of("CreatesApiGatewayLoggingRole",
                Map.of("Ref", "ApiGatewayAccount"), "set outside this stack"))), resources.get("ApiGatewayLoggingReady").get("Metadata"));
        for (String id : List.of("ApiGatewayLoggingRole", "ApiGatewayAccount")) {
            assertEquals("CreatesApiGatewayLoggingRole", resources.get(id).get("Condition"), id);
            assertEquals("Retain", resources.get(id).get("DeletionPolicy"), id);
        }
        assertTrue(SamTemplate.assumableOnlyBy(template.cfn().resourcesOfType("AWS::IAM::Role").get("ApiGatewayLoggingRole"),
                "apigateway.amazonaws.com"));
        assertEquals(Map.of("CloudWatchRoleArn", Map.of("Fn::GetAtt", List.of("ApiGatewayLoggingRole", "Arn"))),
                resources.get("ApiGatewayAccount").get("Properties"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void tracingIsOffByDefaultAndOneParameterTurnsItOnForTheStageAndTheFunctions() {
        Map<String, Object> parameters = (Map<String, Object>) template.document().get("Parameters");
        assertEquals("false", ((Map<String, Object>) parameters.get("TracingEnabled")).get("Default"));
        assertEquals(Map.of("Fn::If", List.of("TracingOn", "Active", "PassThrough")), template.globalFunction().get("Tracing"));
        assertEquals(Map.of("Fn::If", List.of("TracingOn", true, false)),
                template.cfn().resourcesOfType("AWS::Serverless::Api").get("Api").get("TracingEnabled"));
        for (SamTemplate.Function f : template.functions()) {
            assertFalse(f.properties().containsKey("Tracing"), f.logicalId() + " overrides Tracing");
        }
    }
}
