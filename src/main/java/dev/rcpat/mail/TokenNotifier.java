package dev.rcpat.mail;

import java.util.List;

/**
 * Tells a user by mail that a personal access token of theirs was created, regenerated or removed
 * (GitHub's behaviour; Rocket.Chat has none). A notice, not a condition: it is sent after the
 * change was written, and its failure never fails the request.
 */
public interface TokenNotifier {

    /** Notifications switched off ({@code TOKEN_NOTIFICATIONS_ENABLED=false}): nothing is sent, no call is made. */
    TokenNotifier OFF = (to, notice) -> Delivery.NONE;

    /**
     * Mails {@code notice} to each address of {@code to}, one mail per address; a failed address
     * does not stop the others. Never throws for a failed send: the delivery says what happened.
     */
    Delivery notify(List<String> to, TokenNotice notice);

    /**
     * What became of the notice mails.
     *
     * @param failure the exception class of the first failure, for the request line; null without failure
     */
    record Delivery(int sent, int failed, String failure) {
        public static final Delivery NONE = new Delivery(0, 0, null);

        /** This delivery and {@code other} together (the first failure kept). */
        public Delivery plus(Delivery other) {
            return new Delivery(sent + other.sent, failed + other.failed, failure != null ? failure : other.failure);
        }
    }
}
