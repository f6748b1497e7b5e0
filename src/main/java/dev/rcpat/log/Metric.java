package dev.rcpat.log;

import java.util.List;

import static dev.rcpat.log.MetricDimension.DEPENDENCY;
import static dev.rcpat.log.MetricDimension.ROUTE;
import static dev.rcpat.log.MetricDimension.STATUS_CLASS;
import static dev.rcpat.log.MetricDimension.TWO_FACTOR_METHOD;

/**
 * Every CloudWatch metric the service emits, with its unit and the dimension sets it is published
 * under: the one list that the request line's embedded metric format block is written from and
 * that template.yaml's alarms and dashboard are checked against (TemplateTest). Each dimension set
 * is one metric per combination of values; the empty set is the service-wide total that alarms use.
 */
public enum Metric {
    /** Every request, 1. */
    REQUESTS("Requests", "Count", List.of(List.of(), List.of(ROUTE), List.of(ROUTE, STATUS_CLASS))),
    /** Every request: from the event handed to the pipeline to the answer, in milliseconds. */
    LATENCY("Latency", "Milliseconds", List.of(List.of(), List.of(ROUTE))),
    /** Every request: 1 when answered 5xx, else 0 (so that its sum over {@link #REQUESTS} is the error rate). */
    SERVER_ERRORS("ServerErrors", "Count", List.of(List.of())),
    /** A 503 because a dependency failed, by the dependency. */
    DEPENDENCY_FAILURES("DependencyFailures", "Count", List.of(List.of(DEPENDENCY))),
    /** A second factor asked for ({@code totp-required}). */
    TWO_FACTOR_CHALLENGES("TwoFactorChallenges", "Count", List.of(List.of(), List.of(TWO_FACTOR_METHOD))),
    /** A wrong second factor ({@code totp-invalid}). */
    TWO_FACTOR_FAILURES("TwoFactorFailures", "Count", List.of(List.of(), List.of(TWO_FACTOR_METHOD))),
    /** A request refused because the method's attempts are used up or it is locked ({@code totp-max-attempts}). */
    TWO_FACTOR_LOCKOUTS("TwoFactorLockouts", "Count", List.of(List.of(), List.of(TWO_FACTOR_METHOD))),
    TOKENS_CREATED("TokensCreated", "Count", List.of(List.of())),
    TOKENS_REGENERATED("TokensRegenerated", "Count", List.of(List.of())),
    TOKENS_REMOVED("TokensRemoved", "Count", List.of(List.of())),
    /** A login answered 200 (a new login token). No user dimension: one metric per user would be unbounded. */
    LOGINS("Logins", "Count", List.of(List.of())),
    /** A login answered 401: wrong credentials, a refused or missing second factor, a blocked user or address. */
    FAILED_LOGINS("FailedLogins", "Count", List.of(List.of())),
    /** A request the rate limiter refused (429), in all and by route. */
    RATE_LIMITED("RateLimited", "Count", List.of(List.of(), List.of(ROUTE))),
    /** Token notice mails SES accepted (one per verified address). */
    NOTIFICATIONS_SENT("NotificationsSent", "Count", List.of(List.of())),
    /** Token notice mails SES refused or did not answer in time; the request still succeeded. */
    NOTIFICATION_FAILURES("NotificationFailures", "Count", List.of(List.of()));

    private final String metricName;
    private final String unit;
    private final List<List<MetricDimension>> dimensionSets;

    Metric(String metricName, String unit, List<List<MetricDimension>> dimensionSets) {
        this.metricName = metricName;
        this.unit = unit;
        this.dimensionSets = dimensionSets;
    }

    /** The CloudWatch metric name, also the request line's member that holds the value. */
    public String metricName() {
        return metricName;
    }

    /** A CloudWatch unit ({@code Count}, {@code Milliseconds}). */
    public String unit() {
        return unit;
    }

    public List<List<MetricDimension>> dimensionSets() {
        return dimensionSets;
    }
}
