package dev.rcpat.local;

import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.aws.AwsClients;
import dev.rcpat.aws.AwsEnvironment;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.util.Set;

/**
 * Where the admin commands write: the running local stack (default), or real DynamoDB tables
 * ({@code --aws}), found by name or through a CloudFormation stack, with the default AWS
 * credential chain (environment, profile, SSO cache, instance role).
 */
record AdminTarget(UserAdmin admin, String description) {

    static final Set<String> AWS_OPTIONS = Set.of("region", "stack-name", "users-table", "permissions-table", "lookups-table");
    static final String AWS_FLAG = "aws";

    static AdminTarget choose(Args args, StateFile stateFile) throws CliException {
        if (args.flag(AWS_FLAG)) {
            return aws(args);
        }
        for (String o : AWS_OPTIONS) {
            if (args.flag(o)) {
                throw CliException.usage("--" + o + " only applies with --aws");
            }
        }
        LocalState s = stateFile.requireRunning();
        DynamoDbClient dynamo = AwsClients.dynamoDb(
                AwsEnvironment.emulators(URI.create(s.dynamodbEndpoint()), URI.create(s.sesEndpoint())),
                AwsClients.httpClient(), new AwsCallCounter());
        return new AdminTarget(new UserAdmin(dynamo, s.usersTable(), s.permissionsTable(), s.lookupsTable()),
                "local stack " + s.apiUrl());
    }

    static AdminTarget aws(Args args) throws CliException {
        Region region;
        if (args.value("region") != null) {
            region = Region.of(args.value("region"));
        } else {
            try {
                region = DefaultAwsRegionProviderChain.builder().build().getRegion();
            } catch (SdkClientException e) {
                throw CliException.usage("--aws needs a region: pass --region R or set AWS_REGION");
            }
        }
        String stack = args.value("stack-name");
        String users = args.value("users-table");
        String permissions = args.value("permissions-table");
        String lookups = args.value("lookups-table");
        if (stack != null && (users != null || permissions != null || lookups != null)) {
            throw CliException.usage("pass either --stack-name or --users-table/--permissions-table/--lookups-table, not both");
        }
        if (stack == null && (users == null || permissions == null || lookups == null)) {
            throw CliException.usage("--aws needs --stack-name S, or --users-table T, --permissions-table P and --lookups-table L");
        }
        DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        SdkHttpClient http = UrlConnectionHttpClient.builder().build();
        if (stack != null) {
            try (CloudFormationClient cfn = CloudFormationClient.builder().region(region)
                    .credentialsProvider(credentials).httpClient(http).build()) {
                users = physicalId(cfn, stack, "UsersTable");
                permissions = physicalId(cfn, stack, "PermissionsTable");
                lookups = physicalId(cfn, stack, "LookupsTable");
            }
        }
        DynamoDbClient dynamo = DynamoDbClient.builder().region(region).credentialsProvider(credentials)
                .httpClient(http).build();
        return new AdminTarget(new UserAdmin(dynamo, users, permissions, lookups),
                "AWS " + region.id() + " tables " + users + ", " + permissions + ", " + lookups);
    }

    private static String physicalId(CloudFormationClient cfn, String stack, String logicalId) throws CliException {
        try {
            return cfn.describeStackResource(b -> b.stackName(stack).logicalResourceId(logicalId))
                    .stackResourceDetail().physicalResourceId();
        } catch (CloudFormationException e) {
            throw new CliException("cannot read " + logicalId + " of stack " + stack + ": "
                    + e.awsErrorDetails().errorMessage());
        }
    }
}
