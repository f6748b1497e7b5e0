package dev.rcpat.session;

import dev.rcpat.core.PublicEndpoint;
import dev.rcpat.domain.Client;
import dev.rcpat.domain.LookupKeys;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.User;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserLookups;
import dev.rcpat.store.UserStore;
import dev.rcpat.twofactor.EmailCheck;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/v1/users.2fa.sendEmailCode}: mails a fresh code to a user with email
 * two-factor, found by username or address. The answer is always {@code {"success":true}}, even
 * when the mail could not be sent, so that nobody learns whether a user exists.
 */
public final class SendEmailCode implements PublicEndpoint<String> {

    private final UserStore store;
    private final UserLookups lookups;
    private final EmailCheck email;

    public SendEmailCode(UserStore store, UserLookups lookups, EmailCheck email) {
        this.store = store;
        this.lookups = lookups;
        this.email = email;
    }

    @Override
    public Answer handle(String emailOrUsername, Client client, long now) throws StoreUnavailableException {
        String key = emailOrUsername.contains("@") ? LookupKeys.email(emailOrUsername) : LookupKeys.username(emailOrUsername);
        UserLookups.Lookup found = lookups.read(List.of(key)).get(key);
        Optional<User> user = found == null || found.userId() == null ? Optional.empty()
                : store.load(found.userId(), List.of()).user();
        if (user.isPresent()) {
            try {
                email.mailFreshCode(user.get(), now);
            } catch (Refusal unsent) {
                // The mail service failed: the answer must not tell this user from an unknown one.
            }
        }
        return new Answer(user.map(User::id).orElse(null), Map.of());
    }
}
