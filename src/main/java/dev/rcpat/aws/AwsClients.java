package dev.rcpat.aws;

import dev.rcpat.pipeline.AwsCallCounter;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.defaultsmode.DefaultsMode;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
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

    private static ClientOverrideConfiguration overrides(AwsCallCounter counter) {
        return ClientOverrideConfiguration.builder()
                // No ~/.aws/config or credentials file: region and credentials are explicit, and
                // the settings a profile could change are set below. Spares reading the files.
                .defaultProfileFileSupplier(() -> NO_PROFILE)
                .addExecutionInterceptor(counter)
                .apiCallAttemptTimeout(Duration.ofSeconds(3))
                .apiCallTimeout(Duration.ofSeconds(8))
                .build();
    }

    public static DynamoDbClient dynamoDb(AwsEnvironment env, SdkHttpClient http) {
        return build(DynamoDbClient.builder().endpointDiscoveryEnabled(false),
                env, http, AwsCallCounter.dynamoDb(), env.dynamoDbEndpoint());
    }

    public static SesClient ses(AwsEnvironment env, SdkHttpClient http) {
        return build(SesClient.builder(), env, http, AwsCallCounter.ses(), env.sesEndpoint());
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, AwsEnvironment env, SdkHttpClient http, AwsCallCounter counter, URI endpoint) {
        builder.region(env.region())
                .defaultsMode(DefaultsMode.LEGACY)
                .dualstackEnabled(false)
                .fipsEnabled(false)
                .credentialsProvider(env.credentials())
                .httpClient(http)
                .overrideConfiguration(overrides(counter));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }
}
