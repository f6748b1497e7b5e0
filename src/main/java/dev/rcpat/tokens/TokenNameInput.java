package dev.rcpat.tokens;

/** The body of regenerate and remove: the name of an existing token (already validated). */
public record TokenNameInput(String name) { }
