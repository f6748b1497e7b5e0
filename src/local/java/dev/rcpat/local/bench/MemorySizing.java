package dev.rcpat.local.bench;

import dev.rcpat.local.CfnTemplate;
import dev.rcpat.local.UserAdmin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Login beside generate at several memory sizes. Lambda gives a function CPU in proportion to its
 * memory, one vCPU at 1,769 MB; a login runs bcrypt at cost 10, which is CPU alone, while a generate
 * mostly waits for DynamoDB. Each child here runs with the JVM flags Lambda's runtime uses for the
 * size and inside a cgroup whose CPU quota is that share ({@link CpuCap}), as deployed (rate limiter
 * on, token notices on): cold logins, cold logins after the SnapStart priming, cold generates and a
 * warm JVM of generates per size, then warm logins in rounds that visit every size in turn. The
 * figures choose the login function's memory size: {@link #choose}.
 */
final class MemorySizing {

    /** Lambda: "At 1,769 MB, a function has the equivalent of one vCPU". */
    static final int ONE_VCPU_MB = 1769;
    /** Lambda x86_64 duration price, us-east-1, per GB-second (the first pricing tier). */
    static final double PRICE_PER_GB_SECOND = 0.0000166667;
    static final double PRICE_PER_MILLION_REQUESTS = 0.20;
    /** A size is "as fast as the fastest" when its warm login p50 and p95 are within this factor of the best. */
    static final double WITHIN_OF_FASTEST = 1.10;

    static final String LOGIN = LambdaLauncher.LOGIN + Benchmark.HANDLER;
    /**
     * A generate's few milliseconds of CPU are spent in code the JIT compiles over its first
     * hundred or so requests, and under a quota the compiler threads take their share too: it
     * needs this warm-up (a login, bcrypt's loop, is compiled within its first few).
     */
    static final int GENERATE_WARMUP = 200;
    static final int GENERATE_REQUESTS = 200;

    private final Benchmark bench;

    MemorySizing(Benchmark bench) {
        this.bench = bench;
    }

    /** The figures of one memory size. */
    record Size(int memoryMb, List<Map<String, Double>> loginCold, List<Map<String, Double>> loginPrimed,
                List<Map<String, Double>> generateCold, Map<String, Double> warmLogin, Map<String, Double> warmGenerate) {

        double cpus() {
            return (double) memoryMb / ONE_VCPU_MB;
        }
    }

    /** The sizes measured, or none when no CPU cap can be set (the figures would all be of a whole machine). */
    List<Size> run(List<Integer> sizes, int runs, int rounds, int warmup, int requests) throws Exception {
        Map<Integer, CpuCap> caps = new LinkedHashMap<>();
        try {
            for (int memoryMb : sizes) {
                CpuCap.Result made = CpuCap.create("rcpat-bench-" + memoryMb, (double) memoryMb / ONE_VCPU_MB);
                if (made.cap().isEmpty()) {
                    bench.note("Memory sizes not measured: " + made.whyNot() + ".");
                    System.out.println("note: memory sizes not measured: " + made.whyNot());
                    return List.of();
                }
                caps.put(memoryMb, made.cap().get());
            }
            return measure(caps, runs, rounds, warmup, requests);
        } finally {
            caps.values().forEach(CpuCap::close);
        }
    }

    private List<Size> measure(Map<Integer, CpuCap> caps, int runs, int rounds, int warmup, int requests) throws Exception {
        String password = "bench-" + UserAdmin.newUserId();
        UserAdmin.Created loginUser = bench.admin().createUser(UserAdmin.NewUser.named("bench-login-" + UserAdmin.newUserId())
                .password(password).email("bench-login@rcpat.bench", true));
        Map<Integer, List<Map<String, Double>>> loginCold = new LinkedHashMap<>();
        Map<Integer, List<Map<String, Double>>> loginPrimed = new LinkedHashMap<>();
        Map<Integer, List<Map<String, Double>>> generateCold = new LinkedHashMap<>();
        Map<Integer, Map<String, Double>> warmGenerate = new LinkedHashMap<>();
        for (Map.Entry<Integer, CpuCap> size : caps.entrySet()) {
            int memoryMb = size.getKey();
            CpuCap cap = size.getValue();
            UserAdmin.Created generateUser = bench.plainUser("bench-size-" + memoryMb);
            String generateToken = bench.admin().createLoginToken(generateUser.userId());
            for (int i = 0; i <= runs; i++) {
                Map<String, Double> login = cold(cap, memoryMb, LOGIN, loginUser.username(), password,
                        "size-login-" + i, false);
                Map<String, Double> primed = cold(cap, memoryMb, LOGIN, loginUser.username(), password,
                        "size-login-primed-" + i, true);
                Map<String, Double> generate = cold(cap, memoryMb, Benchmark.HANDLER, generateUser.userId(),
                        generateToken, "size-generate-" + memoryMb + "-" + i, false);
                if (i == 0) {
                    continue; // the first round of a size is not counted: the page cache, the cgroup's first period
                }
                loginCold.computeIfAbsent(memoryMb, k -> new ArrayList<>()).add(login);
                loginPrimed.computeIfAbsent(memoryMb, k -> new ArrayList<>()).add(primed);
                generateCold.computeIfAbsent(memoryMb, k -> new ArrayList<>()).add(generate);
                System.out.printf(Locale.ROOT, "  %4d MB cold %d: login first invocation %6.1f ms, after priming %6.1f ms,"
                                + " generate %6.1f ms%n", memoryMb, i, login.get("invokeMs"), primed.get("invokeMs"),
                        generate.get("invokeMs"));
            }
            // Each function in a JVM of its own, as on Lambda: in one JVM taking turns, a login
            // spends the CPU quota of the period and the generate after it waits for the next.
            Path generateUsers = bench.warmUsers("bench-size-generate-" + memoryMb,
                    (GENERATE_WARMUP + GENERATE_REQUESTS) / 10 + 1, List.of("user"));
            warmGenerate.put(memoryMb, warm(cap, memoryMb, Benchmark.HANDLER, generateUsers, GENERATE_WARMUP,
                    GENERATE_REQUESTS));
        }
        // Warm logins decide the size, so they run in rounds that visit every size in turn: a noisy
        // minute of this shared machine then spoils one round of each size, not one size's figure,
        // and the median of the rounds leaves it out.
        Map<Integer, List<Map<String, Double>>> loginRounds = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Map.Entry<Integer, CpuCap> size : caps.entrySet()) {
                int memoryMb = size.getKey();
                Path users = loginUsers("bench-size-login-" + memoryMb + "-" + round, (warmup + requests) / 10 + 1);
                Map<String, Double> figures = warm(size.getValue(), memoryMb, LOGIN, users, warmup, requests);
                loginRounds.computeIfAbsent(memoryMb, k -> new ArrayList<>()).add(figures);
                System.out.printf(Locale.ROOT, "  %4d MB warm logins, round %d: p50 %6.1f ms, p95 %6.1f ms (CPU %5.1f ms)%n",
                        memoryMb, round, figures.get("p50"), figures.get("p95"), figures.get("cpuP50"));
            }
        }
        List<Size> out = new ArrayList<>();
        for (Map.Entry<Integer, CpuCap> size : caps.entrySet()) {
            int memoryMb = size.getKey();
            out.add(new Size(memoryMb, loginCold.get(memoryMb), loginPrimed.get(memoryMb),
                    generateCold.get(memoryMb), medianOfRounds(loginRounds.get(memoryMb)), warmGenerate.get(memoryMb)));
        }
        return out;
    }

    /** Each figure's median over the rounds; the call counts' extremes. */
    static Map<String, Double> medianOfRounds(List<Map<String, Double>> rounds) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String key : List.of("p50", "p95", "cpuP50")) {
            out.put(key, Benchmark.median(rounds, key));
        }
        out.put("minCalls", rounds.stream().mapToDouble(r -> r.get("minCalls")).min().orElseThrow());
        out.put("maxCalls", rounds.stream().mapToDouble(r -> r.get("maxCalls")).max().orElseThrow());
        return out;
    }

    private Map<String, Double> cold(CpuCap cap, int memoryMb, String handler, String user, String secret, String name,
                                     boolean primed) throws IOException, InterruptedException {
        Map<String, String> env = bench.coldEnvironment(user, secret, name, primed);
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(memoryMb));
        Map<String, Double> figures = bench.launch(cap.wrap(
                bench.launcherCommand(Benchmark.lambdaJvmFlags(memoryMb), "cold", handler)), env);
        if (figures.get("status") != 200) {
            throw new IllegalStateException(handler + " answered " + figures.get("status").intValue() + " cold at "
                    + memoryMb + " MB: " + bench.lastText("body"));
        }
        return figures;
    }

    private Map<String, Double> warm(CpuCap cap, int memoryMb, String handler, Path users, int warmup, int requests)
            throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>(bench.childEnvironment());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(memoryMb));
        Map<String, Double> figures = Benchmark.handlerFigures(bench.launch(cap.wrap(bench.launcherCommand(
                Benchmark.lambdaJvmFlags(memoryMb), Benchmark.warmArgs(List.of(handler), List.of(users), warmup, requests))),
                env), 0);
        if (figures.get("failures") > 0) {
            throw new IllegalStateException(handler + " warm at " + memoryMb + " MB: " + figures.get("failures").intValue()
                    + " requests did not answer 200, first: " + bench.lastText("0.firstFailure"));
        }
        return figures;
    }

    /**
     * {@code count} users with a password and one verified address, as "username password sourceIp"
     * lines: each logs in from an address of its own, at most 10 times (the limiter's allowance).
     */
    private Path loginUsers(String prefix, int count) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String password = "bench-" + UserAdmin.newUserId();
            String name = prefix + "-" + UserAdmin.newUserId();
            bench.admin().createUser(UserAdmin.NewUser.named(name).password(password).email(name.toLowerCase(Locale.ROOT)
                    + "@rcpat.bench", true));
            lines.add(name + " " + password + " " + bench.nextSourceIp());
        }
        Path file = bench.work().resolve(prefix + ".users");
        Files.write(file, lines);
        return file;
    }

    /**
     * The smallest size whose warm login p50 and p95 are both within {@link #WITHIN_OF_FASTEST} of
     * the best measured: past it, more memory buys a login no time and costs more per request. The
     * p95 counts because below one vCPU the quota runs out part-way through a hash, and the tail
     * spreads before the median moves much.
     */
    static int choose(List<Size> sizes) {
        double bestP50 = sizes.stream().mapToDouble(s -> s.warmLogin().get("p50")).min().orElseThrow();
        double bestP95 = sizes.stream().mapToDouble(s -> s.warmLogin().get("p95")).min().orElseThrow();
        return sizes.stream().filter(s -> s.warmLogin().get("p50") <= WITHIN_OF_FASTEST * bestP50
                        && s.warmLogin().get("p95") <= WITHIN_OF_FASTEST * bestP95)
                .mapToInt(Size::memoryMb).min().orElseThrow();
    }

    /** What a million requests of {@code millis} each cost at {@code memoryMb}: Lambda bills whole milliseconds. */
    static double dollarsPerMillion(double millis, int memoryMb) {
        return 1_000_000 * Math.ceil(millis) / 1000.0 * memoryMb / 1024.0 * PRICE_PER_GB_SECOND + PRICE_PER_MILLION_REQUESTS;
    }

    /** The login function's memory size in template.yaml (its own, else the Globals'). */
    static int templateLoginMemory(Path template) throws IOException {
        CfnTemplate t = CfnTemplate.load(template);
        Object own = properties(t.resources().get("LoginFunction")).get("MemorySize");
        if (own != null) {
            return ((Number) own).intValue();
        }
        Map<?, ?> globals = (Map<?, ?>) t.document().get("Globals");
        return ((Number) ((Map<?, ?>) globals.get("Function")).get("MemorySize")).intValue();
    }

    private static Map<?, ?> properties(Map<String, Object> resource) {
        Object p = resource == null ? null : resource.get("Properties");
        return p instanceof Map<?, ?> m ? m : Map.of();
    }

    String markdown(List<Size> sizes, int runs, int rounds, int warmup, int requests, int templateMemory) {
        StringBuilder sb = new StringBuilder();
        sb.append("\nLogin beside generate by memory size (Lambda's CPU share: size / 1,769 MB of one vCPU, held by a")
                .append(" cgroup CPU quota per child; JVM flags of that size; settings as deployed). Cold: ").append(runs)
                .append(" fresh JVMs each after one discarded round; warm logins: ").append(rounds)
                .append(" rounds that visit every size in turn, each a JVM with ").append(requests).append(" logins after ")
                .append(warmup).append(" (the figures: the median of the rounds' p50, p95 and CPU); warm generates: ").append(GENERATE_REQUESTS).append(" after ")
                .append(GENERATE_WARMUP).append(" in one JVM per size; users without")
                .append(" two-factor method, each from an address of its own. Cost: x86_64 at $")
                .append(java.math.BigDecimal.valueOf(PRICE_PER_GB_SECOND).toPlainString()).append(" per GB-s and $").append(fmt(PRICE_PER_MILLION_REQUESTS))
                .append(" per million requests, at the warm p50.\n\n");
        sb.append("| memory | CPU share | login warm p50 | p95 | login CPU p50 | login cold first invocation | after SnapStart priming")
                .append(" | login cold total | generate warm p50 | generate CPU p50 | generate cold first invocation | $ per million logins")
                .append(" | $ per million generates | DynamoDB calls (login / generate) |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Size s : sizes) {
            sb.append("| ").append(s.memoryMb()).append(" MB | ").append(String.format(Locale.ROOT, "%.2f", s.cpus()))
                    .append(" | ").append(fmt(s.warmLogin().get("p50"))).append(" ms | ")
                    .append(fmt(s.warmLogin().get("p95"))).append(" ms | ")
                    .append(fmt(s.warmLogin().get("cpuP50"))).append(" ms | ")
                    .append(fmt(Benchmark.median(s.loginCold(), "invokeMs"))).append(" ms | ")
                    .append(fmt(Benchmark.median(s.loginPrimed(), "invokeMs"))).append(" ms | ")
                    .append(fmt(Benchmark.median(s.loginCold(), "totalMs"))).append(" ms | ")
                    .append(fmt(s.warmGenerate().get("p50"))).append(" ms | ")
                    .append(fmt(s.warmGenerate().get("cpuP50"))).append(" ms | ")
                    .append(fmt(Benchmark.median(s.generateCold(), "invokeMs"))).append(" ms | ")
                    .append(String.format(Locale.ROOT, "%.2f", dollarsPerMillion(s.warmLogin().get("p50"), s.memoryMb())))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", dollarsPerMillion(s.warmGenerate().get("p50"), s.memoryMb())))
                    .append(" | ").append(calls(s.warmLogin())).append(" / ").append(calls(s.warmGenerate())).append(" |\n");
        }
        boolean expectedCalls = sizes.stream().allMatch(s -> calls(s.warmLogin()).equals("5")
                && calls(s.warmGenerate()).equals("3"));
        sb.append("\nDynamoDB calls per warm request: a login 5 (the rate-limit count, the lookups read, the user read,"
                + " the new token's resume lookup, the user's write), a generate 3 (the read, the count beside it, the"
                + " write): ").append(expectedCalls ? "as expected" : "**not as expected**").append(".\n");
        int chosen = choose(sizes);
        sb.append("The smallest size whose warm login p50 and p95 are within ")
                .append(String.format(Locale.ROOT, "%.0f", (WITHIN_OF_FASTEST - 1) * 100))
                .append(" % of the best measured: **").append(chosen).append(" MB**; template.yaml's LoginFunction: ")
                .append(templateMemory).append(" MB").append(chosen == templateMemory ? " (the same).\n"
                        : " (**differs**: see the prose above the table).\n");
        return sb.toString();
    }

    private static String calls(Map<String, Double> warm) {
        double min = warm.get("minCalls");
        double max = warm.get("maxCalls");
        return min == max ? fmt(min) : fmt(min) + "–" + fmt(max);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
