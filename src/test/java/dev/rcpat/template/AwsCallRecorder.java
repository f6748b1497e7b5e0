package dev.rcpat.template;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Records which AWS operations, on which resources, the code under test calls. The SDK loads it
 * into every client the test JVM builds (a global interceptor listed in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} on the test class path),
 * so the clients the production code builds for itself are observed without changing it. It
 * records only inside {@link #recording}, on the calling thread and the threads it starts meanwhile
 * (the rate-limit counter's, which runs beside the read); otherwise it does nothing.
 */
public final class AwsCallRecorder implements ExecutionInterceptor {

    /** One call: the SDK's service and operation names, and the table name / sender it named. */
    public record Recorded(String service, String operation, String resource) { }

    private static final InheritableThreadLocal<Set<Recorded>> TARGET = new InheritableThreadLocal<>();

    public static <T> T recording(Set<Recorded> into, Supplier<T> body) {
        Set<Recorded> previous = TARGET.get();
        TARGET.set(into);
        try {
            return body.get();
        } finally {
            TARGET.set(previous);
        }
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Set<Recorded> into = TARGET.get();
        if (into == null) {
            return;
        }
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        for (String resource : resources(context.request())) {
            into.add(new Recorded(service, operation, resource));
        }
    }

    /** The tables a DynamoDB request names, or the sender of an SES mail; "?" when neither. */
    private static List<String> resources(SdkRequest request) {
        List<String> out = new ArrayList<>();
        request.getValueForField("TableName", String.class).ifPresent(out::add);
        request.getValueForField("RequestItems", Map.class).ifPresent(items -> items.keySet().forEach(k -> out.add((String) k)));
        request.getValueForField("Source", String.class).ifPresent(out::add);
        if (out.isEmpty()) {
            out.add("?");
        }
        return out;
    }
}
