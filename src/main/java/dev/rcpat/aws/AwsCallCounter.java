package dev.rcpat.aws;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the AWS API calls of the current request, for the request log line and the round-trip
 * assertions. One instance per composition root, registered on its SDK clients. Counts are kept
 * per thread: Lambda runs one request at a time per environment, while tests and the local
 * server run many requests at once on one composition root, each on its own thread, and the
 * synchronous clients call on the caller's thread.
 */
public final class AwsCallCounter {

    public enum Service { DYNAMODB, SES }

    private final ThreadLocal<int[]> calls = ThreadLocal.withInitial(() -> new int[Service.values().length]);

    /** The interceptor to register on the client of {@code service}. */
    public ExecutionInterceptor interceptorFor(Service service) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.get()[service.ordinal()]++;
            }
        };
    }

    /** Starts counting afresh for a new request on this thread. */
    public void reset() {
        java.util.Arrays.fill(calls.get(), 0);
    }

    /** Calls to {@code service} on this thread since the last {@link #reset()}. */
    public int calls(Service service) {
        return calls.get()[service.ordinal()];
    }
}
