package dev.rcpat.domain;

import java.util.Locale;

/** What a request did to a personal access token; written to the audit line and told to the user by mail. */
public enum TokenChange {
    CREATED,
    REGENERATED,
    REMOVED;

    /** {@code created}, {@code regenerated} or {@code removed}: the audit line's {@code action}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
