package dev.rcpat.store;

import java.util.List;
import java.util.Map;

/**
 * Small items that find a user without a scan and keep what must be unique unique: a username,
 * an email address (both case-insensitive), a login token's hash (for {@code resume}), and the
 * failed-login count of a client address. Implementations make exactly one round trip per call.
 */
public interface UserLookups {

    /** One lookup item: the user it names (null for address items), failures counted, and the block's end. */
    record Lookup(String key, String userId, int failures, Long blockedUntil) {

        public boolean blockedAt(long now) {
            return blockedUntil != null && blockedUntil > now;
        }
    }

    /** A consistent read of the items with these keys; keys without an item are absent from the map. */
    Map<String, Lookup> read(List<String> keys) throws StoreUnavailableException;

    /**
     * Makes {@code key} name {@code userId} if no item has that key yet (a username or address
     * being taken), or refreshes its expiry when {@code expiresAtSeconds} is not null.
     *
     * @throws ConditionFailedException when the key already names another user
     */
    void claim(String key, String userId, Long expiresAtSeconds) throws ConditionFailedException, StoreUnavailableException;

    /** Removes {@code key} if it still names {@code userId} (a claim given back). */
    void release(String key, String userId) throws StoreUnavailableException;

    /** Counts a failure against {@code key} and returns the item as it is afterwards. */
    Lookup countFailure(String key, long expiresAtSeconds) throws StoreUnavailableException;

    /** Blocks {@code key} until {@code until} (epoch ms) and starts its failure count afresh. */
    void block(String key, long until, long expiresAtSeconds) throws StoreUnavailableException;

    /** Forgets the failures counted against {@code key}. */
    void clearFailures(String key) throws StoreUnavailableException;
}
