package dev.rcpat.testing;

import dev.rcpat.domain.User;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;

import java.util.List;

/**
 * A store that passes every call to another; race tests override one method to make something
 * happen between a request's read and its write.
 */
public class ForwardingUserStore implements UserStore {

    protected final UserStore delegate;

    public ForwardingUserStore(UserStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Snapshot load(String userId, List<String> permissionIds) throws StoreUnavailableException {
        return delegate.load(userId, permissionIds);
    }

    @Override
    public void apply(UserWrite write) throws ConditionFailedException, StoreUnavailableException {
        delegate.apply(write);
    }

    @Override
    public User applyAndReturn(UserWrite write) throws ConditionFailedException, StoreUnavailableException {
        return delegate.applyAndReturn(write);
    }
}
