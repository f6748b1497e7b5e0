package dev.rcpat.entrypoints;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.Services;
import dev.rcpat.pipeline.Pipeline;
import dev.rcpat.pipeline.Route;
import dev.rcpat.tokens.RemoveToken;

/** {@code POST /api/v1/users.removePersonalAccessToken}. */
public final class RemoveTokenHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final Pipeline pipeline;
    private final Route route;

    public RemoveTokenHandler() {
        this(Services.fromEnvironment());
    }

    public RemoveTokenHandler(Services services) {
        this.pipeline = services.pipeline();
        this.route = new RemoveToken().route();
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return pipeline.handle(route, event);
    }
}
