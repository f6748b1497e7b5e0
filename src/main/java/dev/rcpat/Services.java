package dev.rcpat;

import dev.rcpat.auth.RandomSource;
import dev.rcpat.aws.AwsClients;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.config.Settings;
import dev.rcpat.mail.CodeMailer;
import dev.rcpat.mail.LazyCodeMailer;
import dev.rcpat.mail.SesCodeMailer;
import dev.rcpat.pipeline.Pipeline;
import dev.rcpat.pipeline.RequestLog;
import dev.rcpat.store.DynamoDbUserStore;
import dev.rcpat.store.UserStore;
import dev.rcpat.tokens.TokenGenerator;
import dev.rcpat.twofactor.TwoFactorCheck;
import org.crac.Core;
import software.amazon.awssdk.http.SdkHttpClient;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * The composition root: everything a function needs, built once per execution environment
 * (and, under SnapStart, once before the snapshot). No container, no reflection.
 */
public final class Services {

    private static volatile Services fromEnvironment;

    private final Settings settings;
    private final UserStore store;
    private final CodeMailer mailer;
    private final Clock clock;
    private final RequestLog log;
    private final RandomSource random;
    private final TokenGenerator tokens;
    private final Pipeline pipeline;
    /** Held here because CRaC holds registered resources weakly. */
    private Priming priming;

    public Services(Settings settings, UserStore store, CodeMailer mailer, Clock clock, RequestLog log) {
        this.settings = settings;
        this.store = store;
        this.mailer = mailer;
        this.clock = clock;
        this.log = log;
        this.random = new RandomSource(new SecureRandom());
        this.tokens = new TokenGenerator(random);
        this.pipeline = new Pipeline(settings, store, new TwoFactorCheck(settings, mailer, random), clock, log);
    }

    /** The process-wide instance configured from environment variables (what Lambda runs). */
    public static Services fromEnvironment() {
        Services s = fromEnvironment;
        if (s == null) {
            synchronized (Services.class) {
                s = fromEnvironment;
                if (s == null) {
                    s = build(Settings.fromEnvironment(), AwsEnvironment.fromEnvironment(),
                            Clock.systemUTC(), RequestLog.toStandardOut());
                    // SnapStart runs the priming before the snapshot and refreshes after each restore;
                    // without CRaC (local runs, on-demand Lambda) registering does nothing.
                    s.priming = new Priming(s);
                    Core.getGlobalContext().register(s.priming);
                    fromEnvironment = s;
                }
            }
        }
        return s;
    }

    /** Real SDK clients against {@code aws}; used by Lambda, the local stack and the tests. */
    public static Services build(Settings settings, AwsEnvironment aws, Clock clock, RequestLog log) {
        SdkHttpClient http = AwsClients.httpClient();
        UserStore store = new DynamoDbUserStore(AwsClients.dynamoDb(aws, http),
                settings.usersTable(), settings.permissionsTable());
        CodeMailer mailer = new LazyCodeMailer(() -> new SesCodeMailer(AwsClients.ses(aws, http), settings.senderAddress()));
        return new Services(settings, store, mailer, clock, log);
    }

    public Settings settings() {
        return settings;
    }

    public UserStore store() {
        return store;
    }

    public CodeMailer mailer() {
        return mailer;
    }

    public Clock clock() {
        return clock;
    }

    public RequestLog log() {
        return log;
    }

    /** The generator behind tokens and email codes (renewed after a SnapStart restore). */
    public RandomSource random() {
        return random;
    }

    public TokenGenerator tokens() {
        return tokens;
    }

    public Pipeline pipeline() {
        return pipeline;
    }
}
