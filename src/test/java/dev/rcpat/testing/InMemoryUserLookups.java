package dev.rcpat.testing;

import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.UserLookups;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link UserLookups} in memory, for unit tests: claims are conditional, as the DynamoDB table's are. */
public final class InMemoryUserLookups implements UserLookups {

    private final Map<String, Lookup> items = new HashMap<>();
    private int writes;

    public synchronized Lookup get(String key) {
        return items.get(key);
    }

    /** Calls that wrote (claims, releases, counts, blocks, clears). */
    public synchronized int writes() {
        return writes;
    }

    @Override
    public synchronized Map<String, Lookup> read(List<String> keys) {
        Map<String, Lookup> found = new HashMap<>();
        for (String key : keys) {
            if (items.containsKey(key)) {
                found.put(key, items.get(key));
            }
        }
        return found;
    }

    @Override
    public synchronized void claim(String key, String userId, Long expiresAtSeconds) throws ConditionFailedException {
        Lookup existing = items.get(key);
        if (existing != null && !userId.equals(existing.userId())) {
            throw new ConditionFailedException(new IllegalStateException(key + " is taken"));
        }
        writes++;
        items.put(key, new Lookup(key, userId, 0, null));
    }

    @Override
    public synchronized void release(String key, String userId) {
        Lookup existing = items.get(key);
        if (existing != null && userId.equals(existing.userId())) {
            writes++;
            items.remove(key);
        }
    }

    @Override
    public synchronized Lookup countFailure(String key, long expiresAtSeconds) {
        Lookup existing = items.getOrDefault(key, new Lookup(key, null, 0, null));
        Lookup after = new Lookup(key, existing.userId(), existing.failures() + 1, existing.blockedUntil());
        writes++;
        items.put(key, after);
        return after;
    }

    @Override
    public synchronized void block(String key, long until, long expiresAtSeconds) {
        Lookup existing = items.getOrDefault(key, new Lookup(key, null, 0, null));
        writes++;
        items.put(key, new Lookup(key, existing.userId(), 0, until));
    }

    @Override
    public synchronized void clearFailures(String key) {
        Lookup existing = items.get(key);
        if (existing != null && existing.userId() == null) {
            writes++;
            items.remove(key);
        }
    }
}
