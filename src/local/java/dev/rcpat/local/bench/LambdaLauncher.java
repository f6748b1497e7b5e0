package dev.rcpat.local.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.CompositionRoot;
import dev.rcpat.Priming;
import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.config.Settings;
import dev.rcpat.entrypoints.ApiHandler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
 * cold: LambdaLauncher cold HANDLER           (env BENCH_USER, BENCH_TOKEN, BENCH_NAME, BENCH_SOURCE_IP,
 *       [BENCH_TOTP], [BENCH_PRIME=1: run the SnapStart priming between init and the request];
 *       for a login HANDLER: BENCH_USER is the username, BENCH_TOKEN the password)
 * warm: LambdaLauncher warm HANDLER USERS_FILE [HANDLER USERS_FILE ...] WARMUP COUNT
 *       (USERS_FILE: "userId token sourceIp" per line, for a login HANDLER "username password sourceIp";
 *       figures prefixed 0., 1., ... per handler;
 *       HANDLER: a class name, for ours optionally with settings: ApiHandler?NAME=VALUE&NAME=VALUE,
 *       for the floor optionally FloorFunction?count; "login:" before ours sends logins instead of generates)
 * </pre>
 * Uses only the JDK and classes that are in the Lambda zip, so it loads nothing the function would not.
 */
public final class LambdaLauncher {

    private LambdaLauncher() { }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "cold" -> cold(args[1]);
            case "warm" -> {
                List<String> classes = new ArrayList<>();
                List<Path> files = new ArrayList<>();
                for (int i = 1; i + 1 < args.length - 2; i += 2) {
                    classes.add(args[i]);
                    files.add(Path.of(args[i + 1]));
                }
                warm(classes, files, Integer.parseInt(args[args.length - 2]), Integer.parseInt(args[args.length - 1]));
            }
            default -> throw new IllegalArgumentException("mode: cold | warm");
        }
    }

    private static void cold(String handlerClass) throws Exception {
        String classLog = System.getenv("BENCH_CLASSLOG");
        long classesAtMain = loadedClasses(classLog);
        long t0 = System.nanoTime();
        Launched launched = launch(handlerClass);
        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler = launched.handler();
        long t1 = System.nanoTime();
        // What SnapStart runs before the snapshot; the request after it models the first one after a restore.
        long primeNanos = 0;
        if ("1".equals(System.getenv("BENCH_PRIME"))) {
            launched.prime().run();
            primeNanos = System.nanoTime() - t1;
        }
        long classesAfterInit = loadedClasses(classLog);
        APIGatewayProxyRequestEvent event = isLogin(handlerClass)
                ? loginEvent(System.getenv("BENCH_USER"), System.getenv("BENCH_TOKEN"), System.getenv("BENCH_NAME"),
                        System.getenv("BENCH_SOURCE_IP"))
                : event(System.getenv("BENCH_USER"), System.getenv("BENCH_TOKEN"), System.getenv("BENCH_NAME"),
                        System.getenv("BENCH_TOTP"), System.getenv("BENCH_SOURCE_IP"));
        long t2 = System.nanoTime();
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
        long t3 = System.nanoTime();
        int calls = launched.calls().calls(AwsCallCounter.Service.DYNAMODB);
        int sesCalls = launched.calls().calls(AwsCallCounter.Service.SES);
        long classesAfterInvoke = loadedClasses(classLog);
        System.out.println("BENCH initMs=" + ms(t1 - t0) + " primeMs=" + ms(primeNanos) + " invokeMs=" + ms(t3 - t2)
                + " status=" + response.getStatusCode() + " dynamodbCalls=" + calls + " sesCalls=" + sesCalls
                + " vmHwmKb=" + vmHwmKb() + " cpuMs=" + cpuMs()
                + " classesAtMain=" + classesAtMain + " classesInit=" + (classesAfterInit - classesAtMain)
                + " classesInvoke=" + (classesAfterInvoke - classesAfterInit)
                + (response.getStatusCode() == 200 ? "" : " body=" + java.net.URLEncoder.encode(response.getBody(), java.nio.charset.StandardCharsets.UTF_8)));
        System.out.flush();
    }

    /**
     * Handlers take turns, request by request, in this one JVM: the same JIT state, heap,
     * emulator state and machine noise for each, so the comparison is not biased by order.
     */
    private static void warm(List<String> handlerClasses, List<Path> usersFiles, int warmup, int count) throws Exception {
        int n = handlerClasses.size();
        List<List<String[]>> users = new ArrayList<>();
        List<Launched> handlers = new ArrayList<>();
        for (int h = 0; h < n; h++) {
            users.add(Files.readAllLines(usersFiles.get(h)).stream()
                    .filter(l -> !l.isBlank()).map(l -> l.trim().split(" ")).toList());
            handlers.add(launch(handlerClasses.get(h)));
        }
        long[][] nanos = new long[n][count];
        long[][] cpuNanos = new long[n][count];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        int[] minCalls = new int[n];
        int[] maxCalls = new int[n];
        int[] minSesCalls = new int[n];
        int[] maxSesCalls = new int[n];
        int[] failures = new int[n];
        String[] firstFailure = new String[n];
        Arrays.fill(minCalls, Integer.MAX_VALUE);
        Arrays.fill(minSesCalls, Integer.MAX_VALUE);
        for (int i = 0; i < warmup + count; i++) {
            for (int h = 0; h < n; h++) {
                String[] u = users.get(h).get(i % users.get(h).size());
                APIGatewayProxyRequestEvent event = isLogin(handlerClasses.get(h))
                        ? loginEvent(u[0], u[1], "bench-" + i, u[2]) : event(u[0], u[1], "bench-" + i, null, u[2]);
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                APIGatewayProxyResponseEvent response = handlers.get(h).handler().handleRequest(event, null);
                long t1 = System.nanoTime();
                long c1 = threads.getCurrentThreadCpuTime();
                int calls = handlers.get(h).calls().calls(AwsCallCounter.Service.DYNAMODB);
                int sesCalls = handlers.get(h).calls().calls(AwsCallCounter.Service.SES);
                if (response.getStatusCode() != 200 && failures[h]++ == 0) {
                    firstFailure[h] = response.getStatusCode() + ":" + java.net.URLEncoder.encode(
                            String.valueOf(response.getBody()), java.nio.charset.StandardCharsets.UTF_8);
                }
                if (i >= warmup) {
                    nanos[h][i - warmup] = t1 - t0;
                    cpuNanos[h][i - warmup] = c1 - c0;
                    minCalls[h] = Math.min(minCalls[h], calls);
                    maxCalls[h] = Math.max(maxCalls[h], calls);
                    minSesCalls[h] = Math.min(minSesCalls[h], sesCalls);
                    maxSesCalls[h] = Math.max(maxSesCalls[h], sesCalls);
                }
            }
        }
        StringBuilder line = new StringBuilder("BENCH");
        for (int h = 0; h < n; h++) {
            long[] sorted = nanos[h];
            Arrays.sort(sorted);
            long[] cpu = cpuNanos[h];
            Arrays.sort(cpu);
            String p = " " + h + ".";
            line.append(p).append("p50=").append(ms(percentile(sorted, 50)))
                    .append(p).append("p95=").append(ms(percentile(sorted, 95)))
                    .append(p).append("p99=").append(ms(percentile(sorted, 99)))
                    .append(p).append("max=").append(ms(sorted[sorted.length - 1]))
                    .append(p).append("cpuP50=").append(ms(percentile(cpu, 50)))
                    .append(p).append("minCalls=").append(minCalls[h])
                    .append(p).append("maxCalls=").append(maxCalls[h])
                    .append(p).append("minSesCalls=").append(minSesCalls[h])
                    .append(p).append("maxSesCalls=").append(maxSesCalls[h])
                    .append(p).append("failures=").append(failures[h]);
            if (failures[h] > 0) {
                line.append(p).append("firstFailure=").append(firstFailure[h]);
            }
        }
        System.out.println(line);
        System.out.flush();
    }

    /** Whether a handler spec sends logins ({@code login:} before ours) rather than generates. */
    static boolean isLogin(String spec) {
        return spec.startsWith(LOGIN);
    }

    static final String LOGIN = "login:";

    /** A handler as Lambda would have built it, and the counter of its AWS calls. */
    record Launched(RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
                    AwsCallCounter calls, Runnable prime) { }

    /**
     * Builds the handler exactly as its no-arg constructor would (for ours: the composition root
     * from the environment, with the settings the spec adds after {@code ?}), keeping a hand on its
     * call counter.
     */
    static Launched launch(String handlerSpec) {
        String spec = isLogin(handlerSpec) ? handlerSpec.substring(LOGIN.length()) : handlerSpec;
        String className = spec.contains("?") ? spec.substring(0, spec.indexOf('?')) : spec;
        if (className.equals(ApiHandler.class.getName())) {
            CompositionRoot root = spec.equals(className) ? CompositionRoot.fromEnvironment()
                    : CompositionRoot.build(Settings.from(withSettings(System.getenv(), spec.substring(spec.indexOf('?') + 1))),
                            AwsEnvironment.fromEnvironment(), Clock.systemUTC(), System.out::println);
            return new Launched(new ApiHandler(root), root.calls(), new Priming(root)::prime);
        }
        if (className.equals(FloorFunction.class.getName())) {
            FloorFunction floor = spec.endsWith("?count") ? FloorFunction.withCount() : new FloorFunction();
            return new Launched(floor, floor.calls(), () -> { });
        }
        throw new IllegalArgumentException("unknown handler " + className);
    }

    /** {@code environment} with the {@code NAME=VALUE&...} of a handler spec on top. */
    static Map<String, String> withSettings(Map<String, String> environment, String settings) {
        Map<String, String> env = new HashMap<>(environment);
        for (String pair : settings.split("&")) {
            env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return env;
    }

    /** The event API Gateway's REST proxy integration sends for a generate request from {@code sourceIp}. */
    static APIGatewayProxyRequestEvent event(String userId, String token, String tokenName, String totpCode,
                                             String sourceIp) {
        Map<String, String> headers = new HashMap<>();
        headers.put("X-User-Id", userId);
        headers.put("X-Auth-Token", token);
        headers.put("X-Bench-Token-Name", tokenName); // read by the floor, which parses no JSON
        if (totpCode != null && !totpCode.isEmpty()) {
            headers.put("x-2fa-code", totpCode);
            headers.put("x-2fa-method", "totp");
        }
        return post("/api/v1/users.generatePersonalAccessToken", headers,
                "{\"tokenName\":\"" + tokenName + "\",\"bypassTwoFactor\":false}", tokenName, sourceIp);
    }

    /** The event API Gateway's REST proxy integration sends for a login by username and plain password. */
    static APIGatewayProxyRequestEvent loginEvent(String username, String password, String requestId, String sourceIp) {
        return post("/api/v1/login", new HashMap<>(),
                "{\"user\":\"" + username + "\",\"password\":\"" + password + "\"}", requestId, sourceIp);
    }

    private static APIGatewayProxyRequestEvent post(String path, Map<String, String> headers, String body,
                                                    String requestId, String sourceIp) {
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "rcpat-bench/1.0");
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setSourceIp(sourceIp);
        identity.setUserAgent("rcpat-bench/1.0");
        APIGatewayProxyRequestEvent.ProxyRequestContext ctx = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        ctx.setIdentity(identity);
        ctx.setRequestId("bench-" + requestId);
        ctx.setHttpMethod("POST");
        ctx.setStage("prod");
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST")
                .withPath(path)
                .withResource(path)
                .withHeaders(headers)
                .withBody(body)
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
