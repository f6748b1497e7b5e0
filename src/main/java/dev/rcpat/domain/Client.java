package dev.rcpat.domain;

import dev.rcpat.auth.Secrets;

/**
 * Who sent a request, as far as the service can tell: the source IP (API Gateway's, never a header
 * the client chose), the user agent, and the request id for the logs.
 */
public record Client(String sourceIp, String userAgent, String requestId) {

    public Client {
        sourceIp = sourceIp == null ? "" : sourceIp;
        userAgent = userAgent == null ? "" : userAgent;
    }

    /** What "remember" binds a passed second factor to: user agent and source IP, hashed. */
    public String fingerprint() {
        return Secrets.hashToken(userAgent + "\n" + sourceIp);
    }
}
