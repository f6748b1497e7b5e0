package dev.rcpat.local;

import java.util.Map;

/**
 * What a running {@code bin/local serve} tells the other subcommands (the state file): where
 * the API and the emulators are, the table names, and the environment its functions run with.
 */
public record LocalState(
        long pid,
        String apiUrl,
        String dynamodbEndpoint,
        String sesEndpoint,
        String usersTable,
        String permissionsTable,
        String lookupsTable,
        String dataDir,
        String startedAt,
        Map<String, String> environment) {
}
