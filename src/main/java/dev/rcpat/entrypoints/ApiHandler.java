package dev.rcpat.entrypoints;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.CompositionRoot;
import dev.rcpat.http.Pipeline;

/**
 * Every function's handler: the API Gateway proxy event goes through the pipeline, which serves
 * the route its method and resource name. Each function in template.yaml is attached to its own
 * routes, so it only ever receives those.
 */
public final class ApiHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final Pipeline pipeline;

    /** What Lambda calls: wired from the environment, once per execution environment. */
    public ApiHandler() {
        this(CompositionRoot.fromEnvironment());
    }

    public ApiHandler(CompositionRoot root) {
        this.pipeline = root.pipeline();
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return pipeline.handle(event);
    }
}
