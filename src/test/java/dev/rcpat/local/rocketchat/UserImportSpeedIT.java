package dev.rcpat.local.rocketchat;

import dev.rcpat.auth.Secrets;
import dev.rcpat.local.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 users (each with a password, an address, a login token and a personal access token;
 * every tenth with TOTP) imported into the local DynamoDB emulator with the parallelism bin/local
 * uses, within a minute of two cores' work. Prints the wall and CPU times of the first run and the
 * time of a second, unchanged one ({@code -Drcpat.importSpeedUsers=N} for another count).
 */
class UserImportSpeedIT {

    static final int USERS = Integer.getInteger("rcpat.importSpeedUsers", 10_000);
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    /** A real Meteor bcrypt hash (from the fixtures): hashing 10,000 passwords would measure bcrypt, not the import. */
    static final String BCRYPT = "$2b$10$yfwrhqdRWREpJskPZHkPeecXQ3svOBe1yQhBkZYlIWFQJ/n8uD4lO";

    @Test
    void tenThousandUsersInUnderAMinute() throws Exception {
        Path file = Files.createTempFile("rcpat-speed-users", ".json");
        writeUsers(file, USERS);
        ImportTables tables = new ImportTables();
        UserImport importer = tables.importer(Clock.fixed(NOW, ZoneOffset.UTC));
        UserImport.Options options = new UserImport.Options(false, false, dev.rcpat.local.LocalCliAccess.importParallelism());

        Duration clientCpu = processCpu();
        Duration emulatorCpu = emulatorCpu();
        long start = System.nanoTime();
        ImportReport first = importer.run(file, null, options, UserImport.Progress.NONE);
        Duration firstRun = Duration.ofNanos(System.nanoTime() - start);
        clientCpu = processCpu().minus(clientCpu);
        emulatorCpu = emulatorCpu().minus(emulatorCpu);
        assertEquals(USERS, first.imported(), first.problemLines().toString());
        assertTrue(first.complete());

        start = System.nanoTime();
        ImportReport second = importer.run(file, null, options, UserImport.Progress.NONE);
        Duration secondRun = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(USERS, second.unchanged());
        Files.delete(file);

        System.out.printf("import of %,d users: first run %.1f s (%.0f users/s; CPU: this JVM %.1f s, dynalite %.1f s;"
                        + " load average %.1f), second run (unchanged) %.1f s%n",
                USERS, firstRun.toMillis() / 1000.0, USERS * 1000.0 / firstRun.toMillis(), clientCpu.toMillis() / 1000.0,
                emulatorCpu.toMillis() / 1000.0, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                secondRun.toMillis() / 1000.0);
        assertEquals(USERS, tables.scan(tables.users()).size());
        // "Under a minute on 2 cores", on a machine other builds share: the work, this JVM's and the
        // emulator's together, fits in two cores for a minute, and the emulator's (one thread) in one.
        // The wall time is printed beside it (README, "Importing users from Rocket.Chat").
        assertTrue(clientCpu.plus(emulatorCpu).compareTo(Duration.ofMinutes(2)) < 0,
                "CPU: this JVM " + clientCpu + ", dynalite " + emulatorCpu);
        assertTrue(emulatorCpu.compareTo(Duration.ofMinutes(1)) < 0, "dynalite's CPU: " + emulatorCpu);
    }

    /** CPU time of this JVM, every thread (the import's, the HTTP client's, the JIT compilers', GC). */
    static Duration processCpu() {
        return Duration.ofNanos(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime());
    }

    /** CPU time of the DynamoDB emulator this JVM started (zero when it did not start one). */
    static Duration emulatorCpu() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains("dynalite")).orElse(false))
                .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    static void writeUsers(Path file, int count) throws IOException {
        long day = Duration.ofDays(1).toMillis();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                ObjectNode u = Json.MAPPER.createObjectNode();
                u.put("_id", String.format("Speed%012d", i));
                u.set("createdAt", date(NOW.toEpochMilli() - 300 * day));
                ObjectNode services = u.putObject("services");
                services.putObject("password").put("bcrypt", BCRYPT);
                if (i % 10 == 0) {
                    ObjectNode totp = services.putObject("totp").put("enabled", true).put("secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
                    ArrayNode backup = totp.putArray("hashedBackup");
                    for (int c = 0; c < 12; c++) {
                        backup.add(Secrets.sha256Hex("code" + i + "-" + c));
                    }
                }
                ArrayNode tokens = services.putObject("resume").putArray("loginTokens");
                tokens.addObject().put("hashedToken", Secrets.hashToken("login-" + i)).set("when", date(NOW.toEpochMilli() - day));
                tokens.addObject().put("hashedToken", Secrets.hashToken("pat-" + i)).put("type", "personalAccessToken")
                        .put("name", "ci").put("lastTokenPart", "abcdef").put("bypassTwoFactor", false)
                        .set("createdAt", date(NOW.toEpochMilli() - 10 * day));
                u.put("username", "user" + i);
                u.putArray("emails").addObject().put("address", "user" + i + "@example.com").put("verified", true);
                u.put("type", "user");
                u.put("active", true);
                u.putArray("roles").add("user");
                u.put("name", "User " + i);
                w.write(Json.MAPPER.writeValueAsString(u));
                w.write('\n');
            }
        }
    }

    private static ObjectNode date(long millis) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("$date", Instant.ofEpochMilli(millis).toString());
        return d;
    }
}
