package dev.rcpat.aws;

import dev.rcpat.pipeline.AwsCallCounter;
import software.amazon.awssdk.awscore.defaultsmode.DefaultsMode;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ses.SesClient;

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
        var builder = DynamoDbClient.builder()
                .region(env.region())
                .defaultsMode(DefaultsMode.LEGACY)
                .dualstackEnabled(false)
                .fipsEnabled(false)
                .endpointDiscoveryEnabled(false)
                .credentialsProvider(env.credentials())
                .httpClient(http)
                .overrideConfiguration(overrides(AwsCallCounter.dynamoDb()));
        if (env.dynamoDbEndpoint() != null) {
            builder.endpointOverride(env.dynamoDbEndpoint());
        }
        return builder.build();
    }

    public static SesClient ses(AwsEnvironment env, SdkHttpClient http) {
        var builder = SesClient.builder()
                .region(env.region())
                .defaultsMode(DefaultsMode.LEGACY)
                .dualstackEnabled(false)
                .fipsEnabled(false)
                .credentialsProvider(env.credentials())
                .httpClient(http)
                .overrideConfiguration(overrides(AwsCallCounter.ses()));
        if (env.sesEndpoint() != null) {
            builder.endpointOverride(env.sesEndpoint());
        }
        return builder.build();
    }
}
