package dev.rcpat.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.rcpat.domain.Dependency;
import dev.rcpat.domain.Refusal;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every kind of refusal in Rocket.Chat's exact shape, with the headers every answer carries. */
class ResponsesTest {

    static void assertAnswer(int status, String body, Responses.Answer answer) {
        APIGatewayProxyResponseEvent event = answer.toEvent();
        assertEquals(status, event.getStatusCode());
        assertEquals(body, event.getBody());
        assertEquals(Map.of("Content-Type", "application/json", "Cache-Control", "no-store", "Pragma", "no-cache",
                "X-Content-Type-Options", "nosniff"), event.getHeaders());
    }

    @Test
    void refusalsKeepRocketChatsShapes() {
        assertAnswer(401, "{\"success\":false,\"error\":\"You must be logged in to do this.\",\"status\":\"error\","
                + "\"message\":\"You must be logged in to do this.\"}", Responses.refused(Refusal.notLoggedIn()));
        assertAnswer(403, "{\"success\":false,\"error\":\"User does not have the permissions required for this action"
                + " [error-unauthorized]\"}", Responses.refused(Refusal.forbidden()));
        assertAnswer(400, "{\"success\":false,\"error\":\"The 'tokenName' param is required\"}",
                Responses.refused(Refusal.failure("The 'tokenName' param is required")));
        assertAnswer(400, "{\"success\":false,\"error\":\"Not Authorized [not-authorized]\",\"errorType\":\"not-authorized\","
                + "\"details\":{\"method\":\"m\"}}",
                Responses.refused(Refusal.rejected("not-authorized", "Not Authorized", Map.of("method", "m"))));
        assertAnswer(400, "{\"success\":false,\"error\":\"bad [invalid-params]\",\"errorType\":\"invalid-params\"}",
                Responses.refused(Refusal.invalidParams("bad")));
        assertAnswer(429, "{\"success\":false,\"error\":\"Error, too many requests. Please slow down. You must wait 42"
                + " seconds before trying this endpoint again. [error-too-many-requests]\"}",
                Responses.refused(Refusal.tooManyRequests(42)));
    }

    @Test
    void theRateLimitsHeadersAreAddedToTheJsonOnes() {
        Responses.Answer answer = Responses.refused(Refusal.tooManyRequests(3))
                .withHeaders(Map.of("X-RateLimit-Limit", "10", "Retry-After", "3"));
        assertEquals(Map.of("Content-Type", "application/json", "Cache-Control", "no-store", "Pragma", "no-cache",
                "X-Content-Type-Options", "nosniff", "X-RateLimit-Limit", "10", "Retry-After", "3"),
                answer.toEvent().getHeaders());
        assertEquals(429, answer.status());
        Responses.Answer plain = Responses.notFound();
        assertEquals(plain, plain.withHeaders(Map.of()));
    }

    @Test
    void oursKeepTheSameShapeWithTheirOwnStatus() {
        assertAnswer(409, "{\"success\":false,\"error\":\"The request conflicted with a concurrent change, try again"
                + " [error-conflict]\",\"errorType\":\"error-conflict\"}", Responses.refused(Refusal.conflict()));
        assertAnswer(413, "{\"success\":false,\"error\":\"The request body is larger than 65536 bytes"
                + " [error-payload-too-large]\",\"errorType\":\"error-payload-too-large\"}",
                Responses.refused(Refusal.tooLarge(65536)));
        assertAnswer(503, "{\"success\":false,\"error\":\"down [error-service-unavailable]\","
                + "\"errorType\":\"error-service-unavailable\"}",
                Responses.refused(Refusal.unavailable("down", Dependency.DYNAMODB, new RuntimeException())));
        assertAnswer(404, "{\"success\":false,\"error\":\"Resource not found\"}", Responses.notFound());
        assertAnswer(200, "{\"token\":\"t\",\"success\":true}", Responses.success(Map.of("token", "t")));
    }
}
