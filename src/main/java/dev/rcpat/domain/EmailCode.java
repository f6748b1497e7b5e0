package dev.rcpat.domain;

/** The one active email code of a user: only its bcrypt hash, its expiry (epoch ms) and failed attempts. */
public record EmailCode(String hash, long expiresAt, int attempts) { }
