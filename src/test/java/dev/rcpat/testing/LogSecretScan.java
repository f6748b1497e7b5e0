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
                if (appears(secret, line)) {
                    leaks.add("a secret of length " + secret.length() + " appears in: " + line.replace(secret, "<SECRET>"));
                }
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("secrets in the log:\n" + String.join("\n", leaks));
        }
    }

    /**
     * A six-digit code is only a leak as a number of its own: inside a timestamp or a longer
     * random number it is a coincidence that would fail the scan at random.
     */
    static boolean appears(String secret, String line) {
        if (!secret.chars().allMatch(Character::isDigit)) {
            return line.contains(secret);
        }
        for (int at = line.indexOf(secret); at >= 0; at = line.indexOf(secret, at + 1)) {
            boolean digitBefore = at > 0 && Character.isDigit(line.charAt(at - 1));
            int end = at + secret.length();
            boolean digitAfter = end < line.length() && Character.isDigit(line.charAt(end));
            if (!digitBefore && !digitAfter) {
                return true;
            }
        }
        return false;
    }
}
