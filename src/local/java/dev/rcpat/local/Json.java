package dev.rcpat.local;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one ObjectMapper of the process, for tests and tools. The request path uses
 * {@link JsonCodec}: building and first using an ObjectMapper is a large part of a cold start.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() { }
}
