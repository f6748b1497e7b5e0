package dev.rcpat.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * After each integration test class: no captured log line may contain any secret registered so
 * far (plaintext tokens, their hashes, passwords, codes, TOTP secrets).
 */
public final class LogSecretScan implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> lines = LogCapture.lines();
        List<String> secrets = LogCapture.secrets();
        if (lines.isEmpty()) {
            throw new AssertionError("no log line was captured: the scan would prove nothing");
        }
        List<String> leaks = new ArrayList<>();
        for (String secret : secrets) {
            for (String line : lines) {
                if (line.contains(secret)) {
                    leaks.add("a secret of length " + secret.length() + " appears in: " + line.replace(secret, "<SECRET>"));
                }
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("secrets in the log:\n" + String.join("\n", leaks));
        }
    }
}
