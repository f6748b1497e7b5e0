package dev.rcpat.local.rocketchat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an import did (or, in a dry run, would do): users by outcome, tokens carried, permissions
 * set, and every document that was not imported with its file, line and reason. Holds no secret:
 * messages name fields, never their values.
 */
public final class ImportReport {

    /** A document that was rejected: where it is and why. {@code id} is null when the document has none. */
    public record Problem(String file, Location at, String id, String message) { }

    private final boolean dryRun;
    private final String usersFile;
    private int imported;
    private int updated;
    private int unchanged;
    private final Map<UserDocuments.SkipReason, Integer> skipped = new EnumMap<>(UserDocuments.SkipReason.class);
    private final List<Problem> problems = new ArrayList<>();
    private UserMerge.TokenCounts tokens = UserMerge.TokenCounts.NONE;
    private int expiredLoginTokens;
    private int loginTokensOverLimit;
    private final Map<String, List<String>> permissions = new LinkedHashMap<>();
    private int permissionsNotUsed;
    private String stoppedBecause;
    private int notAttempted;

    ImportReport(boolean dryRun, String usersFile) {
        this.dryRun = dryRun;
        this.usersFile = usersFile;
    }

    synchronized void written(UserMerge.Plan plan) {
        if (!plan.changes()) {
            unchanged++;
        } else if (plan.isNew()) {
            imported++;
        } else {
            updated++;
        }
        tokens = tokens.plus(plan.counts());
        expiredLoginTokens += plan.incoming().leftOut().expiredLoginTokens();
        loginTokensOverLimit += plan.incoming().leftOut().loginTokensOverLimit();
    }

    synchronized void skipped(UserDocuments.SkipReason reason) {
        skipped.merge(reason, 1, Integer::sum);
    }

    synchronized void problem(Problem p) {
        problems.add(p);
    }

    synchronized void permission(String id, List<String> roles) {
        permissions.put(id, List.copyOf(roles));
    }

    synchronized void permissionNotUsed() {
        permissionsNotUsed++;
    }

    synchronized void stopped(String reason, int notAttempted) {
        this.stoppedBecause = reason;
        this.notAttempted = notAttempted;
    }

    /** Whether the import stopped before every user was attempted (DynamoDB became unavailable). */
    public synchronized boolean stopped() {
        return stoppedBecause != null;
    }

    public synchronized boolean dryRun() {
        return dryRun;
    }

    public synchronized int imported() {
        return imported;
    }

    public synchronized int updated() {
        return updated;
    }

    public synchronized int unchanged() {
        return unchanged;
    }

    public synchronized int skipped() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    public synchronized List<Problem> problems() {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparing(Problem::file).thenComparing(Problem::at));
        return sorted;
    }

    /** Whether everything in the files was imported or deliberately skipped. */
    public synchronized boolean complete() {
        return problems.isEmpty() && stoppedBecause == null;
    }

    /** The report for scripts ({@code --json}). */
    public synchronized Map<String, Object> toJson() {
        Map<String, Object> users = new LinkedHashMap<>();
        users.put("imported", imported);
        users.put("updated", updated);
        users.put("unchanged", unchanged);
        Map<String, Object> skips = new LinkedHashMap<>();
        for (UserDocuments.SkipReason r : UserDocuments.SkipReason.values()) {
            skips.put(r.key, skipped.getOrDefault(r, 0));
        }
        users.put("skipped", skips);
        users.put("rejected", problems.size());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("personalAccessTokens", tokens.personalAccessTokens());
        t.put("loginTokens", tokens.loginTokens());
        t.put("added", tokens.added());
        t.put("removedInRocketChat", tokens.removedInRocketChat());
        t.put("removedHere", tokens.removedHere());
        t.put("nameTakenHere", tokens.namesTakenHere());
        t.put("expiredLoginTokens", expiredLoginTokens);
        t.put("loginTokensOverLimit", loginTokensOverLimit);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dryRun", dryRun);
        json.put("file", usersFile);
        json.put("users", users);
        json.put("tokens", t);
        json.put("permissions", new LinkedHashMap<>(permissions));
        List<Map<String, Object>> ps = new ArrayList<>();
        for (Problem p : problems()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", p.file());
            m.put("line", p.at().line());
            if (p.at().document() > 0) {
                m.put("document", p.at().document());
            }
            if (p.id() != null) {
                m.put("_id", p.id());
            }
            m.put("message", p.message());
            ps.add(m);
        }
        json.put("problems", ps);
        if (stoppedBecause != null) {
            json.put("stopped", Map.of("reason", stoppedBecause, "notAttempted", notAttempted));
        }
        return json;
    }

    /** One line per rejected document: {@code users.json, line 7 (_id X): reason}. */
    public synchronized List<String> problemLines() {
        return problems().stream().map(p -> p.file() + ", " + p.at()
                + (p.id() == null ? "" : " (_id " + Printable.of(p.id()) + ")") + ": " + p.message()).toList();
    }

    /** The summary for people. */
    public synchronized String summary(String target) {
        StringBuilder sb = new StringBuilder();
        sb.append(dryRun ? "Dry run, nothing written: what importing " : "Imported ").append(usersFile)
          .append(dryRun ? " into the " : " into the ").append(target).append(dryRun ? " would do:\n" : ":\n");
        sb.append("  users: ").append(imported).append(dryRun ? " to import, " : " imported, ")
          .append(updated).append(dryRun ? " to update, " : " updated, ")
          .append(unchanged).append(" unchanged, ").append(skipped()).append(" skipped");
        List<String> reasons = new ArrayList<>();
        skipped.forEach((r, n) -> reasons.add(r.words(n)));
        if (!reasons.isEmpty()) {
            sb.append(" (").append(String.join(", ", reasons)).append(')');
        }
        sb.append(", ").append(problems.size()).append(" rejected").append(problems.isEmpty() ? "" : " (listed above)").append('\n');
        sb.append("  tokens carried: ").append(plural(tokens.personalAccessTokens(), "personal access token"))
          .append(", ").append(plural(tokens.loginTokens(), "login token"));
        List<String> notCarried = new ArrayList<>();
        if (expiredLoginTokens > 0) {
            notCarried.add(plural(expiredLoginTokens, "expired login token"));
        }
        if (loginTokensOverLimit > 0) {
            notCarried.add(plural(loginTokensOverLimit, "login token") + " beyond the newest 50 of a user");
        }
        if (tokens.removedHere() > 0) {
            notCarried.add(plural(tokens.removedHere(), "token") + " removed here since the last import");
        }
        if (tokens.namesTakenHere() > 0) {
            notCarried.add(plural(tokens.namesTakenHere(), "personal access token")
                    + " whose name a token created here has");
        }
        if (!notCarried.isEmpty()) {
            sb.append("; not carried: ").append(String.join(", ", notCarried));
        }
        sb.append('\n');
        if (tokens.removedInRocketChat() > 0) {
            sb.append("  tokens removed: ").append(plural(tokens.removedInRocketChat(), "token"))
              .append(" gone from Rocket.Chat since the last import\n");
        }
        if (!permissions.isEmpty() || permissionsNotUsed > 0) {
            List<String> set = new ArrayList<>();
            permissions.forEach((id, roles) -> set.add(id + " (" + (roles.isEmpty() ? "no role" : String.join(", ", roles)) + ")"));
            sb.append("  permissions: ").append(set.isEmpty() ? "none this service uses" : String.join(", ", set));
            if (permissionsNotUsed > 0) {
                sb.append("; ").append(permissionsNotUsed).append(" other").append(permissionsNotUsed == 1 ? "" : "s")
                  .append(" not used here");
            }
            sb.append('\n');
        }
        if (stoppedBecause != null) {
            sb.append("  STOPPED: ").append(stoppedBecause).append("; ").append(plural(notAttempted, "user"))
              .append(" not attempted: run the import again (it is idempotent)\n");
        }
        return sb.toString();
    }

    private static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
