package dev.rcpat.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.local.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A log line read as CloudWatch Logs reads an embedded metric format document: checked against the
 * rules of the format's specification (CloudWatch User Guide, "Specification: Embedded metric
 * format") and of CloudWatch's metric identities, then turned into the data points CloudWatch would
 * extract from it. A line that breaks a rule fails the test: CloudWatch would drop its metrics.
 */
public final class EmfDocument {

    /** One data point: what CloudWatch would store for one metric under one dimension set. */
    public record DataPoint(String namespace, String metricName, String unit, Map<String, String> dimensions,
                            double value) { }

    static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
            "None");

    private EmfDocument() { }

    /** Whether the line asks CloudWatch to extract metrics at all (has an {@code _aws} member). */
    public static boolean hasMetrics(String line) {
        return parse(line).has("_aws");
    }

    /** The data points of a valid document, in the order the directives name them. */
    public static List<DataPoint> dataPoints(String line) {
        JsonNode root = parse(line);
        assertTrue(root.isObject(), "the log event must be one JSON object: " + line);
        JsonNode aws = root.get("_aws");
        assertTrue(aws != null && aws.isObject(), "no _aws metadata object: " + line);
        assertOnly(aws, Set.of("Timestamp", "CloudWatchMetrics"), "_aws");
        JsonNode timestamp = aws.get("Timestamp");
        assertTrue(timestamp != null && timestamp.isIntegralNumber() && timestamp.asLong() > 0,
                "Timestamp must be epoch milliseconds: " + timestamp);
        JsonNode directives = aws.get("CloudWatchMetrics");
        assertTrue(directives != null && directives.isArray() && !directives.isEmpty(), "CloudWatchMetrics: " + directives);

        List<DataPoint> points = new ArrayList<>();
        for (JsonNode directive : directives) {
            assertOnly(directive, Set.of("Namespace", "Dimensions", "Metrics"), "MetricDirective");
            String namespace = text(directive.get("Namespace"), "Namespace");
            assertFalse(namespace.startsWith("AWS/"), "AWS/ namespaces are AWS's own");
            JsonNode dimensionSets = directive.get("Dimensions");
            assertTrue(dimensionSets != null && dimensionSets.isArray() && !dimensionSets.isEmpty(),
                    "Dimensions must be a non-empty array of dimension sets: " + dimensionSets);
            JsonNode metrics = directive.get("Metrics");
            assertTrue(metrics != null && metrics.isArray() && !metrics.isEmpty() && metrics.size() <= 100,
                    "Metrics must hold 1 to 100 definitions: " + metrics);
            for (JsonNode set : dimensionSets) {
                assertTrue(set.isArray() && set.size() <= 9, "a dimension set holds at most 9 keys: " + set);
                Map<String, String> dimensions = new LinkedHashMap<>();
                for (JsonNode key : set) {
                    String name = text(key, "dimension key");
                    JsonNode value = root.get(name);
                    assertTrue(value != null && value.isTextual(), "dimension " + name + " must be a string member: " + value);
                    assertTrue(value.asText().matches("[\\x20-\\x7e]{1,1024}") && !value.asText().isBlank(),
                            "a dimension value is 1 to 1024 printable ASCII characters: " + value);
                    assertTrue(dimensions.put(name, value.asText()) == null, "dimension " + name + " twice in a set");
                }
                for (JsonNode definition : metrics) {
                    assertOnly(definition, Set.of("Name", "Unit", "StorageResolution"), "MetricDefinition");
                    String name = text(definition.get("Name"), "metric Name");
                    String unit = definition.has("Unit") ? definition.get("Unit").asText() : "None";
                    assertTrue(UNITS.contains(unit), "unit " + unit);
                    JsonNode value = root.get(name);
                    assertTrue(value != null && value.isNumber(), "metric " + name + " must be a number member: " + value);
                    points.add(new DataPoint(namespace, name, unit, dimensions, value.asDouble()));
                }
            }
        }
        return points;
    }

    private static JsonNode parse(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + line, e);
        }
    }

    private static String text(JsonNode node, String what) {
        if (node == null || !node.isTextual() || node.asText().isEmpty() || node.asText().length() > 255) {
            fail(what + " must be a string of 1 to 255 characters: " + node);
        }
        return node.asText();
    }

    private static void assertOnly(JsonNode object, Set<String> allowed, String what) {
        assertTrue(object.isObject(), what + " must be an object: " + object);
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            assertTrue(allowed.contains(name), what + " has a member the format does not define: " + name);
        }
        assertEquals(Set.of(), difference(allowed, object, Set.of("Unit", "StorageResolution")), what + " lacks members");
    }

    private static Set<String> difference(Set<String> required, JsonNode object, Set<String> optional) {
        Set<String> missing = new java.util.TreeSet<>();
        for (String name : required) {
            if (!optional.contains(name) && !object.has(name)) {
                missing.add(name);
            }
        }
        return missing;
    }
}
