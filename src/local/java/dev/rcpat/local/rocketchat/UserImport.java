package dev.rcpat.local.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.domain.LookupKeys;
import dev.rcpat.domain.Permissions;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.local.CliException;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserLookups;
import dev.rcpat.store.dynamodb.DynamoDbUserLookups;
import dev.rcpat.store.dynamodb.UserItem;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * {@code bin/local users import}: Rocket.Chat's users (and the permissions this service uses)
 * from mongoexport files into the tables.
 *
 * <p>Both files are read and every document checked before anything is written. A document that
 * cannot be imported is reported with its location and reason and never stops the others.
 *
 * <p>Each user is then written whole or not at all, without transactions (the local emulator has
 * none): its username and addresses are claimed first, each with a conditional write that
 * succeeds again for the same user, so that no two users ever hold one; then its login tokens'
 * lookup items; then the user item itself, in one conditional write ({@link ImportWrites}); if
 * that write fails, everything claimed for it is given back. What it no longer needs (an old
 * username, a login token gone from Rocket.Chat) is given back after the write.
 *
 * <p>Workers take the users in chunks: a chunk's user items and lookup items are read with
 * BatchGetItem, so that a user already up to date costs no write at all and a name held by
 * another user no attempt; login tokens' lookup items and the items given back go in
 * BatchWriteItem. Conditional writes cannot be batched, so each claim and each user item is its
 * own request, {@code parallelism} of them at a time.
 *
 * <p>A second run merges ({@link UserMerge}) and never duplicates: the user's id is its key, and
 * its username and addresses stay claimed by it.
 */
public final class UserImport {

    /** The functions' default LOGIN_EXPIRATION_DAYS (docs/compatibility.md, "Request pipeline"). */
    public static final long LOGIN_EXPIRATION_DAYS = 90;
    private static final int WRITE_ATTEMPTS = 3;
    /** BatchGetItem's limit. */
    private static final int READ_BATCH = 100;
    /** BatchWriteItem's limit. */
    private static final int WRITE_BATCH = 25;
    /** Users read, checked and written together by one worker. */
    private static final int CHUNK = 50;
    private static final int UNPROCESSED_RETRIES = 8;

    public record Options(boolean dryRun, boolean includeBots, int parallelism) { }

    /** Told how many users are written so far, out of how many, and when the writing is over (done or stopped). */
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void update(int done, int total);

        default void finished() { }
    }

    private final DynamoDbClient dynamo;
    private final String usersTable;
    private final String permissionsTable;
    private final String lookupsTable;
    private final UserLookups lookups;
    private final Clock clock;

    public UserImport(DynamoDbClient dynamo, String usersTable, String permissionsTable, String lookupsTable, Clock clock) {
        this.dynamo = dynamo;
        this.usersTable = usersTable;
        this.permissionsTable = permissionsTable;
        this.lookupsTable = lookupsTable;
        this.lookups = new DynamoDbUserLookups(dynamo, lookupsTable);
        this.clock = clock;
    }

    /**
     * Imports {@code usersFile} and, if not null, the permissions of {@code permissionsFile}.
     *
     * @throws CliException when a file cannot be read or is not a mongoexport (nothing was written)
     */
    public ImportReport run(Path usersFile, Path permissionsFile, Options options, Progress progress) throws CliException {
        long now = clock.millis();
        List<MongoExport.Entry> userEntries = MongoExport.read(usersFile, "users");
        List<MongoExport.Entry> permissionEntries = permissionsFile == null ? List.of()
                : MongoExport.read(permissionsFile, "rocketchat_permissions");
        String usersName = usersFile.getFileName().toString();
        ImportReport report = new ImportReport(options.dryRun(), usersName);
        List<ImportedUser> users = check(userEntries, usersName, new UserDocuments(now, LOGIN_EXPIRATION_DAYS,
                options.includeBots()), report);
        Map<String, List<String>> permissions = permissionsFile == null ? Map.of()
                : checkPermissions(permissionEntries, permissionsFile.getFileName().toString(), report);

        Run run = new Run(new UserMerge(LOGIN_EXPIRATION_DAYS), now, options.dryRun(),
                users.stream().map(ImportedUser::id).collect(Collectors.toSet()));
        for (Attempt a : writeAll(users, run, options, progress, report, usersName)) {
            // A username or address that moved from one user to another in Rocket.Chat is free only once the
            // first user's new name is written; the parallel pass may have come to the second user first.
            record(writeOne(a.user(), run), report, usersName);
        }
        if (options.dryRun()) {
            permissions.forEach(report::permission);
        } else if (!report.stopped()) {
            try {
                permissions.forEach((id, roles) -> {
                    setPermission(id, roles);
                    report.permission(id, roles);
                });
            } catch (SdkException e) {
                report.stopped("DynamoDB failed while the permissions were written: " + e.getMessage(), 0);
            }
        }
        return report;
    }

    // ---- checking, before anything is written ---------------------------------------------

    /** The documents to write: well-formed, with an id, a username and addresses not already used earlier in the file. */
    private static List<ImportedUser> check(List<MongoExport.Entry> entries, String file, UserDocuments documents,
                                            ImportReport report) {
        List<ImportedUser> users = new ArrayList<>();
        Map<String, Location> idsAt = new HashMap<>();
        Map<String, Location> firstAt = new HashMap<>();
        for (MongoExport.Entry e : entries) {
            if (e.problem() != null) {
                report.problem(new ImportReport.Problem(file, e.at(), null, e.problem()));
                continue;
            }
            String id = idOf(e.document());
            try {
                switch (documents.parse(e.at(), e.document())) {
                    case UserDocuments.Skipped s -> report.skipped(s.reason());
                    case UserDocuments.Valid v -> {
                        String duplicate = duplicateIn(v.user(), idsAt, firstAt);
                        if (duplicate != null) {
                            report.problem(new ImportReport.Problem(file, e.at(), id, duplicate));
                        } else {
                            users.add(v.user());
                        }
                    }
                }
            } catch (BadDocument bad) {
                report.problem(new ImportReport.Problem(file, e.at(), id, bad.getMessage()));
            }
        }
        return users;
    }

    /**
     * Why {@code user} repeats an earlier document's id, username, address or token (the first one wins), or null.
     * {@code firstAt} holds the lookup keys the earlier documents will take.
     */
    private static String duplicateIn(ImportedUser user, Map<String, Location> idsAt, Map<String, Location> firstAt) {
        Location first = idsAt.get(user.id());
        if (first != null) {
            return "the same _id as " + first + ", which is imported instead";
        }
        first = firstAt.get(LookupKeys.username(user.username()));
        if (first != null) {
            return "username " + Printable.of(user.username()) + " is the username of " + first
                    + " (usernames are unique without regard to case; the first one is imported)";
        }
        for (var email : user.emails()) {
            first = firstAt.get(LookupKeys.email(email.address()));
            if (first != null) {
                return "address " + Printable.of(email.address()) + " is an address of " + first
                        + " (addresses are unique without regard to case; the first one is imported)";
            }
        }
        for (var token : allTokens(user)) {
            first = firstAt.get(LookupKeys.loginToken(token.hashedToken()));
            if (first != null) {
                return "one of its tokens has the same hashedToken as a token of " + first + " (the first one is imported)";
            }
        }
        idsAt.put(user.id(), user.at());
        allTokens(user).forEach(t -> firstAt.put(LookupKeys.loginToken(t.hashedToken()), user.at()));
        firstAt.put(LookupKeys.username(user.username()), user.at());
        user.emails().forEach(em -> firstAt.put(LookupKeys.email(em.address()), user.at()));
        return null;
    }

    private static List<StoredToken> allTokens(ImportedUser user) {
        List<StoredToken> all = new ArrayList<>(user.personalAccessTokens());
        all.addAll(user.loginTokens());
        return all;
    }

    private static String idOf(JsonNode doc) {
        try {
            return ExtendedJson.id(doc.get("_id"), "_id");
        } catch (BadDocument e) {
            return null;
        }
    }

    /** The permissions this service uses, with their roles; Rocket.Chat's others are counted and left. */
    private static Map<String, List<String>> checkPermissions(List<MongoExport.Entry> entries, String file,
                                                             ImportReport report) {
        Set<String> used = Permissions.defaults().keySet();
        Map<String, List<String>> found = new LinkedHashMap<>();
        Map<String, Location> lines = new HashMap<>();
        for (MongoExport.Entry e : entries) {
            if (e.problem() != null) {
                report.problem(new ImportReport.Problem(file, e.at(), null, e.problem()));
                continue;
            }
            try {
                String id = ExtendedJson.id(e.document().get("_id"), "_id");
                if (id == null) {
                    throw new BadDocument("no _id");
                }
                List<String> roles = new ArrayList<>();
                int i = 0;
                for (JsonNode role : ExtendedJson.array(e.document().get("roles"), "roles")) {
                    String r = ExtendedJson.string(role, "roles[" + i++ + "]");
                    if (r != null && !roles.contains(r)) {
                        roles.add(r);
                    }
                }
                if (lines.containsKey(id)) {
                    throw new BadDocument("the same _id as " + lines.get(id) + ", which is imported instead");
                }
                lines.put(id, e.at());
                if (used.contains(id)) {
                    found.put(id, roles);
                } else {
                    report.permissionNotUsed();
                }
            } catch (BadDocument bad) {
                report.problem(new ImportReport.Problem(file, e.at(), idOf(e.document()), bad.getMessage()));
            }
        }
        return found;
    }

    // ---- writing -----------------------------------------------------------------------------

    /**
     * One import's constants. {@code importedIds}: the users of the file that are being written; a
     * name one of them holds here is one it gives up in this run (the file has no name twice).
     */
    private record Run(UserMerge merge, long now, boolean dryRun, Set<String> importedIds) { }

    /** How one user's import ended. {@code holder}: the user that holds a name this one needs. */
    private record Attempt(ImportedUser user, UserMerge.Plan plan, String rejected, String holder, String unavailable) {

        static Attempt done(ImportedUser user, UserMerge.Plan plan) {
            return new Attempt(user, plan, null, null, null);
        }

        static Attempt rejected(ImportedUser user, String why) {
            return new Attempt(user, null, why, null, null);
        }

        static Attempt taken(ImportedUser user, Taken taken) {
            return new Attempt(user, null, taken.message(), taken.holder(), null);
        }

        static Attempt unavailable(ImportedUser user, String why) {
            return new Attempt(user, null, null, null, why);
        }
    }

    /** A lookup item the user needs that names another user ({@code holder}, null if unknown). */
    private record Taken(String key, String holder) {

        String message() {
            String by = holder == null ? "another user" : "user " + Printable.of(holder);
            if (key.startsWith("username:")) {
                return "username " + Printable.of(key.substring("username:".length())) + " belongs to " + by
                        + " here; nothing of this user was written";
            }
            if (key.startsWith("email:")) {
                return "address " + Printable.of(key.substring("email:".length())) + " belongs to " + by
                        + " here; nothing of this user was written";
            }
            return "one of its login tokens belongs to " + by + " here; nothing of this user was written";
        }
    }

    /**
     * Writes every user, in chunks that {@code parallelism} workers take in turn; returns those to
     * try once more at the end. A chunk's users are read with one BatchGetItem and their lookup
     * items with another, so that a user already up to date costs no write and a name held by
     * another user no attempt.
     */
    private List<Attempt> writeAll(List<ImportedUser> users, Run run, Options options, Progress progress,
                                   ImportReport report, String file) {
        AtomicReference<String> stop = new AtomicReference<>();
        AtomicInteger done = new AtomicInteger();
        List<Attempt> retry = new ArrayList<>();
        int notAttempted = 0;
        progress.update(0, users.size());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.parallelism()));
        try {
            List<Future<List<Attempt>>> futures = new ArrayList<>();
            for (int from = 0; from < users.size(); from += CHUNK) {
                List<ImportedUser> chunk = users.subList(from, Math.min(users.size(), from + CHUNK));
                futures.add(pool.submit(() -> {
                    if (stop.get() != null) {
                        return List.of();
                    }
                    List<Attempt> attempts = writeChunk(chunk, run);
                    for (Attempt a : attempts) {
                        if (a.unavailable() != null) {
                            stop.compareAndSet(null, a.unavailable());
                        }
                    }
                    progress.update(done.addAndGet(chunk.size()), users.size());
                    return attempts;
                }));
            }
            for (int i = 0; i < futures.size(); i++) {
                List<Attempt> attempts = futures.get(i).get();
                notAttempted += Math.min(CHUNK, users.size() - i * CHUNK) - attempts.size();
                for (Attempt a : attempts) {
                    if (a.holder() != null && run.importedIds().contains(a.holder())) {
                        retry.add(a);
                    } else if (a.unavailable() != null) {
                        notAttempted++;
                    } else {
                        record(a, report, file);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.compareAndSet(null, "interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("an import task failed", e.getCause());
        } finally {
            pool.shutdownNow();
            progress.finished();
        }
        if (stop.get() != null) {
            report.stopped(stop.get(), notAttempted + retry.size());
            return List.of();
        }
        return retry;
    }

    /** One chunk of users; each ends done, rejected, in conflict, or (DynamoDB failing) unavailable. */
    private List<Attempt> writeChunk(List<ImportedUser> chunk, Run run) {
        List<Attempt> attempts = new ArrayList<>();
        List<ImportedUser> pending = new ArrayList<>(chunk);
        try {
            Map<String, UserMerge.Stored> stored = readAll(chunk.stream().map(ImportedUser::id).toList());
            List<UserMerge.Plan> plans = new ArrayList<>();
            for (ImportedUser user : chunk) {
                try {
                    UserMerge.Plan plan = run.merge().plan(user, Optional.ofNullable(stored.get(user.id())), run.now());
                    if (plan.changes()) {
                        plans.add(plan);
                    } else {
                        finish(attempts, pending, Attempt.done(user, plan));
                    }
                } catch (UserMerge.Unmergeable e) {
                    finish(attempts, pending, Attempt.rejected(user, e.getMessage()));
                }
            }
            Map<String, UserLookups.Lookup> held = readLookups(plans.stream()
                    .flatMap(p -> p.claims().stream()).map(UserMerge.Claim::key).toList());
            List<UserMerge.Plan> claimed = new ArrayList<>();
            for (UserMerge.Plan plan : plans) {
                Taken taken = heldByOthers(plan, held, run);
                if (taken == null && !run.dryRun()) {
                    taken = claimNames(plan, held);
                }
                if (taken != null) {
                    finish(attempts, pending, Attempt.taken(plan.incoming(), taken));
                } else if (run.dryRun()) {
                    finish(attempts, pending, Attempt.done(plan.incoming(), plan));
                } else {
                    claimed.add(plan);
                }
            }
            writeLoginTokenLookups(claimed, held);
            List<UserMerge.Plan> written = new ArrayList<>();
            for (UserMerge.Plan plan : claimed) {
                Attempt a = writeUser(plan, run);
                finish(attempts, pending, a);
                if (a.plan() == plan) {
                    written.add(plan);
                }
            }
            releaseUnused(written);
        } catch (StoreUnavailableException e) {
            pending.forEach(u -> attempts.add(Attempt.unavailable(u, "DynamoDB is unavailable: " + redact(e.getCause(), u))));
        } catch (SdkException e) {
            pending.forEach(u -> attempts.add(Attempt.unavailable(u, "DynamoDB is unavailable: " + redact(e, u))));
        }
        return attempts;
    }

    private static void finish(List<Attempt> attempts, List<ImportedUser> pending, Attempt a) {
        attempts.add(a);
        pending.remove(a.user());
    }

    private void putOrUpdate(UserMerge.Plan plan) throws UserMerge.Unmergeable {
        if (plan.isNew()) {
            dynamo.putItem(ImportWrites.newUser(usersTable, plan));
        } else {
            dynamo.updateItem(ImportWrites.update(usersTable, plan));
        }
    }

    /**
     * The user item's one conditional write (its lookup items no longer needed are given back by the
     * caller); if the user changed since it was read, the single-user path starts over.
     */
    private Attempt writeUser(UserMerge.Plan plan, Run run) throws StoreUnavailableException {
        try {
            putOrUpdate(plan);
        } catch (ConditionalCheckFailedException changedMeanwhile) {
            giveBack(plan);
            return writeOne(plan.incoming(), run);
        } catch (UserMerge.Unmergeable e) {
            giveBack(plan);
            return Attempt.rejected(plan.incoming(), e.getMessage());
        } catch (DynamoDbException e) {
            giveBack(plan);
            if (isUnavailability(e)) {
                throw e;
            }
            return Attempt.rejected(plan.incoming(), "DynamoDB refused the write: " + redact(e, plan.incoming()));
        }
        return Attempt.done(plan.incoming(), plan);
    }

    /** The users with these ids that are here (consistent reads, {@value #READ_BATCH} a request). */
    private Map<String, UserMerge.Stored> readAll(List<String> ids) {
        Map<String, UserMerge.Stored> found = new HashMap<>();
        for (int from = 0; from < ids.size(); from += READ_BATCH) {
            List<Map<String, AttributeValue>> keys = ids.subList(from, Math.min(ids.size(), from + READ_BATCH)).stream()
                    .map(id -> Map.of(UserItem.ID, AttributeValue.fromS(id))).toList();
            Map<String, KeysAndAttributes> request = Map.of(usersTable,
                    KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt > 0) {
                    pause(attempt);
                }
                Map<String, KeysAndAttributes> ask = request;
                BatchGetItemResponse r = dynamo.batchGetItem(b -> b.requestItems(ask));
                for (Map<String, AttributeValue> item : r.responses().getOrDefault(usersTable, List.of())) {
                    found.put(item.get(UserItem.ID).s(),
                            new UserMerge.Stored(UserItem.toUser(item), ImportMemory.of(item)));
                }
                request = r.hasUnprocessedKeys() ? r.unprocessedKeys() : Map.of();
            }
        }
        return found;
    }

    private Map<String, UserLookups.Lookup> readLookups(List<String> keys) throws StoreUnavailableException {
        List<String> distinct = keys.stream().distinct().toList();
        Map<String, UserLookups.Lookup> found = new HashMap<>();
        for (int from = 0; from < distinct.size(); from += READ_BATCH) {
            found.putAll(lookups.read(distinct.subList(from, Math.min(distinct.size(), from + READ_BATCH))));
        }
        return found;
    }

    /**
     * Which of the plan's lookup items already names another user, or null. In a dry run, a name
     * held by a user of the file is free: that user gives it up in this run.
     */
    private static Taken heldByOthers(UserMerge.Plan plan, Map<String, UserLookups.Lookup> held, Run run) {
        for (UserMerge.Claim c : plan.claims()) {
            UserLookups.Lookup l = held.get(c.key());
            if (l != null && l.userId() != null && !l.userId().equals(plan.result().id())
                    && !(run.dryRun() && run.importedIds().contains(l.userId()))) {
                return new Taken(c.key(), l.userId());
            }
        }
        return null;
    }

    /**
     * Takes the plan's username and addresses not already the user's, each with a conditional
     * write, so that no two users can hold one; gives back what it took if one is taken meanwhile.
     */
    private Taken claimNames(UserMerge.Plan plan, Map<String, UserLookups.Lookup> held) throws StoreUnavailableException {
        String userId = plan.result().id();
        List<String> claimed = new ArrayList<>();
        for (UserMerge.Claim c : plan.claims()) {
            if (isLoginTokenKey(c.key()) || heldBy(held, c.key(), userId)) {
                continue;
            }
            try {
                lookups.claim(c.key(), userId, c.expiresAtSeconds());
                claimed.add(c.key());
            } catch (ConditionFailedException taken) {
                for (String key : claimed) {
                    lookups.release(key, userId);
                }
                UserLookups.Lookup holder = lookups.read(List.of(c.key())).get(c.key());
                return new Taken(c.key(), holder == null ? null : holder.userId());
            }
        }
        return null;
    }

    /**
     * The login tokens' lookup items, {@value #WRITE_BATCH} a request and without conditions: their
     * keys are hashes of random secrets, checked unique in the file, and read above not to name
     * another user, so no other user can come to hold one.
     */
    private void writeLoginTokenLookups(List<UserMerge.Plan> plans, Map<String, UserLookups.Lookup> held) {
        List<WriteRequest> puts = new ArrayList<>();
        for (UserMerge.Plan plan : plans) {
            for (UserMerge.Claim c : plan.claims()) {
                if (isLoginTokenKey(c.key()) && !heldBy(held, c.key(), plan.result().id())) {
                    puts.add(WriteRequest.builder().putRequest(PutRequest.builder()
                            .item(DynamoDbUserLookups.claimItem(c.key(), plan.result().id(), c.expiresAtSeconds()))
                            .build()).build());
                }
            }
        }
        batchWrite(puts);
    }

    /** Writes to the lookups table, {@value #WRITE_BATCH} a request, retrying what DynamoDB leaves unprocessed. */
    private void batchWrite(List<WriteRequest> writes) {
        for (int from = 0; from < writes.size(); from += WRITE_BATCH) {
            Map<String, List<WriteRequest>> request = Map.of(lookupsTable,
                    writes.subList(from, Math.min(writes.size(), from + WRITE_BATCH)));
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt > 0) {
                    pause(attempt);
                }
                Map<String, List<WriteRequest>> ask = request;
                BatchWriteItemResponse r = dynamo.batchWriteItem(b -> b.requestItems(ask));
                request = r.hasUnprocessedItems() ? r.unprocessedItems() : Map.of();
            }
        }
    }

    private static boolean heldBy(Map<String, UserLookups.Lookup> held, String key, String userId) {
        UserLookups.Lookup l = held.get(key);
        return l != null && userId.equals(l.userId());
    }

    private static boolean isLoginTokenKey(String key) {
        return key.startsWith(LookupKeys.loginToken(""));
    }

    /** Backs off before retrying what DynamoDB left unprocessed (throttling); gives up after a while. */
    private static void pause(int attempt) {
        if (attempt > UNPROCESSED_RETRIES) {
            throw SdkException.builder().message("DynamoDB left items unprocessed " + UNPROCESSED_RETRIES
                    + " times in a row").build();
        }
        try {
            Thread.sleep(Math.min(2_000L, 50L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkException.builder().message("interrupted").build();
        }
    }

    private static void record(Attempt a, ImportReport report, String file) {
        if (a.plan() != null) {
            report.written(a.plan());
        } else {
            String why = a.rejected() != null ? a.rejected() : a.unavailable();
            report.problem(new ImportReport.Problem(file, a.user().at(), a.user().id(), why));
        }
    }

    /**
     * One user on its own, whole or not at all: read, claims, one conditional write, claims given
     * back if it fails; read again and merge again if the user changed in between.
     */
    private Attempt writeOne(ImportedUser user, Run run) {
        try {
            for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
                UserMerge.Plan plan;
                try {
                    plan = run.merge().plan(user, Optional.ofNullable(readAll(List.of(user.id())).get(user.id())), run.now());
                } catch (UserMerge.Unmergeable e) {
                    return Attempt.rejected(user, e.getMessage());
                }
                if (!plan.changes()) {
                    return Attempt.done(user, plan);
                }
                Map<String, UserLookups.Lookup> held = readLookups(plan.claims().stream().map(UserMerge.Claim::key).toList());
                Taken taken = heldByOthers(plan, held, run);
                if (taken == null && !run.dryRun()) {
                    taken = claimNames(plan, held);
                }
                if (taken != null) {
                    return Attempt.taken(user, taken);
                }
                if (run.dryRun()) {
                    return Attempt.done(user, plan);
                }
                writeLoginTokenLookups(List.of(plan), held);
                try {
                    putOrUpdate(plan);
                } catch (ConditionalCheckFailedException changedMeanwhile) {
                    giveBack(plan);
                    continue;
                } catch (UserMerge.Unmergeable e) {
                    giveBack(plan);
                    return Attempt.rejected(user, e.getMessage());
                } catch (RuntimeException e) {
                    giveBack(plan);
                    throw e;
                }
                releaseUnused(List.of(plan));
                return Attempt.done(user, plan);
            }
            return Attempt.rejected(user, "changed here while it was being imported, " + WRITE_ATTEMPTS
                    + " times; run the import again");
        } catch (StoreUnavailableException e) {
            return Attempt.unavailable(user, "DynamoDB is unavailable: " + redact(e.getCause(), user));
        } catch (DynamoDbException e) {
            if (isUnavailability(e)) {
                return Attempt.unavailable(user, "DynamoDB is unavailable: " + redact(e, user));
            }
            return Attempt.rejected(user, "DynamoDB refused the write: " + redact(e, user));
        } catch (SdkException e) {
            return Attempt.unavailable(user, "DynamoDB is unavailable: " + redact(e, user));
        }
    }

    /**
     * Gives back the lookup items the written users no longer need (an old username or address, a
     * login token gone from Rocket.Chat), {@value #WRITE_BATCH} a request. Deleting without a
     * condition is safe: each still names its user, and while it does no other user can take it.
     * The users are written by now: an item left behind (DynamoDB failing) names its user for a name
     * it no longer has, and a login by it finds the user, whose password or token must still match.
     */
    private void releaseUnused(List<UserMerge.Plan> written) {
        List<WriteRequest> deletes = new ArrayList<>();
        for (UserMerge.Plan plan : written) {
            for (String key : plan.releases()) {
                deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                        .key(DynamoDbUserLookups.itemKey(key)).build()).build());
            }
        }
        try {
            batchWrite(deletes);
        } catch (SdkException e) {
            // the users are written; what is left names them only (see above)
        }
    }

    private void giveBack(UserMerge.Plan plan) throws StoreUnavailableException {
        for (UserMerge.Claim c : plan.claims()) {
            lookups.release(c.key(), plan.result().id());
        }
    }

    private void setPermission(String id, List<String> roles) {
        dynamo.putItem(b -> b.tableName(permissionsTable).item(Map.of(
                UserItem.ID, AttributeValue.fromS(id),
                UserItem.PERMISSION_ROLES, AttributeValue.fromL(roles.stream().map(AttributeValue::fromS).toList()))));
    }

    private static boolean isUnavailability(DynamoDbException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return e.statusCode() >= 500 || e.isThrottlingException() || "ResourceNotFoundException".equals(code)
                || "RequestLimitExceeded".equals(code) || "ProvisionedThroughputExceededException".equals(code);
    }

    /** An SDK message may quote what was sent: the user's hashes and secret are taken out. */
    private static String redact(Throwable e, ImportedUser user) {
        String message = e == null || e.getMessage() == null ? "no detail" : e.getMessage();
        for (String secret : user.secrets()) {
            message = message.replace(secret, "<redacted>");
        }
        return message;
    }
}
