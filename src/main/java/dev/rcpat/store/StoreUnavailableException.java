package dev.rcpat.store;

/** The token store could not be reached or refused the request after the SDK's retries. */
public final class StoreUnavailableException extends Exception {
    public StoreUnavailableException(Throwable cause) {
        super("token store unavailable: " + cause.getClass().getSimpleName(), cause);
    }
}
