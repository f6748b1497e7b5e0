package dev.rcpat.aws;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.defaultsmode.DefaultsMode;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.ses.SesClient;

import java.net.URI;
import java.time.Duration;

/**
 * Builds the SDK clients, once per execution environment, with everything named that the SDK
 * would otherwise discover at cold start: region, credentials provider, HTTP client.
 * The URL-connection client is the JDK's own: no Apache or Netty on the class path.
 */
public final class AwsClients {

    private static final ProfileFile NO_PROFILE = ProfileFile.aggregator().build();

    private AwsClients() { }

    public static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static ClientOverrideConfiguration.Builder overrides(ExecutionInterceptor counter) {
        return ClientOverrideConfiguration.builder()
                // No ~/.aws/config or credentials file: region and credentials are explicit, and
                // the settings a profile could change are set below. Spares reading the files.
                .defaultProfileFileSupplier(() -> NO_PROFILE)
                .addExecutionInterceptor(counter)
                .apiCallAttemptTimeout(Duration.ofSeconds(3))
                .apiCallTimeout(Duration.ofSeconds(8));
    }

    public static DynamoDbClient dynamoDb(AwsEnvironment env, SdkHttpClient http, AwsCallCounter counter) {
        return build(DynamoDbClient.builder().endpointDiscoveryEnabled(false), env, http,
                overrides(counter.interceptorFor(AwsCallCounter.Service.DYNAMODB)).build(), env.dynamoDbEndpoint());
    }

    /**
     * SES with no retries: a timed-out SendEmail may still be delivered, and a retry would then send
     * a second mail (seen: 5 timed-out requests became 14 mails once SES recovered). One attempt,
     * and a failure is the caller's 503.
     */
    public static SesClient ses(AwsEnvironment env, SdkHttpClient http, AwsCallCounter counter) {
        RetryStrategy noRetries = DefaultRetryStrategy.doNotRetry();
        return build(SesClient.builder(), env, http,
                overrides(counter.interceptorFor(AwsCallCounter.Service.SES))
                        .retryStrategy(noRetries)
                        .apiCallAttemptTimeout(Duration.ofSeconds(5))
                        .apiCallTimeout(Duration.ofSeconds(5))
                        .build(),
                env.sesEndpoint());
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, AwsEnvironment env, SdkHttpClient http, ClientOverrideConfiguration overrides, URI endpoint) {
        builder.region(env.region())
                .defaultsMode(DefaultsMode.LEGACY)
                .dualstackEnabled(false)
                .fipsEnabled(false)
                .credentialsProvider(env.credentials())
                .httpClient(http)
                .overrideConfiguration(overrides);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }
}
