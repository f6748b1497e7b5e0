package dev.rcpat.testing;

import dev.rcpat.CompositionRoot;
import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.aws.AwsClients;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.Permissions;
import dev.rcpat.local.Emulators;
import dev.rcpat.local.TemplateTables;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.store.UserStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The emulators and tables every integration test shares: started once per test JVM, on free
 * loopback ports, tables created from template.yaml; stopped by process id when the JVM exits.
 * With {@code rcpat.backend=localstack} (-Plocalstack), LocalStack in Docker stands in for both
 * emulators ({@link LocalStackBackend}). Tests isolate themselves by creating their own users (random ids).
 */
public final class TestStack {

    public static final Path PROJECT = Path.of(System.getProperty("user.dir"));
    private static final String SENDER_ADDRESS = "no-reply@rcpat.test";
    private static volatile TestStack instance;

    private final Emulators emulators;
    private final AwsEnvironment aws;
    private final SesMailbox mailbox;
    private final TemplateTables tables;
    private final DynamoDbClient dynamo;
    private final UserAdmin admin;

    private TestStack() throws IOException {
        if (LocalStackBackend.selected()) {
            LocalStackBackend localStack = LocalStackBackend.start(SENDER_ADDRESS);
            Runtime.getRuntime().addShutdownHook(new Thread(localStack::close));
            emulators = Emulators.running(localStack.endpoint(), localStack.endpoint());
            aws = localStack.aws();
            mailbox = SesMailbox.localStack(localStack.endpoint());
        } else {
            emulators = Emulators.start(PROJECT, null, PROJECT.resolve("target/emulator-logs"));
            Runtime.getRuntime().addShutdownHook(new Thread(emulators::close));
            aws = AwsEnvironment.emulators(emulators.dynamoDbEndpoint(), emulators.sesEndpoint());
            mailbox = new SesMailbox(emulators.sesEndpoint());
        }
        tables = TemplateTables.read(PROJECT.resolve("template.yaml"), "test");
        dynamo = AwsClients.dynamoDb(aws(), AwsClients.httpClient(), new AwsCallCounter());
        tables.createAll(dynamo);
        admin = UserAdmin.on(dynamo, tables);
        admin.setPermission(Permissions.CREATE_PERSONAL_ACCESS_TOKENS, List.of("admin", "user"));
    }

    public static TestStack get() {
        TestStack s = instance;
        if (s == null) {
            synchronized (TestStack.class) {
                s = instance;
                if (s == null) {
                    try {
                        s = instance = new TestStack();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return s;
    }

    public AwsEnvironment aws() {
        return aws;
    }

    public Emulators emulators() {
        return emulators;
    }

    public String usersTable() {
        return tables.tableName("UsersTable");
    }

    public TemplateTables tables() {
        return tables;
    }

    public String lookupsTable() {
        return tables.tableName("LookupsTable");
    }

    public String permissionsTable() {
        return tables.tableName("PermissionsTable");
    }

    public String rateLimitTable() {
        return tables.tableName("RateLimitTable");
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public UserAdmin admin() {
        return admin;
    }

    public SesMailbox mailbox() {
        return mailbox;
    }

    /** Creates a user; its TOTP secret and backup codes, if any, are registered as secrets. */
    public UserAdmin.Created createUser(UserAdmin.NewUser spec) {
        UserAdmin.Created user = admin.createUser(spec);
        if (user.totpSecret() != null) {
            LogCapture.secret(user.totpSecret());
            user.backupCodes().forEach(LogCapture::secret);
        }
        return user;
    }

    /** Creates a user and a login token for it, all secrets registered. */
    public Login login(UserAdmin.NewUser spec) {
        UserAdmin.Created user = createUser(spec);
        return new Login(user, LogCapture.secret(admin.createLoginToken(user.userId())));
    }

    /**
     * Environment variables as template.yaml would set them, plus {@code overrides}; but with the
     * rate limiter off unless an override turns it on. Most tests send many requests from one
     * address to one route and assert exact headers: they are not about the limiter, whose own
     * tests (and those of the AWS calls per request) set {@link #RATE_LIMITER_ON}.
     */
    public Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.putAll(tables.tableVariables());
        env.put(Settings.SENDER_ADDRESS, SENDER_ADDRESS);
        env.put(Settings.USERS_TABLE, usersTable());
        env.put(Settings.PERMISSIONS_TABLE, permissionsTable());
        env.put(Settings.RATE_LIMIT_TABLE, rateLimitTable());
        env.put(Settings.SENDER_ADDRESS, "no-reply@rcpat.test");
        env.put(Settings.API_ENABLE_RATE_LIMITER, "false");
        env.putAll(overrides);
        return env;
    }

    /** The override that runs the rate limiter as deployed (its default settings). */
    public static final Map<String, String> RATE_LIMITER_ON = Map.of(Settings.API_ENABLE_RATE_LIMITER, "true");

    /** CompositionRoot on real SDK clients against the emulators, logging into {@link LogCapture}. */
    public CompositionRoot services(Map<String, String> settingOverrides, Clock clock) {
        return CompositionRoot.build(Settings.from(environment(settingOverrides)), aws(), clock, LogCapture::record);
    }

    /** As {@link #services(Map, Clock)}, with the store wrapped (race tests make things happen between read and write). */
    public CompositionRoot services(Map<String, String> settingOverrides, Clock clock, UnaryOperator<UserStore> wrap) {
        CompositionRoot real = services(settingOverrides, clock);
        return new CompositionRoot(real.settings(), wrap.apply(real.store()), real.lookups(), real.rateLimitCounters(),
                real.mail(), clock, LogCapture::record, real.calls());
    }

    public CompositionRoot services() {
        return services(Map.of(), Clock.systemUTC());
    }
}
