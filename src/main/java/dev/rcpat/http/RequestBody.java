package dev.rcpat.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request's body as fields: from JSON, or from a form, whose fields are all text (a reader of
 * a boolean then takes "true" and "false").
 */
public record RequestBody(ObjectNode fields, boolean formEncoded) {

    /** The field's value; null when absent or JSON null. */
    public JsonNode field(String name) {
        JsonNode node = fields.get(name);
        return node == null || node.isNull() ? null : node;
    }
}
