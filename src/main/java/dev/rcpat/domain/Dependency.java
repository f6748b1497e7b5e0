package dev.rcpat.domain;

import java.util.Locale;

/**
 * A service the API cannot answer without. A 503 names the one that failed, so the request line
 * and the {@code DependencyFailures} metric say which it was without guessing from exception names.
 */
public enum Dependency {
    DYNAMODB,
    SES;

    /** The name in the request line and the metric's {@code dependency} dimension: {@code dynamodb}, {@code ses}. */
    public String logName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
