package dev.rcpat.entrypoints;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.pipeline.Pipeline;
import dev.rcpat.pipeline.Route;

/** What every function's handler is: one route through the shared pipeline. */
public abstract class RouteHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final Pipeline pipeline;
    private final Route route;

    protected RouteHandler(Pipeline pipeline, Route route) {
        this.pipeline = pipeline;
        this.route = route;
    }

    @Override
    public final APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return pipeline.handle(route, event);
    }
}
