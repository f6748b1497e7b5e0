package dev.rcpat.log;

import dev.rcpat.domain.Client;
import dev.rcpat.domain.Dependency;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.json.JsonCodec;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The structured log: one JSON line per request, and one audit line per token created,
 * regenerated or removed. Only ids, names, counts and the last six characters of a token are
 * ever written; never a token, hash, code, secret or password. Text a client chose (user agent,
 * token name, method, path) is cut to {@link #MAX_CLIENT_TEXT} characters, and lines are pure ASCII
 * (other characters escaped), so a viewer cannot be made to show a spoofed or split line.
 *
 * <p>The request line also carries the request's CloudWatch metrics in the embedded metric format
 * ({@link Metric}): its {@code _aws} member tells CloudWatch Logs which members are metric values
 * and which are dimensions, so the metrics cost no API call and no library.
 */
public final class RequestLog {

    static final int MAX_CLIENT_TEXT = 200;

    /** The route whose 200s are {@link Metric#LOGINS} and 401s {@link Metric#FAILED_LOGINS}. */
    static final String LOGIN_ROUTE = "login";

    private final Consumer<String> sink;
    private final String metricsNamespace;

    public RequestLog(Consumer<String> sink, String metricsNamespace) {
        this.sink = sink;
        this.metricsNamespace = metricsNamespace;
    }

    /**
     * What the request line records, filled in as the request is served: who asked, what was
     * answered, the two-factor method involved, the dependency that failed, the token changes
     * written and the notices mailed about them, and the AWS calls made.
     */
    public static final class Request {
        private final long timestamp;
        private final String method;
        private final String sourceIp;
        private final String requestId;
        private String route;
        private String path;
        private int status;
        private long latencyMs;
        private String userId;
        private String errorType;
        private String twoFactorMethod;
        private Dependency failedDependency;
        private String cause;
        private List<TokenChange> tokenChanges = List.of();
        private int notificationsSent;
        private int notificationFailures;
        private String notificationFailure;
        private int dynamoDbCalls;
        private int sesCalls;
        private boolean rehearsal;

        /** A request received at {@code timestamp} (epoch ms): the time its metrics are recorded at. */
        public Request(long timestamp, String method, String sourceIp, String requestId) {
            this.timestamp = timestamp;
            this.method = method;
            this.sourceIp = sourceIp;
            this.requestId = requestId;
        }

        /** The route that served it. */
        public Request route(String name) {
            this.route = name;
            return this;
        }

        /** No route serves {@code requestedPath}: the line says {@code "route":"unmatched"} and the path apart. */
        public Request unmatched(String requestedPath) {
            this.route = null;
            this.path = requestedPath;
            return this;
        }

        public Request answered(int status, long latencyMs) {
            this.status = status;
            this.latencyMs = latencyMs;
            return this;
        }

        public Request user(String userId) {
            this.userId = userId;
            return this;
        }

        public Request errorType(String errorType) {
            this.errorType = errorType;
            return this;
        }

        /** {@code totp}, {@code email} or {@code password}: the second factor asked for, tried or passed. */
        public Request twoFactorMethod(String method) {
            this.twoFactorMethod = method;
            return this;
        }

        /** A 503: the dependency that failed (null for a bug), and the exception class behind it. */
        public Request unavailable(Dependency failed, String cause) {
            this.failedDependency = failed;
            this.cause = cause;
            return this;
        }

        /** Why a refusal happened, in the words of the exception behind it. */
        public Request cause(String cause) {
            this.cause = cause;
            return this;
        }

        public Request tokenChanges(List<TokenChange> changes) {
            this.tokenChanges = List.copyOf(changes);
            return this;
        }

        /** The notice mails about the token changes: sent, failed, and the first failure's exception class. */
        public Request notifications(int sent, int failed, String failure) {
            this.notificationsSent = sent;
            this.notificationFailures = failed;
            this.notificationFailure = failure;
            return this;
        }

        public Request awsCalls(int dynamoDb, int ses) {
            this.dynamoDbCalls = dynamoDb;
            this.sesCalls = ses;
            return this;
        }

        /** Run before a SnapStart snapshot to load the code paths: logged, but no request to count in the metrics. */
        public Request rehearsal() {
            this.rehearsal = true;
            return this;
        }

        String routeDimension() {
            return route != null ? route : MetricDimension.UNMATCHED;
        }

        String statusClass() {
            return (status / 100) + "xx";
        }

        /** The value of every metric this request counts; metrics it does not count are absent. */
        Map<Metric, Long> metricValues() {
            Map<Metric, Long> values = new EnumMap<>(Metric.class);
            values.put(Metric.REQUESTS, 1L);
            values.put(Metric.LATENCY, latencyMs);
            values.put(Metric.SERVER_ERRORS, status >= 500 ? 1L : 0L);
            if (failedDependency != null) {
                values.put(Metric.DEPENDENCY_FAILURES, 1L);
            }
            if (twoFactorMethod != null && errorType != null) {
                switch (errorType) {
                    case "totp-required" -> values.put(Metric.TWO_FACTOR_CHALLENGES, 1L);
                    case "totp-invalid" -> values.put(Metric.TWO_FACTOR_FAILURES, 1L);
                    case "totp-max-attempts" -> values.put(Metric.TWO_FACTOR_LOCKOUTS, 1L);
                    default -> { }
                }
            }
            for (TokenChange change : tokenChanges) {
                Metric metric = switch (change) {
                    case CREATED -> Metric.TOKENS_CREATED;
                    case REGENERATED -> Metric.TOKENS_REGENERATED;
                    case REMOVED -> Metric.TOKENS_REMOVED;
                };
                values.merge(metric, 1L, Long::sum);
            }
            if (LOGIN_ROUTE.equals(route) && status == 200) {
                values.put(Metric.LOGINS, 1L);
            } else if (LOGIN_ROUTE.equals(route) && status == 401) {
                values.put(Metric.FAILED_LOGINS, 1L);
            }
            if (status == 429) {
                values.put(Metric.RATE_LIMITED, 1L);
            }
            if (notificationsSent > 0) {
                values.put(Metric.NOTIFICATIONS_SENT, (long) notificationsSent);
            }
            if (notificationFailures > 0) {
                values.put(Metric.NOTIFICATION_FAILURES, (long) notificationFailures);
            }
            return values;
        }
    }

    public void request(Request r) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("log", "request");
        line.put("route", r.routeDimension());
        if (r.path != null) {
            line.put("path", bounded(r.path));
        }
        line.put("method", bounded(r.method));
        line.put("status", r.status);
        line.put("statusClass", r.statusClass());
        line.put("latencyMs", r.latencyMs);
        line.put("userId", bounded(r.userId));
        line.put("sourceIp", bounded(r.sourceIp));
        line.put("errorType", r.errorType);
        if (r.twoFactorMethod != null) {
            line.put("twoFactorMethod", r.twoFactorMethod);
        }
        if (r.failedDependency != null) {
            line.put("dependency", r.failedDependency.logName());
        }
        if (r.cause != null) {
            line.put("cause", r.cause);
        }
        if (r.notificationFailure != null) {
            line.put("notificationFailure", r.notificationFailure);
        }
        line.put("dynamodbCalls", r.dynamoDbCalls);
        line.put("sesCalls", r.sesCalls);
        line.put("requestId", bounded(r.requestId));
        Map<Metric, Long> values = r.metricValues();
        Map<String, Object> metadata = metadata(r.timestamp, values.keySet());
        if (r.rehearsal) {
            // Built all the same, so that priming loads the code that writes the metrics.
            line.put("rehearsal", true);
        } else {
            values.forEach((metric, value) -> line.put(metric.metricName(), value));
            line.put("_aws", metadata);
        }
        sink.accept(JsonCodec.writeAscii(line));
    }

    /**
     * The embedded metric format's {@code _aws} member: one directive per distinct list of
     * dimension sets, naming the metrics this line counts (their values and the dimension values
     * are members of the line itself).
     */
    private Map<String, Object> metadata(long timestamp, Iterable<Metric> counted) {
        Map<List<List<MetricDimension>>, List<Metric>> byDimensions = new LinkedHashMap<>();
        for (Metric metric : counted) {
            byDimensions.computeIfAbsent(metric.dimensionSets(), d -> new ArrayList<>()).add(metric);
        }
        List<Object> directives = new ArrayList<>();
        byDimensions.forEach((dimensionSets, metrics) -> {
            Map<String, Object> directive = new LinkedHashMap<>();
            directive.put("Namespace", metricsNamespace);
            directive.put("Dimensions", dimensionSets.stream()
                    .map(set -> set.stream().map(MetricDimension::key).toList()).toList());
            directive.put("Metrics", metrics.stream()
                    .map(m -> Map.of("Name", m.metricName(), "Unit", m.unit())).toList());
            directives.add(directive);
        });
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", timestamp);
        aws.put("CloudWatchMetrics", directives);
        return aws;
    }

    /** An audit event: a personal access token was created, regenerated or removed. */
    public void audit(TokenChange change, String userId, String tokenName, String lastTokenPart, Client client) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("log", "audit");
        line.put("action", change.word());
        line.put("userId", bounded(userId));
        line.put("tokenName", bounded(tokenName));
        line.put("lastTokenPart", lastTokenPart);
        line.put("sourceIp", bounded(client.sourceIp()));
        line.put("userAgent", bounded(client.userAgent()));
        line.put("requestId", bounded(client.requestId()));
        sink.accept(JsonCodec.writeAscii(line));
    }

    /** At most {@link #MAX_CLIENT_TEXT} characters, never half a surrogate pair. */
    static String bounded(String text) {
        if (text == null || text.length() <= MAX_CLIENT_TEXT) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_CLIENT_TEXT - 1)) ? MAX_CLIENT_TEXT - 1 : MAX_CLIENT_TEXT;
        return text.substring(0, end) + "...";
    }
}
