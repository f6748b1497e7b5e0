package dev.rcpat.template;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.CompositionRoot;
import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.TestStack;
import dev.rcpat.web.PageHandler;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Least privilege, checked against what the code does: each function of template.yaml is driven
 * through its main cases (no credentials, no permission, success with a login token and with a
 * personal access token, unknown and existing names, malformed body, each second factor with no
 * and with a wrong code) against the emulators, while {@link AwsCallRecorder} records every AWS
 * operation and the table it names. The DynamoDB grants must equal the recorded calls, both ways.
 *
 * <p>SES: a function sends mail when it challenges for a second factor by email, and when it
 * changes a token of a user with a verified address (the token notice). Its SES grants must equal
 * the SES calls recorded, both ways, each on the sender identity only; a function that challenges
 * must hold the grant, whatever else it does.
 */
@ExtendWith(LogSecretScan.class)
class TemplatePoliciesIT {

    /** The SDK's service names (lower case) and their IAM action prefixes. */
    static final Map<String, String> IAM_PREFIX = Map.of("dynamodb", "dynamodb", "ses", "ses", "sesv2", "ses");

    final TestStack stack = TestStack.get();
    final SamTemplate template = SamTemplate.load();
    /** As deployed: the rate limiter on, so its calls are recorded too. */
    final CompositionRoot services = stack.services(TestStack.RATE_LIMITER_ON, Clock.systemUTC());
    /** For setting users up (tokens to regenerate or remove) without a second factor in the way. */
    final SamTemplate.Function generate = template.functions().stream()
            .filter(f -> f.path().equals("/api/v1/users.generatePersonalAccessToken")).findFirst().orElseThrow();
    final Handler setup = handler(generate, stack.services(Map.of(Settings.TWO_FACTOR_ENABLED, "false"), Clock.systemUTC()));

    interface Handler extends RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> { }

    /** The function's handler class, as Lambda would run it, wired to the local stack. */
    static Handler handler(SamTemplate.Function f, CompositionRoot services) {
        try {
            @SuppressWarnings("unchecked")
            RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler =
                    (RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>)
                            Class.forName(f.handlerClass()).getConstructor(CompositionRoot.class).newInstance(services);
            return handler::handleRequest;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(f.logicalId() + ": cannot construct its handler " + f.handlerClass() + ": " + e, e);
        }
    }

    @Test
    void tablesInTheTestStackHaveTheTemplatesKeySchemas() {
        template.cfn().resourcesOfType("AWS::DynamoDB::Table").forEach((id, props) -> {
            String name = stack.tables().tableName(id);
            TableDescription created = stack.dynamo().describeTable(b -> b.tableName(name)).table();
            assertEquals(props.get("KeySchema"), created.keySchema().stream()
                    .map(k -> Map.of("AttributeName", k.attributeName(), "KeyType", k.keyTypeAsString())).toList(), id);
            assertEquals(Set.copyOf((List<?>) props.get("AttributeDefinitions")), created.attributeDefinitions().stream()
                    .map(a -> Map.of("AttributeName", a.attributeName(), "AttributeType", a.attributeTypeAsString()))
                    .collect(Collectors.toSet()), id);
        });
    }

    @TestFactory
    Stream<DynamicTest> eachApiFunctionIsGrantedExactlyTheCallsItsCodeMakes() {
        return template.apiFunctions().stream().map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> check(f)));
    }

    /** The page's function is granted nothing, and serving the page and its files calls no AWS service. */
    @Test
    void thePageFunctionIsGrantedNothingAndCallsNothing() {
        SamTemplate.Function page = template.pageFunction();
        assertEquals(Set.of(), template.grants(page));
        PageHandler handler = new PageHandler();
        Set<AwsCallRecorder.Recorded> recorded = ConcurrentHashMap.newKeySet();
        for (String file : List.of("main.js", "api.js", "page.css", "icon.svg")) {
            APIGatewayProxyRequestEvent asset = Api.get("/assets/" + file, Map.of())
                    .withResource(PageHandler.ASSET_RESOURCE).withPathParameters(Map.of("file", file));
            assertEquals(200, AwsCallRecorder.recording(recorded, () -> handler.handleRequest(asset, null)).getStatusCode());
        }
        APIGatewayProxyRequestEvent root = Api.get("/", Map.of()).withResource(PageHandler.PAGE_RESOURCE);
        assertEquals(200, AwsCallRecorder.recording(recorded, () -> handler.handleRequest(root, null)).getStatusCode());
        assertEquals(Set.of(), recorded);
    }

    private void check(SamTemplate.Function f) {
        Handler handler = handler(f, services);
        String client = Api.uniqueSourceIp(); // this function's requests alone in their rate-limit windows
        Set<AwsCallRecorder.Recorded> recorded = ConcurrentHashMap.newKeySet();
        List<Integer> statuses = new ArrayList<>();
        Function<APIGatewayProxyRequestEvent, Api.Response> call = event -> {
            Api.Response r = AwsCallRecorder.recording(recorded, () -> Api.call(e -> handler.handleRequest(e, null), event));
            statuses.add(r.status());
            return r;
        };

        boolean mails = switch (f.path()) {
            case "/api/v1/login" -> logins(f, call, client);
            case "/api/v1/users.2fa.sendEmailCode" -> emailCodeRequests(f, call, client);
            default -> tokenRequests(f, call, client);
        };

        assertTrue(statuses.contains(200), f.logicalId() + " never succeeded, so the recording proves little: " + statuses);
        assertFalse(statuses.contains(429), f.logicalId() + " was rate-limited, so some cases were not run: " + statuses);

        Set<SamTemplate.Grant> called = new TreeSet<>(GRANT_ORDER);
        for (AwsCallRecorder.Recorded r : recorded) {
            called.add(asGrant(r));
        }
        Set<SamTemplate.Grant> granted = new TreeSet<>(GRANT_ORDER);
        granted.addAll(template.grants(f));

        Set<SamTemplate.Grant> calledWithoutSes = without("ses:", called);
        Set<SamTemplate.Grant> grantedWithoutSes = without("ses:", granted);
        assertEquals(grantedWithoutSes, calledWithoutSes, f.logicalId() + ": grants (expected) vs calls the code made (actual)");

        boolean challenges = mails;
        Set<String> sesGranted = only("ses:", granted).stream().map(SamTemplate.Grant::action).collect(Collectors.toSet());
        Set<String> sesCalled = only("ses:", called).stream().map(SamTemplate.Grant::action).collect(Collectors.toSet());
        assertEquals(sesGranted, sesCalled, f.logicalId() + ": ses grants (expected) vs ses calls the code made (actual)");
        if (challenges) {
            assertEquals(Set.of("ses:SendEmail"), sesGranted, f.logicalId() + " challenges by email: it must send the code");
        }
        for (SamTemplate.Grant g : only("ses:", granted)) {
            assertTrue(Set.of("ses-identity/SenderAddress", "ses-identity/SenderIdentity").contains(g.resource()), g.toString());
        }
        for (SamTemplate.Grant g : only("ses:", called)) {
            assertTrue(sesGranted.contains(g.action()), f.logicalId() + " calls " + g + " without the grant");
            assertEquals("ses-identity/SenderAddress", g.resource(), "mail sent from another address than SENDER_ADDRESS");
        }
    }

    static final java.util.Comparator<SamTemplate.Grant> GRANT_ORDER =
            java.util.Comparator.comparing(SamTemplate.Grant::action).thenComparing(SamTemplate.Grant::resource);

    private SamTemplate.Grant asGrant(AwsCallRecorder.Recorded r) {
        String prefix = IAM_PREFIX.get(r.service().toLowerCase(java.util.Locale.ROOT));
        assertTrue(prefix != null, "a call to a service this test does not map to IAM yet: " + r);
        String resource;
        if (stack.tables().logicalIdOf(r.resource()).isPresent()) {
            resource = "table/" + stack.tables().logicalIdOf(r.resource()).get();
        } else if (prefix.equals("ses") && r.resource().equals(services.settings().senderAddress())) {
            resource = "ses-identity/SenderAddress";
        } else {
            resource = r.resource();
        }
        return new SamTemplate.Grant(prefix + ":" + r.operation(), resource);
    }

    private static Set<SamTemplate.Grant> only(String prefix, Set<SamTemplate.Grant> grants) {
        Set<SamTemplate.Grant> out = new TreeSet<>(GRANT_ORDER);
        grants.stream().filter(g -> g.action().startsWith(prefix)).forEach(out::add);
        return out;
    }

    private static Set<SamTemplate.Grant> without(String prefix, Set<SamTemplate.Grant> grants) {
        Set<SamTemplate.Grant> out = new TreeSet<>(GRANT_ORDER);
        grants.stream().filter(g -> !g.action().startsWith(prefix)).forEach(out::add);
        return out;
    }

    /** Requests with credentials, as every function but login and sendEmailCode takes them; whether any mailed a code. */
    private boolean tokenRequests(SamTemplate.Function f, Function<APIGatewayProxyRequestEvent, Api.Response> call,
                                  String client) {
        // No credentials; no permission.
        call.apply(event(f, client, Map.of("Content-Type", "application/json"), "{\"tokenName\":\"existing\"}"));
        Account guest = account(UserAdmin.NewUser.named("guest-" + UserAdmin.newUserId()).roles("guest"));
        call.apply(event(f, client, guest.login(), "{\"tokenName\":\"existing\"}"));
        // A user the rate limiter does not limit: its count is taken back.
        Account admin = account(UserAdmin.NewUser.named("admin-" + UserAdmin.newUserId()).roles("admin"));
        call.apply(event(f, client, admin.login(), "{\"tokenName\":\"other\",\"bypassTwoFactor\":true}"));

        // A user with no second factor: by personal access token, then by login token, a new and
        // an existing name, and a malformed body.
        // Its verified address gets a notice of each token change (logging out with the token removes it).
        Account plain = account(UserAdmin.NewUser.named("plain-" + UserAdmin.newUserId())
                .email("plain-" + UserAdmin.newUserId().toLowerCase() + "@rcpat.test", true));
        call.apply(event(f, client, Api.auth(plain.userId(), plain.pat()), "{\"tokenName\":\"new-name\",\"bypassTwoFactor\":true}"));
        call.apply(event(f, client, plain.login(), "{\"tokenName\":\"existing\",\"bypassTwoFactor\":true}"));
        call.apply(event(f, client, plain.login(), "{\"tokenName\":"));

        // Each second factor, without a code and with a wrong one.
        Account email = account(UserAdmin.NewUser.named("email-" + UserAdmin.newUserId())
                .email("email-2fa-" + UserAdmin.newUserId().toLowerCase() + "@rcpat.test", true).withEmail2fa());
        int emailChallenge = call.apply(event(f, client, email.login(), "{\"tokenName\":\"existing\"}")).status();
        call.apply(event(f, client, withCode(email.login(), "email", "000000"), "{\"tokenName\":\"existing\"}"));
        Account totp = account(UserAdmin.NewUser.named("totp-" + UserAdmin.newUserId()).withTotp());
        call.apply(event(f, client, totp.login(), "{\"tokenName\":\"existing\"}"));
        call.apply(event(f, client, withCode(totp.login(), "totp", "000000"), "{\"tokenName\":\"existing\"}"));
        String password = LogCapture.secret("pw-" + UserAdmin.newUserId());
        Account withPassword = account(UserAdmin.NewUser.named("password-" + UserAdmin.newUserId()).password(password));
        call.apply(event(f, client, withCode(withPassword.login(), "password", LogCapture.secret(Secrets.sha256Hex(password))),
                "{\"tokenName\":\"existing\"}"));
        return emailChallenge != 200;
    }

    /** Logins that fail (unknown user, wrong password), succeed, resume, and mail an email code. */
    private boolean logins(SamTemplate.Function f, Function<APIGatewayProxyRequestEvent, Api.Response> call,
                           String client) {
        String password = LogCapture.secret("pw-" + UserAdmin.newUserId());
        String username = "login-" + UserAdmin.newUserId();
        stack.createUser(UserAdmin.NewUser.named(username).password(password));
        Map<String, String> json = Map.of("Content-Type", "application/json");
        call.apply(event(f, client, json, "{\"user\":\"nobody-" + UserAdmin.newUserId() + "\",\"password\":\"x\"}"));
        call.apply(event(f, client, json, "{\"user\":\"" + username + "\",\"password\":\"wrong\"}"));
        String token = call.apply(event(f, client, json, "{\"user\":\"" + username + "\",\"password\":\"" + password + "\"}"))
                .body().path("data").path("authToken").asText();
        call.apply(event(f, client, json, "{\"resume\":\"" + LogCapture.secret(token) + "\"}"));
        String mailed = "login-mail-" + UserAdmin.newUserId();
        stack.createUser(UserAdmin.NewUser.named(mailed).password(password)
                .email(mailed + "@rcpat.test", true).withEmail2fa());
        return call.apply(event(f, client, json, "{\"user\":\"" + mailed + "\",\"password\":\"" + password + "\"}"))
                .status() == 401;
    }

    /** A code asked for a user with email two-factor, and for nobody. */
    private boolean emailCodeRequests(SamTemplate.Function f, Function<APIGatewayProxyRequestEvent, Api.Response> call,
                                      String client) {
        String mailed = "code-" + UserAdmin.newUserId();
        stack.createUser(UserAdmin.NewUser.named(mailed).email(mailed + "@rcpat.test", true).withEmail2fa());
        Map<String, String> json = Map.of("Content-Type", "application/json");
        call.apply(event(f, client, json, "{\"emailOrUsername\":\"nobody-" + UserAdmin.newUserId() + "\"}"));
        call.apply(event(f, client, json, "{\"emailOrUsername\":\"" + mailed + "\"}"));
        return true;
    }

    record Account(String userId, String loginToken, String pat) {
        Map<String, String> login() {
            return Api.auth(userId, loginToken);
        }
    }

    private Account account(UserAdmin.NewUser spec) {
        Login login = stack.login(spec);
        Api.Response made = Api.call(e -> setup.handleRequest(e, null), Api.post(generate.path(),
                login.headers(), "{\"tokenName\":\"existing\",\"bypassTwoFactor\":true}"));
        return new Account(login.userId(), login.token(), made.status() == 200 ? made.token() : null);
    }

    private static Map<String, String> withCode(Map<String, String> headers, String method, String code) {
        Map<String, String> h = new HashMap<>(headers);
        h.put("x-2fa-method", method);
        h.put("x-2fa-code", code);
        return h;
    }

    private static APIGatewayProxyRequestEvent event(SamTemplate.Function f, String sourceIp, Map<String, String> headers,
                                                     String body) {
        return f.httpMethod().equals("GET") ? Api.get(f.path(), headers, sourceIp) : Api.post(f.path(), headers, body, sourceIp);
    }
}
