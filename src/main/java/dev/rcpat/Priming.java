package dev.rcpat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.rcpat.auth.Passwords;
import dev.rcpat.auth.Secrets;
import dev.rcpat.domain.LastTokenPart;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;
import dev.rcpat.http.Pipeline;
import dev.rcpat.http.Route;
import dev.rcpat.json.JsonCodec;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserWrite;
import dev.rcpat.twofactor.EmailCodes;
import org.crac.Context;
import org.crac.Resource;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * SnapStart priming. Before the snapshot, runs the request paths once so the snapshot holds
 * their loaded, initialised and compiled classes: one request per route through the real
 * pipeline for a user that cannot exist (event parsing, hashing, the BatchGetItem round trip and,
 * beside it, the rate-limit count, the 401 rendering and the log line), a conditional UpdateItem
 * that cannot apply (write marshalling and the condition-failure path), and each module's own
 * warm-up (TOTP, bcrypt, a code mail and a token notice through the SES client, answered by the HTTP
 * client itself so that no mail leaves). No user or permission is written: the only write to the
 * users table is refused by its condition, and the rate-limit counters counted are those of
 * 127.0.0.1, an address API Gateway never reports, which their TTL deletes. After a restore, what
 * must differ between environments is renewed.
 */
public final class Priming implements Resource {

    /** Not a Rocket.Chat id (17 characters without '-'), so no user can have it. */
    static final String NO_SUCH_USER = "rcpat-snapstart-priming";
    static final String REQUEST_ID = "snapstart-priming";
    /**
     * Sending a mail runs signing, the HTTP exchange and XML parsing, whose loops the JIT compiles
     * only after many runs: rehearsed once, the first generate after a restore took about 100 ms
     * with its notice; rehearsed 20 times, about 60 ms (60 times: no better). Costs ~150 ms of priming.
     */
    static final int MAIL_REHEARSALS = 20;

    private final CompositionRoot root;
    private final Supplier<SecureRandom> freshRandom;

    public Priming(CompositionRoot root) {
        this(root, SecureRandom::new);
    }

    Priming(CompositionRoot root, Supplier<SecureRandom> freshRandom) {
        this.root = root;
        this.freshRandom = freshRandom;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Every restored environment starts from the same snapshot: a generator state in it
        // would give the same tokens and email codes everywhere. (HTTP connections need nothing: the JDK's
        // keep-alive cache never hands out one idle longer than its keep-alive time, 5 s.)
        root.random().reseed(freshRandom.get());
    }

    /** Runs the request paths once. Best effort: a failure here must not fail the snapshot. */
    public void prime() {
        String token = root.tokens().newToken();
        // The pipeline answers every outcome itself (here 401): it does not throw.
        for (Route<?> route : root.pipeline().routes()) {
            root.pipeline().rehearse(event(route, token));
        }
        try {
            StoredToken record = StoredToken.personalAccessToken("priming", Secrets.hashToken(token),
                    root.clock().millis(), LastTokenPart.of(token), false, null);
            root.store().apply(new UserWrite(NO_SUCH_USER)
                    .add(new UserWrite.AddPersonalAccessToken(record, User.MAX_PERSONAL_ACCESS_TOKENS)));
        } catch (ConditionFailedException expected) {
            // the user does not exist: nothing written
        } catch (StoreUnavailableException | RuntimeException e) {
            // DynamoDB unreachable at snapshot time: the first request will load these classes itself
        }
        try {
            warmUpInMemory();
        } catch (RuntimeException e) {
            // only a warm-up
        }
    }

    private void warmUpInMemory() {
        JsonCodec.write(Map.of("token", root.tokens().newToken(), "success", true));
        root.totpCodes().warmUp();
        EmailCodes.warmUp();
        Passwords.warmUp();
        for (int i = 0; i < MAIL_REHEARSALS; i++) {
            root.mail().warmUp().run(); // the SES client and a send of each mail, answered without SES
        }
    }

    /** A request on {@code route} with a well-formed body, a second factor and a token for no user. */
    private static APIGatewayProxyRequestEvent event(Route<?> route, String token) {
        Map<String, String> headers = new HashMap<>();
        headers.put(Pipeline.USER_ID_HEADER, NO_SUCH_USER);
        headers.put(Pipeline.AUTH_TOKEN_HEADER, token);
        headers.put("Content-Type", "application/json");
        headers.put(Pipeline.TWO_FACTOR_CODE_HEADER, "000000");
        headers.put(Pipeline.TWO_FACTOR_METHOD_HEADER, "totp");
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setSourceIp("127.0.0.1");
        identity.setUserAgent("rcpat-snapstart-priming");
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setIdentity(identity);
        context.setRequestId(REQUEST_ID);
        context.setHttpMethod(route.method());
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod(route.method())
                .withPath(route.path())
                .withResource(route.path())
                .withHeaders(headers)
                .withBody("{\"tokenName\":\"priming\",\"bypassTwoFactor\":false}")
                .withIsBase64Encoded(false)
                .withRequestContext(context);
    }
}
