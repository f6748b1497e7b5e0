package dev.rcpat.core;

import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.domain.User;
import dev.rcpat.store.UserWrite;

import java.util.List;
import java.util.Map;

/** What an endpoint decided: an answer that changes nothing, or a change to write first. */
public sealed interface Outcome {

    /** The success body, without {@code "success"}. */
    Map<String, Object> body();

    static Outcome answer(Map<String, Object> body) {
        return new Answer(body);
    }

    record Answer(Map<String, Object> body) implements Outcome { }

    /**
     * Operations on the caller's user item, answered with {@code body} once written.
     *
     * @param replacedPatName the personal access token this change replaces or removes, when that
     *                        may be the caller's own token (its bookkeeping is then left out); else null
     * @param explanation     after a rejected write, which of the endpoint's rules the re-read user breaks
     * @param audits          the audit lines to write once the change is stored
     */
    record Change(List<UserWrite.Op> ops, String replacedPatName, ConflictExplanation explanation,
                  Map<String, Object> body, List<Audit> audits) implements Outcome {
        public Change {
            ops = List.copyOf(ops);
            audits = List.copyOf(audits);
        }
    }

    /** An audit line (and a notice to the user): a personal access token was created, regenerated or removed. */
    record Audit(TokenChange change, StoredToken token) { }

    /** Says which rule a rejected write broke, by throwing its refusal, given the user as re-read. */
    @FunctionalInterface
    interface ConflictExplanation {
        void explain(User fresh) throws Refusal;
    }
}
