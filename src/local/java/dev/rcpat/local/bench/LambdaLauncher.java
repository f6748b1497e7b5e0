package dev.rcpat.local.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.pipeline.AwsCallCounter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The child process of the benchmark: starts a handler class the way Lambda's Java runtime does
 * (load the class by name, no-arg constructor = init, then {@code handleRequest} with an API
 * Gateway proxy event) on the deployment artifact's class path only, and prints one line
 * {@code BENCH key=value ...} for the parent.
 *
 * <pre>
 * cold: LambdaLauncher cold HANDLER_CLASS           (env BENCH_USER, BENCH_TOKEN, BENCH_NAME, [BENCH_TOTP])
 * warm: LambdaLauncher warm HANDLER_CLASS USERS_FILE WARMUP COUNT   (USERS_FILE: "userId token" per line)
 * </pre>
 * Uses only the JDK and classes that are in the Lambda zip, so it loads nothing the function would not.
 */
public final class LambdaLauncher {

    private LambdaLauncher() { }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "cold" -> cold(args[1]);
            case "warm" -> warm(args[1], Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("mode: cold | warm");
        }
    }

    private static void cold(String handlerClass) throws Exception {
        String classLog = System.getenv("BENCH_CLASSLOG");
        long classesAtMain = loadedClasses(classLog);
        long t0 = System.nanoTime();
        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler = newHandler(handlerClass);
        long t1 = System.nanoTime();
        long classesAfterInit = loadedClasses(classLog);
        APIGatewayProxyRequestEvent event = event(System.getenv("BENCH_USER"), System.getenv("BENCH_TOKEN"),
                System.getenv("BENCH_NAME"), System.getenv("BENCH_TOTP"));
        long t2 = System.nanoTime();
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
        long t3 = System.nanoTime();
        int calls = AwsCallCounter.dynamoDbCalls();
        long classesAfterInvoke = loadedClasses(classLog);
        System.out.println("BENCH initMs=" + ms(t1 - t0) + " invokeMs=" + ms(t3 - t2)
                + " status=" + response.getStatusCode() + " dynamodbCalls=" + calls
                + " vmHwmKb=" + vmHwmKb() + " cpuMs=" + cpuMs()
                + " classesAtMain=" + classesAtMain + " classesInit=" + (classesAfterInit - classesAtMain)
                + " classesInvoke=" + (classesAfterInvoke - classesAfterInit)
                + (response.getStatusCode() == 200 ? "" : " body=" + java.net.URLEncoder.encode(response.getBody(), java.nio.charset.StandardCharsets.UTF_8)));
        System.out.flush();
    }

    private static void warm(String handlerClass, Path usersFile, int warmup, int count) throws Exception {
        List<String[]> users = Files.readAllLines(usersFile).stream()
                .filter(l -> !l.isBlank()).map(l -> l.trim().split(" ")).toList();
        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler = newHandler(handlerClass);
        long[] nanos = new long[count];
        int minCalls = Integer.MAX_VALUE;
        int maxCalls = 0;
        int failures = 0;
        String firstFailure = "";
        for (int i = 0; i < warmup + count; i++) {
            String[] u = users.get(i % users.size());
            APIGatewayProxyRequestEvent event = event(u[0], u[1], "bench-" + i, null);
            long t0 = System.nanoTime();
            APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
            long t1 = System.nanoTime();
            int calls = AwsCallCounter.dynamoDbCalls();
            if (response.getStatusCode() != 200) {
                if (failures++ == 0) {
                    firstFailure = response.getStatusCode() + ":" + java.net.URLEncoder.encode(response.getBody(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            if (i >= warmup) {
                nanos[i - warmup] = t1 - t0;
                minCalls = Math.min(minCalls, calls);
                maxCalls = Math.max(maxCalls, calls);
            }
        }
        Arrays.sort(nanos);
        System.out.println("BENCH p50=" + ms(percentile(nanos, 50)) + " p95=" + ms(percentile(nanos, 95))
                + " p99=" + ms(percentile(nanos, 99)) + " max=" + ms(nanos[nanos.length - 1])
                + " minCalls=" + minCalls + " maxCalls=" + maxCalls + " failures=" + failures
                + (failures == 0 ? "" : " firstFailure=" + firstFailure));
        System.out.flush();
    }

    @SuppressWarnings("unchecked")
    private static RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> newHandler(String name)
            throws ReflectiveOperationException {
        Class<?> type = Class.forName(name);
        return (RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>)
                type.getDeclaredConstructor().newInstance();
    }

    /** The event API Gateway's REST proxy integration sends for a generate request. */
    static APIGatewayProxyRequestEvent event(String userId, String token, String tokenName, String totpCode) {
        Map<String, String> headers = new HashMap<>();
        headers.put("X-User-Id", userId);
        headers.put("X-Auth-Token", token);
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "rcpat-bench/1.0");
        headers.put("X-Bench-Token-Name", tokenName); // read by the floor, which parses no JSON
        if (totpCode != null && !totpCode.isEmpty()) {
            headers.put("x-2fa-code", totpCode);
            headers.put("x-2fa-method", "totp");
        }
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setSourceIp("203.0.113.20");
        identity.setUserAgent("rcpat-bench/1.0");
        APIGatewayProxyRequestEvent.ProxyRequestContext ctx = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        ctx.setIdentity(identity);
        ctx.setRequestId("bench-" + tokenName);
        ctx.setHttpMethod("POST");
        ctx.setStage("prod");
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST")
                .withPath("/api/v1/users.generatePersonalAccessToken")
                .withResource("/api/v1/users.generatePersonalAccessToken")
                .withHeaders(headers)
                .withBody("{\"tokenName\":\"" + tokenName + "\",\"bypassTwoFactor\":false}")
                .withIsBase64Encoded(false)
                .withRequestContext(ctx);
    }

    /** Lines of the -Xlog:class+load file so far (0 when not logging classes). */
    private static long loadedClasses(String classLog) throws IOException {
        if (classLog == null) {
            return 0;
        }
        try (var lines = Files.lines(Path.of(classLog))) {
            return lines.count();
        }
    }

    /** Peak resident set size of this process so far. */
    private static long vmHwmKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** CPU time of this process so far, all threads (user + system; 10 ms ticks): steadier than wall time on a busy machine. */
    private static long cpuMs() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime, stime (fields 14, 15)
    }

    static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String ms(long nanos) {
        return String.format("%.2f", nanos / 1e6);
    }
}
