package dev.rcpat.store.dynamodb;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Placeholders for names and values, and the clauses of one conditional update. */
public final class UpdateExpression {
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, String> placeholderByName = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private final List<String> sets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final List<String> conditions = new ArrayList<>();

    public String name(String attribute) {
        return placeholderByName.computeIfAbsent(attribute, a -> {
            String placeholder = "#n" + placeholderByName.size();
            names.put(placeholder, a);
            return placeholder;
        });
    }

    public String value(AttributeValue v) {
        String placeholder = ":v" + values.size();
        values.put(placeholder, v);
        return placeholder;
    }

    public void set(String clause) {
        sets.add(clause);
    }

    public void set(String path, AttributeValue v) {
        set(path + " = " + value(v));
    }

    public void remove(String path) {
        removes.add(path);
    }

    public void condition(String c) {
        conditions.add(c);
    }

    public String updateExpression() {
        StringBuilder sb = new StringBuilder();
        if (!sets.isEmpty()) {
            sb.append("SET ").append(String.join(", ", sets));
        }
        if (!removes.isEmpty()) {
            sb.append(sb.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", removes));
        }
        return sb.toString();
    }

    public String conditionExpression() {
        return String.join(" AND ", conditions);
    }

    public Map<String, String> names() {
        return names;
    }

    public Map<String, AttributeValue> values() {
        return values;
    }
}
