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
 * Tests isolate themselves by creating their own users (random ids).
 */
public final class TestStack {

    public static final Path PROJECT = Path.of(System.getProperty("user.dir"));
    private static volatile TestStack instance;

    private final Emulators emulators;
    private final TemplateTables tables;
    private final DynamoDbClient dynamo;
    private final UserAdmin admin;
    private final SesMailbox mailbox;

    private TestStack() throws IOException {
        emulators = Emulators.start(PROJECT, null, PROJECT.resolve("target/emulator-logs"));
        Runtime.getRuntime().addShutdownHook(new Thread(emulators::close));
        tables = TemplateTables.read(PROJECT.resolve("template.yaml"), "test");
        dynamo = AwsClients.dynamoDb(aws(), AwsClients.httpClient(), new AwsCallCounter());
        tables.createAll(dynamo);
        admin = new UserAdmin(dynamo, usersTable(), permissionsTable());
        admin.setPermission(Permissions.CREATE_PERSONAL_ACCESS_TOKENS, List.of("admin", "user"));
        mailbox = new SesMailbox(emulators.sesEndpoint());
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
        return AwsEnvironment.emulators(emulators.dynamoDbEndpoint(), emulators.sesEndpoint());
    }

    public Emulators emulators() {
        return emulators;
    }

    public String usersTable() {
        return tables.tableName("UsersTable");
    }

    public String permissionsTable() {
        return tables.tableName("PermissionsTable");
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

    /** Environment variables as template.yaml would set them, plus {@code overrides}. */
    public Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put(Settings.USERS_TABLE, usersTable());
        env.put(Settings.PERMISSIONS_TABLE, permissionsTable());
        env.put(Settings.SENDER_ADDRESS, "no-reply@rcpat.test");
        env.putAll(overrides);
        return env;
    }

    /** CompositionRoot on real SDK clients against the emulators, logging into {@link LogCapture}. */
    public CompositionRoot services(Map<String, String> settingOverrides, Clock clock) {
        return CompositionRoot.build(Settings.from(environment(settingOverrides)), aws(), clock, LogCapture::record);
    }

    /** As {@link #services(Map, Clock)}, with the store wrapped (race tests make things happen between read and write). */
    public CompositionRoot services(Map<String, String> settingOverrides, Clock clock, UnaryOperator<UserStore> wrap) {
        CompositionRoot real = services(settingOverrides, clock);
        return new CompositionRoot(real.settings(), wrap.apply(real.store()), real.mail(), clock,
                LogCapture::record, real.calls());
    }

    public CompositionRoot services() {
        return services(Map.of(), Clock.systemUTC());
    }
}
