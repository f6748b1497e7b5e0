package dev.rcpat.log;

import java.util.List;

/**
 * A dimension of the request metrics: a member of the request line whose value comes from a small
 * fixed set, so that the number of metrics CloudWatch bills stays small and known. Never a user
 * id, a token name or anything else a client chooses.
 */
public enum MetricDimension {
    /** The route's name ({@code users.generatePersonalAccessToken}), or {@link #UNMATCHED} for a request no route serves. */
    ROUTE("route", List.of()),
    /** {@code 2xx}, {@code 4xx} or {@code 5xx}. */
    STATUS_CLASS("statusClass", List.of("2xx", "4xx", "5xx")),
    /** The second factor asked for or tried; named apart from the request line's {@code method}, the HTTP method. */
    TWO_FACTOR_METHOD("twoFactorMethod", List.of("totp", "email", "password")),
    /** The dependency whose failure was answered with 503. */
    DEPENDENCY("dependency", List.of("dynamodb", "ses"));

    /** The {@code route} of a request that matched no route: its path a client chose stays out of the dimension. */
    public static final String UNMATCHED = "unmatched";

    private final String key;
    private final List<String> fixedValues;

    MetricDimension(String key, List<String> values) {
        this.key = key;
        this.fixedValues = values;
    }

    /** The request line's member that holds the value. */
    public String key() {
        return key;
    }

    /** Every value it takes; empty for {@link #ROUTE}, whose values are the route table's names and {@link #UNMATCHED}. */
    public List<String> fixedValues() {
        return fixedValues;
    }
}
