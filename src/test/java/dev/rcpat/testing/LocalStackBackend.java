package dev.rcpat.testing;

import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.aws.AwsClients;
import dev.rcpat.aws.AwsEnvironment;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ses.SesClient;

import java.net.URI;

/**
 * DynamoDB and SES for the integration tests from LocalStack in Docker, in place of dynalite and
 * aws-ses-v2-local: chosen by {@code -Plocalstack}, which sets {@code rcpat.backend=localstack}.
 */
public final class LocalStackBackend implements AutoCloseable {

    public static final String BACKEND_PROPERTY = "rcpat.backend";
    /** Pinned: later images need a LocalStack account (auth token); the README names this tag. */
    static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4.0");
    static final String NO_DOCKER = "-Plocalstack needs a Docker engine; none answers here (DOCKER_HOST/unix socket)."
            + " The default build uses dynalite and aws-ses-v2-local.";

    private final LocalStackContainer container;

    private LocalStackBackend(LocalStackContainer container) {
        this.container = container;
    }

    public static boolean selected() {
        return "localstack".equals(System.getProperty(BACKEND_PROPERTY));
    }

    /** Starts LocalStack and verifies {@code senderAddress}: LocalStack's SES refuses mail from an unverified one. */
    public static LocalStackBackend start(String senderAddress) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException(NO_DOCKER);
        }
        LocalStackContainer container = new LocalStackContainer(IMAGE)
                .withServices(LocalStackContainer.Service.DYNAMODB, LocalStackContainer.Service.SES);
        container.start();
        LocalStackBackend backend = new LocalStackBackend(container);
        try (SdkHttpClient http = AwsClients.httpClient();
             SesClient ses = AwsClients.ses(backend.aws(), http, new AwsCallCounter())) {
            ses.verifyEmailIdentity(r -> r.emailAddress(senderAddress));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        return backend;
    }

    /** LocalStack's one endpoint, for both services. */
    public URI endpoint() {
        return container.getEndpoint();
    }

    public AwsEnvironment aws() {
        return new AwsEnvironment(Region.of(container.getRegion()), endpoint(), endpoint(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(container.getAccessKey(), container.getSecretKey())));
    }

    @Override
    public void close() {
        container.stop();
    }

    /**
     * The build's check before the tests under -Plocalstack (pom.xml): prints {@code available}
     * when a Docker engine answers, else the one line the build stops with.
     */
    public static void main(String[] args) {
        System.out.println(DockerClientFactory.instance().isDockerAvailable() ? "available" : NO_DOCKER);
        // Testcontainers may leave client threads behind; this JVM has nothing else to wait for.
        System.exit(0);
    }
}
