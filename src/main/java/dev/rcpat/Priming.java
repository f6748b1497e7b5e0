package dev.rcpat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.rcpat.api.ApiError;
import dev.rcpat.api.ApiRequest;
import dev.rcpat.api.JsonCodec;
import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.mail.LazyCodeMailer;
import dev.rcpat.pipeline.Pipeline;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserWrite;
import dev.rcpat.tokens.GenerateToken;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;
import org.crac.Context;
import org.crac.Resource;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * SnapStart priming. Before the snapshot, runs the request paths once so the snapshot holds
 * their loaded, initialised and compiled classes: a generate request through the real pipeline
 * for a user that cannot exist (event parsing, hashing, the BatchGetItem round trip, the 401
 * rendering and the log line), a conditional UpdateItem that cannot apply (write marshalling and
 * the condition-failure path), and in memory the JSON body parsing, token generation, response
 * rendering, TOTP and bcrypt. Nothing is written that stays: the only write is refused by its
 * condition. After a restore, what must differ between environments is renewed.
 */
public final class Priming implements Resource {

    /** Not a Rocket.Chat id (17 characters without '-'), so no user can have it. */
    static final String NO_SUCH_USER = "rcpat-snapstart-priming";
    static final String REQUEST_ID = "snapstart-priming";

    private final Services services;
    private final Supplier<SecureRandom> freshRandom;

    public Priming(Services services) {
        this(services, SecureRandom::new);
    }

    Priming(Services services, Supplier<SecureRandom> freshRandom) {
        this.services = services;
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
        services.random().reseed(freshRandom.get());
    }

    /** Runs the request paths once. Best effort: a failure here must not fail the snapshot. */
    public void prime() {
        String token = services.tokens().newToken();
        String body = "{\"tokenName\":\"priming\",\"bypassTwoFactor\":false}";
        APIGatewayProxyRequestEvent event = event(token, body);
        // The pipeline answers every outcome itself (here 401): it does not throw.
        services.pipeline().handle(new GenerateToken(services.tokens()).route(), event);
        try {
            StoredToken record = StoredToken.personalAccessToken("priming", Secrets.hashToken(token),
                    services.clock().millis(), token.substring(token.length() - 6), false, null);
            services.store().apply(new UserWrite(NO_SUCH_USER)
                    .add(new UserWrite.AddPersonalAccessToken(record, Settings.MAX_PERSONAL_ACCESS_TOKENS)));
        } catch (ConditionFailedException expected) {
            // the user does not exist: nothing written
        } catch (StoreUnavailableException | RuntimeException e) {
            // DynamoDB unreachable at snapshot time: the first request will load these classes itself
        }
        try {
            primeInMemory(event);
        } catch (ApiError | RuntimeException e) {
            // only a warm-up
        }
    }

    private void primeInMemory(APIGatewayProxyRequestEvent event) throws ApiError {
        new ApiRequest(event).bodyObject();
        Map<String, Object> success = new LinkedHashMap<>();
        success.put("token", services.tokens().newToken());
        success.put("success", true);
        JsonCodec.write(success);
        Secrets.sha256Hex("priming");
        Secrets.constantTimeEquals(Secrets.hashToken("a"), Secrets.hashToken("b"));

        // TOTP: the generator call the two-factor check makes for each step of its window.
        try {
            new DefaultCodeGenerator(HashingAlgorithm.SHA1, 6).generate("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1);
        } catch (CodeGenerationException e) {
            // only a warm-up
        }

        // bcrypt (password fallback, email codes), at the lowest cost: the same classes and loop.
        byte[] password = Secrets.sha256Hex("priming").getBytes(StandardCharsets.UTF_8);
        byte[] hash = BCrypt.withDefaults().hash(4, password);
        BCrypt.verifyer().verify(password, hash);

        if (services.mailer() instanceof LazyCodeMailer lazy) {
            lazy.build(); // the SES client, without sending anything
        }
    }

    private static APIGatewayProxyRequestEvent event(String token, String body) {
        Map<String, String> headers = new HashMap<>();
        headers.put(Pipeline.USER_ID_HEADER, NO_SUCH_USER);
        headers.put(Pipeline.AUTH_TOKEN_HEADER, token);
        headers.put("Content-Type", "application/json");
        headers.put("x-2fa-code", "000000");
        headers.put("x-2fa-method", "totp");
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setSourceIp("127.0.0.1");
        identity.setUserAgent("rcpat-snapstart-priming");
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setIdentity(identity);
        context.setRequestId(REQUEST_ID);
        context.setHttpMethod("POST");
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST")
                .withPath("/api/v1/users.generatePersonalAccessToken")
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(context);
    }
}
