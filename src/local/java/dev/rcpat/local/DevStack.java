package dev.rcpat.local;

import dev.rcpat.CompositionRoot;
import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.aws.AwsClients;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.config.Settings;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What {@code bin/local serve} runs: the emulators, the tables of template.yaml, the seeded
 * permission and demo user, and the local API calling the real handlers. Closing it stops all
 * of it (the HTTP server, both emulator processes) and removes the state file.
 */
public final class DevStack implements AutoCloseable {

    public static final String TABLE_PREFIX = "rcpat";
    public static final String LOCAL_SENDER = "no-reply@rcpat.local";
    /** The emulator ports {@code events/env.json} expects, used when free. */
    public static final int DEFAULT_DYNAMODB_PORT = 8000;
    public static final int DEFAULT_SES_PORT = 8005;

    /** {@code dynamoDbPort}/{@code sesPort}: -1 = the default if free, else any; 0 = any free port. */
    public record Options(Path projectDir, int port, Path dataDir, boolean seed, int dynamoDbPort, int sesPort,
                          StateFile stateFile, Map<String, String> processEnvironment) { }

    private final ProxyServer server;
    private final Emulators emulators;
    private final StateFile stateFile;
    private final LocalState state;
    private final HandlerRoutes routes;
    private final UserAdmin admin;

    private DevStack(ProxyServer server, Emulators emulators, StateFile stateFile, LocalState state,
                       HandlerRoutes routes, UserAdmin admin) {
        this.server = server;
        this.emulators = emulators;
        this.stateFile = stateFile;
        this.state = state;
        this.routes = routes;
        this.admin = admin;
    }

    public static DevStack start(Options o, Consumer<String> requestLog) throws CliException, IOException {
        var running = o.stateFile().running();
        if (running.isPresent()) {
            throw new CliException("a local stack is already running at " + running.get().apiUrl()
                    + " (pid " + running.get().pid() + "); stop it first (Ctrl-C where it runs)");
        }
        Path template = o.projectDir().resolve("template.yaml");
        TemplateTables tables = TemplateTables.read(template, TABLE_PREFIX);
        // Settings are validated before anything starts: a bad value is one clear line.
        Settings.from(environment(o.processEnvironment(), tables, null, null));

        ProxyServer server = ProxyServer.bind(o.port());
        Emulators emulators = null;
        try {
            emulators = Emulators.start(o.projectDir(), o.dataDir(), o.stateFile().path().getParent().resolve("logs"),
                    port(o.dynamoDbPort(), DEFAULT_DYNAMODB_PORT), port(o.sesPort(), DEFAULT_SES_PORT));
            AwsEnvironment aws = AwsEnvironment.emulators(emulators.dynamoDbEndpoint(), emulators.sesEndpoint());
            DynamoDbClient dynamo = AwsClients.dynamoDb(aws, AwsClients.httpClient(), new AwsCallCounter());
            tables.createAll(dynamo);
            UserAdmin admin = UserAdmin.on(dynamo, tables);
            if (o.seed()) {
                Demo.seed(admin);
            }
            Map<String, String> env = environment(o.processEnvironment(), tables,
                    emulators.dynamoDbEndpoint(), emulators.sesEndpoint());
            CompositionRoot services = CompositionRoot.build(Settings.from(env), AwsEnvironment.from(env), Clock.systemUTC(),
                    requestLog);
            HandlerRoutes routes = HandlerRoutes.bind(HandlerRoutes.declared(template), services);
            server.start(routes, requestLog);
            String apiUrl = "http://127.0.0.1:" + server.port();
            waitUntilAnswering(apiUrl);
            LocalState state = new LocalState(ProcessHandle.current().pid(), apiUrl,
                    emulators.dynamoDbEndpoint().toString(), emulators.sesEndpoint().toString(),
                    tables.tableName("UsersTable"), tables.tableName("PermissionsTable"), tables.tableName("LookupsTable"),
                    o.dataDir() == null ? null : o.dataDir().toAbsolutePath().toString(),
                    Instant.now().toString(), env);
            o.stateFile().write(state);
            return new DevStack(server, emulators, o.stateFile(), state, routes, admin);
        } catch (IOException | RuntimeException e) {
            server.close();
            if (emulators != null) {
                emulators.close();
            }
            throw e;
        }
    }

    /**
     * The environment the functions get, as template.yaml would set it on Lambda, pointed at the
     * emulators. Settings present in the caller's environment (e.g. {@code TWO_FACTOR_ENABLED=false
     * bin/local serve}) are passed on.
     */
    static Map<String, String> environment(Map<String, String> processEnv, TemplateTables tables, URI dynamoDb, URI ses) {
        Map<String, String> env = new TreeMap<>();
        for (String name : Settings.VARIABLES) {
            String v = processEnv.get(name);
            if (v != null) {
                env.put(name, v);
            }
        }
        env.putIfAbsent(Settings.SENDER_ADDRESS, LOCAL_SENDER);
        env.putAll(tables.tableVariables());
        env.put("AWS_REGION", "us-east-1");
        if (dynamoDb != null) {
            env.put(AwsEnvironment.DYNAMODB_ENDPOINT, dynamoDb.toString());
        }
        if (ses != null) {
            env.put(AwsEnvironment.SES_ENDPOINT, ses.toString());
        }
        return env;
    }

    private static int port(int requested, int preferred) {
        if (requested >= 0) {
            return requested;
        }
        try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
            return preferred;
        } catch (IOException taken) {
            return 0;
        }
    }

    private static void waitUntilAnswering(String apiUrl) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(apiUrl + "/api/v1/")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                http.send(probe, HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the local API did not answer at " + apiUrl, notYet);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    public LocalState state() {
        return state;
    }

    public String apiUrl() {
        return state.apiUrl();
    }

    /** The token page: {@code /} of the same server, so the page calls the API without CORS. */
    public String pageUrl() {
        return state.apiUrl() + "/";
    }

    public HandlerRoutes routes() {
        return routes;
    }

    public UserAdmin admin() {
        return admin;
    }

    public URI mailPage() {
        return emulators.sesEndpoint().resolve("/");
    }

    @Override
    public void close() {
        server.close();
        emulators.close();
        stateFile.removeIfOwnedBy(state);
    }
}
