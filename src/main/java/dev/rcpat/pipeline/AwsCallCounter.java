package dev.rcpat.pipeline;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the AWS API calls made on the current thread, for the request log line (Lambda runs one
 * request at a time per environment; tests run many handlers on many threads, hence per thread).
 * Registered on every SDK client.
 */
public final class AwsCallCounter implements ExecutionInterceptor {

    /** Calls of the current request: [0] DynamoDB, [1] SES. */
    private static final ThreadLocal<int[]> CALLS = ThreadLocal.withInitial(() -> new int[2]);

    private final int index;

    private AwsCallCounter(int index) {
        this.index = index;
    }

    public static AwsCallCounter dynamoDb() {
        return new AwsCallCounter(0);
    }

    public static AwsCallCounter ses() {
        return new AwsCallCounter(1);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        CALLS.get()[index]++;
    }

    public static void reset() {
        int[] c = CALLS.get();
        c[0] = 0;
        c[1] = 0;
    }

    public static int dynamoDbCalls() {
        return CALLS.get()[0];
    }

    public static int sesCalls() {
        return CALLS.get()[1];
    }
}
