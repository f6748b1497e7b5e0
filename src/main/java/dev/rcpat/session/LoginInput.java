package dev.rcpat.session;

/** What a login body asks for, already read from one of Rocket.Chat's accepted shapes. */
public sealed interface LoginInput {

    /**
     * A username or an email address (exactly one), the hex SHA-256 of the password (lowercase),
     * and a second-factor code if the client sent one.
     */
    record WithPassword(String username, String email, String passwordDigest, String code) implements LoginInput {
        @Override
        public String toString() {
            return "WithPassword[" + (username != null ? "username" : "email") + "]"; // never the digest or code
        }
    }

    /** A login token the client already holds (Meteor's {@code resume}). */
    record Resume(String token) implements LoginInput {
        @Override
        public String toString() {
            return "Resume";
        }
    }
}
