package dev.rcpat.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.util.Map;

/**
 * Where the AWS services are and who calls them. On Lambda: the function's region and the role
 * credentials the runtime puts in the environment (the cheapest provider to resolve). Locally
 * ({@code DYNAMODB_ENDPOINT} / {@code SES_ENDPOINT} set): the emulators, with fixed credentials.
 */
public record AwsEnvironment(Region region, URI dynamoDbEndpoint, URI sesEndpoint, AwsCredentialsProvider credentials) {

    public static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";
    public static final String SES_ENDPOINT = "SES_ENDPOINT";

    public static AwsEnvironment fromEnvironment() {
        return from(System.getenv());
    }

    public static AwsEnvironment from(Map<String, String> env) {
        String region = env.getOrDefault("AWS_REGION", "us-east-1");
        URI dynamo = uri(env, DYNAMODB_ENDPOINT);
        URI ses = uri(env, SES_ENDPOINT);
        AwsCredentialsProvider credentials = dynamo != null || ses != null
                ? emulatorCredentials()
                : EnvironmentVariableCredentialsProvider.create();
        return new AwsEnvironment(Region.of(region), dynamo, ses, credentials);
    }

    /** For the local emulators, which accept any signature. */
    public static AwsEnvironment emulators(URI dynamoDbEndpoint, URI sesEndpoint) {
        return new AwsEnvironment(Region.US_EAST_1, dynamoDbEndpoint, sesEndpoint, emulatorCredentials());
    }

    private static AwsCredentialsProvider emulatorCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

    private static URI uri(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return URI.create(v.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Setting " + name + " must be a URL, not '" + v + "'");
        }
    }
}
