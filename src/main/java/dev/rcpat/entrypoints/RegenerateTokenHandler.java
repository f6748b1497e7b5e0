package dev.rcpat.entrypoints;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.Services;
import dev.rcpat.pipeline.Pipeline;
import dev.rcpat.pipeline.Route;
import dev.rcpat.tokens.RegenerateToken;

/** {@code POST /api/v1/users.regeneratePersonalAccessToken}. */
public final class RegenerateTokenHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final Pipeline pipeline;
    private final Route route;

    public RegenerateTokenHandler() {
        this(Services.fromEnvironment());
    }

    public RegenerateTokenHandler(Services services) {
        this.pipeline = services.pipeline();
        this.route = new RegenerateToken(services.tokens()).route();
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return pipeline.handle(route, event);
    }
}
