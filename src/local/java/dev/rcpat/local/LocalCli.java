package dev.rcpat.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.rcpat.CompositionRoot;
import dev.rcpat.json.JsonCodec;
import dev.rcpat.local.bench.Benchmark;
import dev.rcpat.local.rocketchat.ImportReport;
import dev.rcpat.local.rocketchat.ProgressBar;
import dev.rcpat.local.rocketchat.UserImport;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.User;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code bin/local}: runs the service on this machine (emulators, tables, real handlers behind a
 * local HTTP server) and administers users, tokens and permissions, locally or on AWS.
 * The subcommands and flags are a contract that the README documents; see {@link #USAGE}.
 */
public final class LocalCli {

    static final String USAGE = """
            usage: bin/local <command> [options]

              serve [--port 3000] [--data-dir DIR] [--no-seed] [--dynamodb-port 8000] [--ses-port 8005]
                  run the API on http://127.0.0.1:PORT with local DynamoDB and SES emulators
              users create --username U --password P [--email ADDR [--unverified]] [--role R]...
                           [--totp] [--email-2fa] [--inactive] [--json] [AWS]
              users login-token --username U [--json] [AWS]
              users import --file USERS.json [--permissions PERMISSIONS.json] [--include-bots] [--dry-run] [--json] [AWS]
                  Rocket.Chat's users (mongoexport --collection users) and permissions
                  (--collection rocketchat_permissions); run again to update
              permissions set PERMISSION [ROLE]... [AWS]     (no role: nobody holds it)
              invoke EVENT.json                               run one API Gateway event through its handler
              status [--json]                                 is a local stack running, and where
              bench [ARGS]...                                 the cold-start / latency benchmark

              AWS = --aws [--region R] (--stack-name S | --users-table T --permissions-table P --lookups-table L)
                    runs the command against real DynamoDB tables with the default AWS credentials.
            Every command but serve works on the stack that serve started (see bin/local status).
            """;

    private static final Set<String> AWS_VALUED = AdminTarget.AWS_OPTIONS;
    /** Set to 1 by bin/local when standard error is a terminal (Java 21 cannot tell on its own). */
    static final String STDERR_IS_TERMINAL = "RCPAT_STDERR_IS_TERMINAL";
    /** Concurrent users in an import: DynamoDB takes conditional writes one item at a time, so throughput is concurrency. */
    static final int IMPORT_PARALLELISM = 16;

    private final Path projectDir;
    private final StateFile stateFile;
    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;
    private final Consumer<String> requestLog;

    /**
     * @param environment the environment serve passes settings on from (e.g. {@code TWO_FACTOR_ENABLED})
     * @param requestLog  where the handlers' log lines go (serve: stdout; invoke: stderr)
     */
    public LocalCli(Path projectDir, StateFile stateFile, Map<String, String> environment, PrintStream out,
                    PrintStream err, Consumer<String> requestLog) {
        this.projectDir = projectDir;
        this.stateFile = stateFile;
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.requestLog = requestLog;
    }

    public static void main(String[] argv) {
        Path project = Path.of(System.getenv().getOrDefault("RCPAT_PROJECT_DIR", System.getProperty("user.dir")))
                .toAbsolutePath().normalize();
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        boolean serve = argv.length > 0 && argv[0].equals("serve");
        LocalCli cli = new LocalCli(project, new StateFile(project.resolve(".local/state.json")), System.getenv(),
                out, err, serve ? out::println : err::println);
        if (!serve) {
            System.exit(cli.run(argv));
        }
        DevStack stack;
        try {
            stack = cli.serve(List.of(argv).subList(1, argv.length));
        } catch (Exception e) {
            System.exit(cli.report(e));
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            err.println("bin/local: stopped (API server and emulators)");
        }, "bin-local-stop"));
        try {
            Thread.currentThread().join(); // until SIGINT / SIGTERM run the hook
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs one command other than serve; returns the process exit code. */
    public int run(String... argv) {
        try {
            return dispatch(Arrays.asList(argv));
        } catch (Exception e) {
            return report(e);
        }
    }

    private int report(Exception e) {
        String message;
        int code = 1;
        if (e instanceof CliException c) {
            message = c.getMessage();
            code = c.exitCode();
        } else if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            message = e.getMessage();
        } else if (e instanceof SdkException) {
            message = "AWS: " + e.getMessage();
        } else {
            message = e.toString();
        }
        err.println("bin/local: " + message);
        if (environment.containsKey("RCPAT_DEBUG")) {
            e.printStackTrace(err);
        }
        return code;
    }

    private int dispatch(List<String> argv) throws Exception {
        if (argv.isEmpty()) {
            err.print(USAGE);
            return 2;
        }
        List<String> rest = argv.subList(1, argv.size());
        return switch (argv.get(0)) {
            case "help", "-h", "--help" -> {
                out.print(USAGE);
                yield 0;
            }
            case "users" -> users(rest);
            case "permissions" -> permissions(rest);
            case "invoke" -> invoke(rest);
            case "status" -> status(rest);
            case "bench" -> bench(rest);
            case "serve" -> throw CliException.usage("serve runs from bin/local (LocalCli.main), not inside another command");
            default -> throw CliException.usage("unknown command '" + argv.get(0) + "'\n" + USAGE);
        };
    }

    // ---- serve -------------------------------------------------------------------------------

    /**
     * Starts the stack and prints its banner, which starts with the token page's URL, then
     * {@code ready: URL} (the API's base) and the getting-started text; returns it running.
     */
    public DevStack serve(List<String> argv) throws CliException, IOException {
        Args a = Args.parse("serve", argv, Set.of("port", "data-dir", "dynamodb-port", "ses-port"), Set.of("no-seed"));
        if (!a.positionals().isEmpty()) {
            throw CliException.usage("serve: unexpected argument '" + a.positionals().get(0) + "'");
        }
        Path dataDir = a.value("data-dir") == null ? null : Path.of(a.value("data-dir")).toAbsolutePath();
        boolean seed = !a.flag("no-seed");
        DevStack stack = DevStack.start(new DevStack.Options(projectDir, a.port("port", 3000), dataDir, seed,
                a.port("dynamodb-port", -1), a.port("ses-port", -1), stateFile, environment), requestLog);
        LocalState s = stack.state();
        out.println("emulators: DynamoDB " + s.dynamodbEndpoint() + " (" + (dataDir == null ? "in memory" : "data in " + dataDir)
                + "; tables " + s.usersTable() + ", " + s.permissionsTable() + ", " + s.lookupsTable() + "), SES "
                + s.sesEndpoint());
        for (HandlerRoutes.Bound b : stack.routes().served()) {
            out.println("route: " + b.route().method() + " " + b.route().path() + " -> "
                    + HandlerRoutes.simpleName(b.route().handlerClass()));
        }
        out.println("token page: " + stack.pageUrl() + " (open it in a browser to sign in and manage personal access tokens)");
        out.println("ready: " + stack.apiUrl());
        out.print(gettingStarted(stack, seed));
        out.flush();
        return stack;
    }

    private String gettingStarted(DevStack stack, boolean seeded) {
        String api = stack.apiUrl();
        StringBuilder sb = new StringBuilder("\n");
        if (seeded) {
            String auth = "-H 'X-User-Id: " + Demo.USER_ID + "' -H 'X-Auth-Token: " + Demo.LOGIN_TOKEN + "'";
            sb.append("Demo user (LOCAL ONLY: public credentials, seeded into the emulators by bin/local serve, never deployed)\n")
              .append("  username ").append(Demo.USERNAME).append(", password ").append(Demo.PASSWORD)
              .append(", email ").append(Demo.EMAIL).append(" (verified), roles user\n")
              .append("  X-User-Id: ").append(Demo.USER_ID).append('\n')
              .append("  X-Auth-Token: ").append(Demo.LOGIN_TOKEN).append('\n')
              .append("  two-factor: password fallback, x-2fa-method: password, x-2fa-code: ")
              .append(Demo.passwordTwoFactorCode()).append(" (hex SHA-256 of the password)\n")
              .append("  on the token page: sign in as ").append(Demo.USERNAME).append(" / ").append(Demo.PASSWORD)
              .append("; adding a token asks for the password again\n\n")
              .append("Try it (each line pastes as is; the first logs in, as a Rocket.Chat client starts):\n")
              .append("  curl -s -X POST ").append(api).append("/api/v1/login -H 'Content-Type: application/json' -d '{\"user\":\"")
              .append(Demo.USERNAME).append("\",\"password\":\"").append(Demo.PASSWORD).append("\"}'\n")
              .append("  curl -s -X POST ").append(api).append("/api/v1/users.generatePersonalAccessToken ").append(auth)
              .append(" -H 'x-2fa-method: password' -H 'x-2fa-code: ").append(Demo.passwordTwoFactorCode())
              .append("' -H 'Content-Type: application/json' -d \"{\\\"tokenName\\\":\\\"curl-$(date +%s%N)\\\"}\"\n");
            if (stack.routes().find("GET", "/api/v1/users.getPersonalAccessTokens").isPresent()) {
                sb.append("  curl -s ").append(api).append("/api/v1/users.getPersonalAccessTokens ").append(auth).append('\n');
            }
            sb.append("  (without the x-2fa-* headers, generate answers 400 totp-required: the two-factor challenge)\n\n");
        } else {
            sb.append("No demo user (--no-seed). Create users with: bin/local users create --username U --password P\n\n");
        }
        sb.append("mail page of the SES emulator (email 2FA codes): ").append(stack.mailPage()).append('\n')
          .append("more: bin/local users create --username alice --password 'choose-one' --totp | bin/local status | Ctrl-C stops everything\n");
        return sb.toString();
    }

    // ---- users / permissions -----------------------------------------------------------------

    private int users(List<String> argv) throws CliException {
        if (argv.isEmpty()) {
            throw CliException.usage("users: expected 'create', 'login-token' or 'import'");
        }
        List<String> rest = argv.subList(1, argv.size());
        return switch (argv.get(0)) {
            case "create" -> usersCreate(rest);
            case "login-token" -> loginToken(rest);
            case "import" -> usersImport(rest);
            default -> throw CliException.usage("users: unknown subcommand '" + argv.get(0) + "' (create, login-token, import)");
        };
    }

    private int usersCreate(List<String> argv) throws CliException {
        Args a = Args.parse("users create", argv, union(Set.of("username", "password", "email", "role"), AWS_VALUED),
                Set.of("unverified", "totp", "email-2fa", "inactive", "json", AdminTarget.AWS_FLAG));
        noPositionals(a, "users create");
        String username = a.required("username");
        String password = a.required("password");
        String email = a.value("email");
        if (a.flag("unverified") && email == null) {
            throw CliException.usage("users create: --unverified needs --email");
        }
        if (a.flag("email-2fa") && email == null) {
            throw CliException.usage("users create: --email-2fa needs --email (codes go to verified addresses)");
        }
        UserAdmin.NewUser spec = UserAdmin.NewUser.named(username).password(password);
        if (email != null) {
            spec = spec.email(email, !a.flag("unverified"));
        }
        if (!a.values("role").isEmpty()) {
            spec = spec.roles(a.values("role").toArray(String[]::new));
        }
        if (a.flag("totp")) {
            spec = spec.withTotp();
        }
        if (a.flag("email-2fa")) {
            spec = spec.withEmail2fa();
        }
        if (a.flag("inactive")) {
            spec = spec.inactive();
        }
        AdminTarget target = AdminTarget.choose(a, stateFile);
        UserAdmin.Created c = target.admin().createUser(spec);
        if (a.flag("json")) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("userId", c.userId());
            json.put("username", c.username());
            if (c.totpSecret() != null) {
                json.put("totpSecret", c.totpSecret());
                json.put("backupCodes", c.backupCodes());
            }
            out.println(JsonCodec.write(json));
            return 0;
        }
        out.println("created user " + c.username() + " (id " + c.userId() + ") in the " + target.description());
        out.println("  roles: " + String.join(", ", spec.roles()) + (spec.active() ? "" : "; INACTIVE (gets 401)")
                + (email == null ? "" : "; email " + email + (a.flag("unverified") ? " (unverified)" : " (verified)"))
                + "; two-factor: " + twoFactorSummary(spec));
        if (c.totpSecret() != null) {
            String uri = otpauthUri(c.username(), c.totpSecret());
            out.println("TOTP secret: " + c.totpSecret());
            out.println("TOTP URI:    " + uri);
            out.print(TerminalQr.render(uri));
            out.println("backup codes (each works once; shown only now): " + String.join(" ", c.backupCodes()));
        }
        out.println("next: bin/local users login-token --username " + c.username()
                + (a.flag(AdminTarget.AWS_FLAG) ? " --aws ..." : ""));
        return 0;
    }

    private static String twoFactorSummary(UserAdmin.NewUser spec) {
        if (spec.totp() && spec.email2fa()) {
            return "TOTP, email";
        }
        if (spec.totp()) {
            return "TOTP";
        }
        if (spec.email2fa()) {
            return "email codes";
        }
        return "password fallback (x-2fa-method: password, x-2fa-code: hex SHA-256 of the password)";
    }

    /** The enrolment URI authenticator apps read (Google's Key Uri Format). */
    static String otpauthUri(String username, String secret) {
        String label = URLEncoder.encode("rcpat:" + username, StandardCharsets.UTF_8).replace("+", "%20");
        return "otpauth://totp/" + label + "?secret=" + secret + "&issuer=rcpat&algorithm=SHA1&digits=6&period=30";
    }

    private int loginToken(List<String> argv) throws CliException {
        Args a = Args.parse("users login-token", argv, union(Set.of("username"), AWS_VALUED),
                Set.of("json", AdminTarget.AWS_FLAG));
        noPositionals(a, "users login-token");
        String username = a.required("username");
        AdminTarget target = AdminTarget.choose(a, stateFile);
        User user = target.admin().findByUsername(username)
                .orElseThrow(() -> new CliException("no user named " + username + " in the " + target.description()));
        String token = target.admin().createLoginToken(user.id());
        if (a.flag("json")) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("userId", user.id());
            json.put("authToken", token);
            out.println(JsonCodec.write(json));
        } else {
            out.println("X-User-Id: " + user.id());
            out.println("X-Auth-Token: " + token);
        }
        return 0;
    }

    private int usersImport(List<String> argv) throws CliException {
        Args a = Args.parse("users import", argv, union(Set.of("file", "permissions"), AWS_VALUED),
                Set.of("include-bots", "dry-run", "json", AdminTarget.AWS_FLAG));
        noPositionals(a, "users import");
        Path users = existingFile(a.required("file"));
        Path permissions = a.value("permissions") == null ? null : existingFile(a.value("permissions"));
        AdminTarget target = AdminTarget.choose(a, stateFile);
        UserImport.Progress progress = "1".equals(environment.get(STDERR_IS_TERMINAL))
                ? new ProgressBar(err, System::currentTimeMillis) : UserImport.Progress.NONE;
        ImportReport report = target.admin().rocketChatImport(Clock.systemUTC()).run(users, permissions,
                new UserImport.Options(a.flag("dry-run"), a.flag("include-bots"), IMPORT_PARALLELISM), progress);
        if (a.flag("json")) {
            out.println(JsonCodec.write(report.toJson()));
        } else {
            report.problemLines().forEach(err::println);
            out.print(report.summary(target.description()));
        }
        return report.complete() ? 0 : 1;
    }

    private static Path existingFile(String name) throws CliException {
        Path file = Path.of(name).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new CliException("users import: no such file " + name);
        }
        return file;
    }

    private int permissions(List<String> argv) throws CliException {
        if (argv.isEmpty() || !argv.get(0).equals("set")) {
            throw CliException.usage("permissions: expected 'set PERMISSION [ROLE]...'");
        }
        Args a = Args.parse("permissions set", argv.subList(1, argv.size()), AWS_VALUED, Set.of(AdminTarget.AWS_FLAG));
        if (a.positionals().isEmpty()) {
            throw CliException.usage("permissions set: PERMISSION is required, e.g. create-personal-access-tokens");
        }
        String permission = a.positionals().get(0);
        List<String> roles = a.positionals().subList(1, a.positionals().size());
        AdminTarget target = AdminTarget.choose(a, stateFile);
        target.admin().setPermission(permission, roles);
        out.println(permission + ": " + (roles.isEmpty() ? "no role (nobody holds it)" : String.join(", ", roles))
                + " in the " + target.description());
        return 0;
    }

    // ---- invoke / status / bench -------------------------------------------------------------

    private int invoke(List<String> argv) throws Exception {
        Args a = Args.parse("invoke", argv, Set.of(), Set.of());
        if (a.positionals().size() != 1) {
            throw CliException.usage("invoke: expected one EVENT.json (see events/)");
        }
        Path file = Path.of(a.positionals().get(0)).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new CliException("invoke: no such file " + file);
        }
        LocalState s = stateFile.requireRunning();
        APIGatewayProxyRequestEvent event;
        try {
            event = EventLoader.loadApiGatewayRestEvent(file.toString());
        } catch (RuntimeException e) {
            throw new CliException("invoke: " + file.getFileName() + " is not an API Gateway proxy event: " + e.getMessage());
        }
        if (event == null || event.getHttpMethod() == null || event.getPath() == null) {
            throw new CliException("invoke: " + file.getFileName() + " is not an API Gateway proxy event (no httpMethod or path)");
        }
        String resource = event.getResource() != null ? event.getResource() : event.getPath();
        HandlerRoutes.Route route = HandlerRoutes.declared(projectDir.resolve("template.yaml")).stream()
                .filter(r -> r.method().equalsIgnoreCase(event.getHttpMethod()) && r.path().equals(resource))
                .findFirst()
                .orElseThrow(() -> new CliException("invoke: no function serves " + event.getHttpMethod() + " " + resource));
        CompositionRoot services = CompositionRoot.build(Settings.from(s.environment()), AwsEnvironment.from(s.environment()),
                Clock.systemUTC(), requestLog);
        HandlerRoutes.ProxyHandler handler = HandlerRoutes.construct(route.handlerClass(), services);
        String requestId = event.getRequestContext() != null && event.getRequestContext().getRequestId() != null
                ? event.getRequestContext().getRequestId() : UUID.randomUUID().toString();
        APIGatewayProxyResponseEvent r = handler.handleRequest(event, new LocalContext(route.functionId(), requestId, requestLog));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("statusCode", r.getStatusCode());
        json.put("headers", r.getHeaders());
        if (r.getMultiValueHeaders() != null) {
            json.put("multiValueHeaders", r.getMultiValueHeaders());
        }
        json.put("body", r.getBody());
        json.put("isBase64Encoded", Boolean.TRUE.equals(r.getIsBase64Encoded()));
        out.println(JsonCodec.write(json));
        return 0;
    }

    private int status(List<String> argv) throws CliException {
        Args a = Args.parse("status", argv, Set.of(), Set.of("json"));
        noPositionals(a, "status");
        var running = stateFile.running();
        if (running.isEmpty()) {
            if (a.flag("json")) {
                out.println("{\"running\":false}");
            }
            err.println("bin/local: no local stack is running (start one with: bin/local serve)");
            return 1;
        }
        LocalState s = running.get();
        if (a.flag("json")) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("running", true);
            json.put("apiUrl", s.apiUrl());
            json.put("dynamodbEndpoint", s.dynamodbEndpoint());
            json.put("sesEndpoint", s.sesEndpoint());
            json.put("usersTable", s.usersTable());
            json.put("permissionsTable", s.permissionsTable());
            json.put("pid", s.pid());
            json.put("dataDir", s.dataDir());
            json.put("startedAt", s.startedAt());
            out.println(JsonCodec.write(json));
        } else {
            out.println("running: " + s.apiUrl() + " (pid " + s.pid() + ", since " + s.startedAt() + ")");
            out.println("  DynamoDB emulator: " + s.dynamodbEndpoint() + " (tables " + s.usersTable() + ", "
                    + s.permissionsTable() + (s.dataDir() == null ? ", in memory)" : ", data in " + s.dataDir() + ")"));
            out.println("  SES emulator:      " + s.sesEndpoint() + " (mail page " + s.sesEndpoint() + "/)");
        }
        return 0;
    }

    private int bench(List<String> argv) throws Exception {
        Benchmark.main(argv.toArray(String[]::new));
        return 0;
    }

    private static void noPositionals(Args a, String command) throws CliException {
        if (!a.positionals().isEmpty()) {
            throw CliException.usage(command + ": unexpected argument '" + a.positionals().get(0) + "'");
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }
}
