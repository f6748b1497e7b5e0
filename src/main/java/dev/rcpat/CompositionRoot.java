package dev.rcpat;

import dev.rcpat.auth.Authenticator;
import dev.rcpat.auth.RandomSource;
import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.aws.AwsClients;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.config.Settings;
import dev.rcpat.core.OutcomeWriter;
import dev.rcpat.domain.Permissions;
import dev.rcpat.http.Pipeline;
import dev.rcpat.http.Route;
import dev.rcpat.http.SessionBodies;
import dev.rcpat.http.TokenBodies;
import dev.rcpat.log.RequestLog;
import dev.rcpat.aws.Lazy;
import dev.rcpat.mail.Mail;
import dev.rcpat.mail.TokenNotifier;
import dev.rcpat.mail.ses.SesCodeMailer;
import dev.rcpat.mail.ses.SesRehearsal;
import dev.rcpat.mail.ses.SesTokenNotifier;
import dev.rcpat.session.Login;
import dev.rcpat.session.Logout;
import dev.rcpat.session.Me;
import dev.rcpat.session.SendEmailCode;
import dev.rcpat.store.UserLookups;
import dev.rcpat.ratelimit.RateLimitCounters;
import dev.rcpat.ratelimit.RateLimiter;
import dev.rcpat.ratelimit.dynamodb.DynamoDbRateLimitCounters;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.dynamodb.DynamoDbUserLookups;
import dev.rcpat.store.dynamodb.DynamoDbUserStore;
import dev.rcpat.tokens.GenerateToken;
import dev.rcpat.tokens.ListTokens;
import dev.rcpat.tokens.RegenerateToken;
import dev.rcpat.tokens.RemoveToken;
import dev.rcpat.tokens.TokenGenerator;
import dev.rcpat.twofactor.EmailCheck;
import dev.rcpat.twofactor.EmailCodes;
import dev.rcpat.twofactor.TotpCheck;
import dev.rcpat.twofactor.TotpCodes;
import dev.rcpat.twofactor.TwoFactorCheck;
import org.crac.Core;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * The composition root: the one place that builds the collaborators and declares the routes,
 * once per execution environment (under SnapStart, once before the snapshot). No container, no
 * reflection.
 */
public final class CompositionRoot {

    private final Settings settings;
    private final UserStore store;
    private final UserLookups lookups;
    private final RateLimitCounters rateLimitCounters;
    private final Mail mail;
    private final Clock clock;
    private final AwsCallCounter calls;
    private final RandomSource random;
    private final TokenGenerator tokens;
    private final TotpCodes totpCodes;
    private final Pipeline pipeline;
    /** Held here because CRaC holds registered resources weakly. */
    private Priming priming;

    /**
     * @param logLines where the log lines go (standard output on Lambda, where CloudWatch Logs takes
     *                 them and extracts the metrics)
     */
    public CompositionRoot(Settings settings, UserStore store, UserLookups lookups, RateLimitCounters rateLimitCounters,
                           Mail mail, Clock clock, Consumer<String> logLines, AwsCallCounter calls) {
        this.settings = settings;
        this.store = store;
        this.lookups = lookups;
        this.rateLimitCounters = rateLimitCounters;
        this.mail = mail;
        this.clock = clock;
        this.calls = calls;
        this.random = new RandomSource(new SecureRandom());
        this.tokens = new TokenGenerator(random);
        this.totpCodes = new TotpCodes();
        RequestLog log = new RequestLog(logLines, settings.metricsNamespace());
        Authenticator authenticator = new Authenticator(settings.loginExpirationDays());
        EmailCheck email = new EmailCheck(settings, store, mail.codes(), new EmailCodes(random));
        TwoFactorCheck twoFactor = new TwoFactorCheck(settings, store, new TotpCheck(settings, store, totpCodes), email);
        TokenNotifier notifier = settings.tokenNotificationsEnabled() ? mail.notices() : TokenNotifier.OFF;
        OutcomeWriter writer = new OutcomeWriter(store, authenticator, twoFactor, notifier, log);
        RateLimiter limiter = new RateLimiter(settings.rateLimiterEnabled(), settings.rateLimitCalls(),
                settings.rateLimitWindowMillis(), rateLimitCounters, calls, clock);
        this.pipeline = new Pipeline(routes(authenticator, twoFactor, email), store, limiter, authenticator, twoFactor,
                writer, clock, log, calls);
    }

    /** Every route the API serves. template.yaml attaches each to a function (TemplateTest keeps them equal). */
    private List<Route<?>> routes(Authenticator authenticator, TwoFactorCheck twoFactor, EmailCheck email) {
        String tokenPermission = Permissions.CREATE_PERSONAL_ACCESS_TOKENS;
        Route<Void> logout = Route.post("logout", null, false, Route.NO_BODY, new Logout()).withoutSuccessField();
        return List.of(
                Route.publicPost("login", SessionBodies::login,
                        new Login(settings, store, lookups, authenticator, twoFactor, tokens)),
                logout,
                logout.alsoOn("GET"),
                Route.get("me", null, false, new Me()),
                Route.publicPost("users.2fa.sendEmailCode", SessionBodies::emailOrUsername,
                        new SendEmailCode(store, lookups, email)),
                Route.post("users.generatePersonalAccessToken", tokenPermission, true,
                        TokenBodies::generate, new GenerateToken(tokens, settings)),
                Route.post("users.regeneratePersonalAccessToken", tokenPermission, true,
                        TokenBodies::named, new RegenerateToken(tokens, settings)),
                Route.post("users.removePersonalAccessToken", tokenPermission, true,
                        TokenBodies::named, new RemoveToken()),
                Route.get("users.getPersonalAccessTokens", tokenPermission, false, new ListTokens()));
    }

    /** What Lambda runs: configured from environment variables, with SnapStart priming registered. */
    public static CompositionRoot fromEnvironment() {
        CompositionRoot root = build(Settings.fromEnvironment(), AwsEnvironment.fromEnvironment(),
                Clock.systemUTC(), System.out::println);
        // SnapStart runs the priming before the snapshot and refreshes after each restore;
        // without CRaC (local runs, on-demand Lambda) registering does nothing.
        root.priming = new Priming(root);
        Core.getGlobalContext().register(root.priming);
        return root;
    }

    /** Real SDK clients against {@code aws}; used by Lambda, the local stack and the tests. */
    public static CompositionRoot build(Settings settings, AwsEnvironment aws, Clock clock, Consumer<String> logLines) {
        AwsCallCounter calls = new AwsCallCounter();
        SdkHttpClient http = AwsClients.httpClient();
        DynamoDbClient dynamo = AwsClients.dynamoDb(aws, http, calls);
        UserStore store = new DynamoDbUserStore(dynamo, settings.usersTable(), settings.permissionsTable());
        UserLookups lookups = new DynamoDbUserLookups(dynamo, settings.lookupsTable());
        RateLimitCounters counters = new DynamoDbRateLimitCounters(dynamo, settings.rateLimitTable());
        SesRehearsal rehearsal = new SesRehearsal();
        Lazy<SesClient> ses = new Lazy<>(() -> AwsClients.ses(aws, rehearsal.around(http), calls));
        SesCodeMailer codes = new SesCodeMailer(ses, settings.senderAddress());
        SesTokenNotifier notices = new SesTokenNotifier(ses, settings.senderAddress());
        Mail mail = new Mail(codes, notices, () -> rehearsal.rehearse(codes, notices, clock.millis()));
        return new CompositionRoot(settings, store, lookups, counters, mail, clock, logLines, calls);
    }

    public Settings settings() {
        return settings;
    }

    public UserStore store() {
        return store;
    }

    public UserLookups lookups() {
        return lookups;
    }

    public RateLimitCounters rateLimitCounters() {
        return rateLimitCounters;
    }

    public Mail mail() {
        return mail;
    }

    public Clock clock() {
        return clock;
    }

    /** The AWS calls of the current request, per thread. */
    public AwsCallCounter calls() {
        return calls;
    }

    /** The generator behind tokens and email codes (renewed after a SnapStart restore). */
    public RandomSource random() {
        return random;
    }

    public TokenGenerator tokens() {
        return tokens;
    }

    public TotpCodes totpCodes() {
        return totpCodes;
    }

    public Pipeline pipeline() {
        return pipeline;
    }
}
