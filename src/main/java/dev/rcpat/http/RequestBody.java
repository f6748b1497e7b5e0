package dev.rcpat.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.UnaryOperator;

/**
 * A request's body as fields: from JSON, or from a form, whose fields are all text (a reader of
 * a boolean then takes "true" and "false"); and the request's headers, for the few inputs that
 * Rocket.Chat also takes from a header (the login's second-factor code).
 */
public record RequestBody(ObjectNode fields, boolean formEncoded, UnaryOperator<String> headers) {

    /** The field's value; null when absent or JSON null. */
    public JsonNode field(String name) {
        JsonNode node = fields.get(name);
        return node == null || node.isNull() ? null : node;
    }

    /** The header's value (names without regard to case); null when absent or empty. */
    public String header(String name) {
        return headers.apply(name);
    }
}
