package dev.rcpat.pipeline;

import dev.rcpat.api.ApiError;
import dev.rcpat.domain.User;
import dev.rcpat.store.StoreUnavailableException;

import java.util.Optional;

/**
 * Step 3 of the pipeline, for endpoints that require a second factor (spec section 5).
 */
public interface TwoFactorGate {

    /**
     * Lets the call through, returning the bookkeeping that must be written atomically with the
     * endpoint's own write (spending a code or TOTP step, remembering the factor); or throws the
     * challenge ({@code totp-required}, {@code totp-invalid}, ...), after writing what a failed
     * attempt must record.
     */
    TwoFactorPass verify(Call call) throws ApiError, StoreUnavailableException;

    /**
     * After the endpoint's conditional write was rejected and the user re-read: the challenge to
     * answer if the second factor was spent by a concurrent request, else empty.
     */
    Optional<ApiError> explainConflict(TwoFactorPass pass, User fresh, Call call);
}
