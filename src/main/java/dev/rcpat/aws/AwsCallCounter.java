package dev.rcpat.aws;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Counts the AWS API calls of the current request, for the request log line and the round-trip
 * assertions. One instance per composition root, registered on its SDK clients. Counts are kept
 * per request thread: Lambda runs one request at a time per environment, while tests and the
 * local server run many requests at once on one composition root, each on its own thread, and the
 * synchronous clients call on the caller's thread. A call a request makes on another thread (the
 * rate-limit counter, beside the read) is counted for it through {@link #onBehalfOfThisThread}.
 */
public final class AwsCallCounter {

    public enum Service { DYNAMODB, SES }

    private final ThreadLocal<AtomicIntegerArray> calls =
            ThreadLocal.withInitial(() -> new AtomicIntegerArray(Service.values().length));

    /** The interceptor to register on the client of {@code service}. */
    public ExecutionInterceptor interceptorFor(Service service) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.get().incrementAndGet(service.ordinal());
            }
        };
    }

    /** Starts counting afresh for a new request on this thread. */
    public void reset() {
        calls.set(new AtomicIntegerArray(Service.values().length));
    }

    /** Calls to {@code service} on this thread since the last {@link #reset()}. */
    public int calls(Service service) {
        return calls.get().get(service.ordinal());
    }

    /** {@code task}, made to count the calls it makes, on whatever thread it runs, for this thread's request. */
    public Runnable onBehalfOfThisThread(Runnable task) {
        AtomicIntegerArray request = calls.get();
        return () -> {
            AtomicIntegerArray own = calls.get();
            calls.set(request);
            try {
                task.run();
            } finally {
                calls.set(own);
            }
        };
    }
}
