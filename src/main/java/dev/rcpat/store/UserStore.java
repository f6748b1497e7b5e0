package dev.rcpat.store;

import dev.rcpat.domain.User;

import java.util.List;
import java.util.Optional;

/**
 * Where users and permissions live. Implementations make exactly one round trip per call.
 */
public interface UserStore {

    /**
     * A consistent read of a user and, in the same round trip, the roles holding a permission
     * (its default roles when none are stored: {@code Settings.DEFAULT_PERMISSION_ROLES}).
     */
    Snapshot load(String userId, String permissionId) throws StoreUnavailableException;

    /**
     * Applies all operations of {@code write} atomically.
     *
     * @throws ConditionFailedException when any operation's condition does not hold; nothing was written
     */
    void apply(UserWrite write) throws ConditionFailedException, StoreUnavailableException;

    /**
     * Applies a write and returns the user as it is afterwards (used where the new value of an
     * atomic counter decides the answer).
     */
    User applyAndReturn(UserWrite write) throws ConditionFailedException, StoreUnavailableException;

    /** The user and the roles of a permission, as read together. */
    record Snapshot(Optional<User> user, List<String> permissionRoles) { }
}
