package dev.rcpat.store;

/** A conditional write found the item changed since it was read; nothing was written. */
public final class ConditionFailedException extends Exception {
    public ConditionFailedException(Throwable cause) {
        super("conditional write rejected", cause);
    }
}
