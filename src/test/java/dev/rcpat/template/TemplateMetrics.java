package dev.rcpat.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.local.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics template.yaml's alarms and dashboard watch, each with its namespace and dimensions.
 * The stack's own namespace (the {@code MetricsNamespace} parameter) reads as {@link #OWN}; a
 * dimension value given by an intrinsic function reads as {@code <LogicalId>}.
 */
final class TemplateMetrics {

    static final String OWN = "<MetricsNamespace>";

    /** A metric as an alarm or a widget names it. */
    record Watched(String where, String namespace, String metricName, Map<String, String> dimensions) { }

    private TemplateMetrics() { }

    static List<Watched> alarms(SamTemplate template) {
        List<Watched> out = new ArrayList<>();
        template.cfn().resourcesOfType("AWS::CloudWatch::Alarm").forEach((id, alarm) -> {
            if (alarm.containsKey("MetricName")) {
                out.add(new Watched(id, namespace(alarm.get("Namespace")), (String) alarm.get("MetricName"),
                        dimensions(alarm.get("Dimensions"))));
            }
            for (Object q : SamTemplate.asList(alarm.get("Metrics"))) {
                Map<?, ?> query = (Map<?, ?>) q;
                if (query.get("MetricStat") instanceof Map<?, ?> stat) {
                    Map<?, ?> metric = (Map<?, ?>) stat.get("Metric");
                    out.add(new Watched(id + "/" + query.get("Id"), namespace(metric.get("Namespace")),
                            (String) metric.get("MetricName"), dimensions(metric.get("Dimensions"))));
                }
            }
        });
        return out;
    }

    /** The dashboard's body as CloudWatch gets it, with every {@code ${...}} of its Sub made a placeholder. */
    static JsonNode dashboardBody(SamTemplate template) {
        Map<String, Map<String, Object>> dashboards = template.cfn().resourcesOfType("AWS::CloudWatch::Dashboard");
        if (dashboards.size() != 1) {
            throw new AssertionError("one dashboard expected: " + dashboards.keySet());
        }
        Object body = dashboards.values().iterator().next().get("DashboardBody");
        if (!(body instanceof Map<?, ?> sub && sub.get("Fn::Sub") instanceof String text)) {
            throw new AssertionError("DashboardBody is expected as one !Sub string: " + body);
        }
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(text);
        StringBuilder json = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            m.appendReplacement(json, Matcher.quoteReplacement(name.equals("MetricsNamespace") ? OWN : "<" + name + ">"));
        }
        m.appendTail(json);
        try {
            return Json.MAPPER.readTree(json.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("DashboardBody is not JSON once substituted", e);
        }
    }

    /** Every metric of the dashboard's metric widgets: {@code [namespace, name, dim, value, ..., {options}]}. */
    static List<Watched> dashboard(SamTemplate template) {
        List<Watched> out = new ArrayList<>();
        for (JsonNode widget : dashboardBody(template).path("widgets")) {
            if (!widget.path("type").asText().equals("metric")) {
                continue;
            }
            String title = widget.path("properties").path("title").asText();
            for (JsonNode m : widget.path("properties").path("metrics")) {
                if (m.get(0).asText().equals(".") || m.get(1).asText().equals(".")) {
                    throw new AssertionError(title + ": the \".\" shorthand hides which metric it is: " + m);
                }
                Map<String, String> dimensions = new LinkedHashMap<>();
                int i = 2;
                for (; i + 1 < m.size() && m.get(i).isTextual(); i += 2) {
                    dimensions.put(m.get(i).asText(), m.get(i + 1).asText());
                }
                if (i < m.size() && !m.get(i).isObject()) {
                    throw new AssertionError(title + ": a dimension without its value: " + m);
                }
                out.add(new Watched("dashboard/" + title, m.get(0).asText(), m.get(1).asText(), dimensions));
            }
        }
        return out;
    }

    private static String namespace(Object value) {
        if (value instanceof Map<?, ?> ref && "MetricsNamespace".equals(ref.get("Ref"))) {
            return OWN;
        }
        if (value instanceof String s) {
            return s;
        }
        throw new AssertionError("a namespace that is neither AWS's nor the MetricsNamespace parameter: " + value);
    }

    private static Map<String, String> dimensions(Object list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object d : SamTemplate.asList(list)) {
            Map<?, ?> dimension = (Map<?, ?>) d;
            Object value = dimension.get("Value");
            out.put((String) dimension.get("Name"), value instanceof String s ? s
                    : "<" + ((Map<?, ?>) value).values().iterator().next() + ">");
        }
        return out;
    }
}
