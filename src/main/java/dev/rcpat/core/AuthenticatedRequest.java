package dev.rcpat.core;

import dev.rcpat.domain.Client;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;

/**
 * A request whose caller is known: the user as read, the stored token it authenticated with,
 * whether the user holds the route's permission, the time the request is judged at, and the client.
 */
public record AuthenticatedRequest(User user, StoredToken token, boolean permitted, long now, Client client) { }
