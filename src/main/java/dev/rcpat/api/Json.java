package dev.rcpat.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one ObjectMapper of the process: building it is costly, using it is thread-safe. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() { }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unserializable response", e);
        }
    }
}
