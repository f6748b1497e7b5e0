package dev.rcpat.store;

import dev.rcpat.domain.User;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where users and permissions live. Implementations make exactly one round trip per call.
 */
public interface UserStore {

    /**
     * A consistent read of a user and, in the same round trip, the roles holding each of
     * {@code permissionIds} (a permission's default roles when none are stored).
     */
    Snapshot load(String userId, List<String> permissionIds) throws StoreUnavailableException;

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

    /** The user and the roles of the permissions asked for, as read together. */
    record Snapshot(Optional<User> user, Map<String, List<String>> permissionRoles) {

        public Snapshot {
            permissionRoles = Map.copyOf(permissionRoles);
        }

        /** Whether the user holds {@code permission} through one of its roles (false without a user). */
        public boolean holds(String permission) {
            List<String> roles = permissionRoles.getOrDefault(permission, List.of());
            return user.map(u -> u.hasAnyRole(roles)).orElse(false);
        }
    }
}
