package dev.rcpat.template;

import dev.rcpat.CompositionRoot;
import dev.rcpat.aws.AwsEnvironment;
import dev.rcpat.config.Settings;
import dev.rcpat.local.Emulators;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.EmfDocument;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.TestStack;
import dev.rcpat.testing.TokenEndpoints;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.rcpat.testing.Api.auth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics as CloudWatch would extract them from real requests' log lines: a generate, a wrong
 * TOTP code and a 503 (DynamoDB unreachable) go through the handler against the emulators; their
 * request lines must be valid embedded metric format documents in the namespace the template
 * gives (its default), and must feed the very metrics, under the very dimensions, that
 * template.yaml's alarms and dashboard watch.
 */
@ExtendWith(LogSecretScan.class)
class MetricsIT {

    static final String GENERATE = "users.generatePersonalAccessToken";

    final TestStack stack = TestStack.get();
    final SamTemplate template = SamTemplate.load();
    final MutableClock clock = MutableClock.midStep();

    /** A metric as CloudWatch identifies it: name and dimensions (namespace apart). */
    record Identity(String metricName, Map<String, String> dimensions) { }

    static Identity id(String name, Map<String, String> dimensions) {
        return new Identity(name, dimensions);
    }

    /** The request line of the user's last request. */
    static String lastRequestLine(String userId) {
        List<String> lines = LogCapture.lines().stream()
                .filter(l -> l.startsWith("{\"log\":\"request\"") && l.contains("\"" + userId + "\"")).toList();
        return lines.get(lines.size() - 1);
    }

    @Test
    void aGenerateAWrongTotpCodeAndA503FeedTheMetricsTheAlarmsAndTheDashboardWatch() throws Exception {
        String namespace = (String) ((Map<?, ?>) ((Map<?, ?>) template.document().get("Parameters"))
                .get("MetricsNamespace")).get("Default");
        TokenEndpoints api = new TokenEndpoints(stack.services(Map.of(), clock));

        Login plain = stack.login(UserAdmin.NewUser.named("metrics-" + UserAdmin.newUserId()));
        assertEquals(200, api.generate(auth(plain.userId(), plain.token()), "{\"tokenName\":\"measured\"}").status());
        String generated = lastRequestLine(plain.userId());

        Login totp = stack.login(UserAdmin.NewUser.named("metrics-totp-" + UserAdmin.newUserId()).withTotp());
        String right = new DefaultCodeGenerator().generate(totp.totpSecret(), Math.floorDiv(clock.millis(), 30_000L));
        String wrong = LogCapture.secret(String.format("%06d", (Integer.parseInt(right) + 1) % 1_000_000));
        Map<String, String> headers = auth(totp.userId(), totp.token());
        headers.put("x-2fa-method", "totp");
        headers.put("x-2fa-code", wrong);
        Api.Response refused = api.generate(headers, "{\"tokenName\":\"guessed\"}");
        assertEquals("totp-invalid", refused.body().path("errorType").asText(), refused.raw());
        String wrongCode = lastRequestLine(totp.userId());

        URI closed = URI.create("http://127.0.0.1:" + Emulators.freePort());
        CompositionRoot storeDown = CompositionRoot.build(Settings.from(stack.environment(Map.of())),
                AwsEnvironment.emulators(closed, stack.emulators().sesEndpoint()), clock, LogCapture::record);
        String requestId = "metrics-503-" + UserAdmin.newUserId();
        var event = Api.post(TokenEndpoints.GENERATE, auth(plain.userId(), plain.token()), "{\"tokenName\":\"down\"}");
        event.getRequestContext().setRequestId(requestId);
        assertEquals(503, Api.call(e -> new TokenEndpoints(storeDown).services.pipeline().handle(e), event).status());
        String unavailable = LogCapture.lines().stream().filter(l -> l.contains("\"" + requestId + "\"")).findFirst()
                .orElseThrow();

        Set<Identity> emitted = new HashSet<>();
        for (String line : List.of(generated, wrongCode, unavailable)) {
            for (EmfDocument.DataPoint p : EmfDocument.dataPoints(line)) {
                assertEquals(namespace, p.namespace(), "the namespace is the template's MetricsNamespace default");
                emitted.add(id(p.metricName(), p.dimensions()));
            }
        }

        Set<Identity> watched = new HashSet<>();
        List<TemplateMetrics.Watched> all = new ArrayList<>(TemplateMetrics.alarms(template));
        all.addAll(TemplateMetrics.dashboard(template));
        all.stream().filter(w -> w.namespace().equals(TemplateMetrics.OWN))
                .forEach(w -> watched.add(id(w.metricName(), w.dimensions())));

        // What these three requests must feed, each watched by an alarm or the dashboard.
        Set<Identity> expected = Set.of(
                id("Requests", Map.of()),                                            // 5xx rate alarm
                id("ServerErrors", Map.of()),                                        // 5xx rate alarm
                id("Latency", Map.of()),                                             // p99 alarm
                id("TwoFactorFailures", Map.of()),                                   // two-factor alarm
                id("Requests", Map.of("route", GENERATE)),
                id("Requests", Map.of("route", GENERATE, "statusClass", "4xx")),
                id("Requests", Map.of("route", GENERATE, "statusClass", "5xx")),
                id("Latency", Map.of("route", GENERATE)),
                id("TwoFactorFailures", Map.of("twoFactorMethod", "totp")),
                id("DependencyFailures", Map.of("dependency", "dynamodb")),
                id("TokensCreated", Map.of()));
        assertEquals(Set.of(), difference(expected, watched), "watched by neither alarm nor dashboard");
        assertEquals(Set.of(), difference(expected, emitted), "not emitted by the three requests");
        assertTrue(emitted.contains(id("Requests", Map.of("route", GENERATE, "statusClass", "2xx"))));
        assertEquals(Set.of(), emitted.stream().filter(i -> i.dimensions().containsValue(plain.userId()))
                .collect(Collectors.toSet()), "a user id is never a dimension");
    }

    /** A refusal after a passed second factor (a taken name) keeps the method in the line, and counts no two-factor metric. */
    @Test
    void aSecondFactorPassedBeforeARefusalStaysInTheLine() {
        String password = LogCapture.secret("metrics pw " + UserAdmin.newUserId());
        Login user = stack.login(UserAdmin.NewUser.named("metrics-pw-" + UserAdmin.newUserId()).password(password));
        TokenEndpoints api = new TokenEndpoints(stack.services(Map.of(Settings.REMEMBER_FOR_SECONDS, "0"), clock));
        Map<String, String> headers = auth(user.userId(), user.token());
        headers.put("x-2fa-method", "password");
        headers.put("x-2fa-code", LogCapture.secret(dev.rcpat.auth.Secrets.sha256Hex(password)));
        assertEquals(200, api.generate(headers, "{\"tokenName\":\"taken\"}").status());
        assertEquals(400, api.generate(headers, "{\"tokenName\":\"taken\"}").status());
        String line = lastRequestLine(user.userId());
        assertEquals("error-token-already-exists", Api.json(line).get("errorType").asText());
        assertEquals("password", Api.json(line).get("twoFactorMethod").asText());
        assertTrue(EmfDocument.dataPoints(line).stream().noneMatch(p -> p.metricName().startsWith("TwoFactor")), line);
    }

    static Set<Identity> difference(Set<Identity> a, Set<Identity> b) {
        Set<Identity> out = new TreeSet<>((x, y) -> x.toString().compareTo(y.toString()));
        a.stream().filter(i -> !b.contains(i)).forEach(out::add);
        return out;
    }
}
