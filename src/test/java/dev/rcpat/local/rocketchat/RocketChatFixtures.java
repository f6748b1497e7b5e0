package dev.rcpat.local.rocketchat;

import dev.rcpat.auth.Secrets;
import dev.rcpat.testing.LogCapture;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Rocket.Chat export fixtures under {@code src/test/resources/dev/rcpat/local/rocketchat/}
 * (how they were made: the README there) and the plaintexts behind their hashes, which live only
 * here: passwords, tokens and backup codes as the Rocket.Chat users and their CI jobs know them.
 *
 * <p>{@code users.json}, one document per line, relaxed Extended JSON:
 * <ol>
 *   <li>ada: admin, password fallback, a fresh login token (with remember fields) and an expired one,
 *       personal access tokens {@code ci} and {@code deploy} (bypassTwoFactor)</li>
 *   <li>grace: TOTP (secret and 12 hashed backup codes), a login token, personal access token {@code laptop}</li>
 *   <li>edsger: email two-factor, a login token, personal access token {@code ci}</li>
 *   <li>rocket.cat: a bot without tokens (skipped)</li>
 *   <li>build-bot: a bot with personal access token {@code jenkins} (bypassTwoFactor), no password</li>
 *   <li>Ada: the username of line 1 in other case (rejected)</li>
 *   <li>a truncated document (not valid JSON)</li>
 *   <li>a document without {@code _id}</li>
 * </ol>
 * {@code users-array-canonical.json} holds lines 1-5 as {@code mongoexport --jsonArray --jsonFormat=canonical}
 * writes them (one line); {@code rocketchat_permissions.json} four permissions, two of which this service uses.
 */
public final class RocketChatFixtures {

    /** The time the fixtures were exported at: ada's fresh login token is 3 days old, her other one 121. */
    static final Instant EXPORTED_AT = Instant.parse("2026-12-01T12:00:00Z");

    static final String ADA_ID = "Q46dYXTgqi5iYbBai";
    static final String GRACE_ID = "ca6mtQex52ij2pjpR";
    static final String EDSGER_ID = "PpaP8K6a6rpppXj2c";
    static final String BUILD_BOT_ID = "g3BAfFTjvvmq6yB9g";
    static final String OTHER_ADA_ID = "A7bw5c2WqqQjFzwPk";

    public static final String ADA_PASSWORD = "ada-analytical-engine-1843";
    static final String GRACE_PASSWORD = "grace-cobol-compiler-1959";
    static final String EDSGER_PASSWORD = "edsger-goto-considered-1968";
    static final String OTHER_ADA_PASSWORD = "another-ada-password";

    static final String ADA_CI = "DZkZRh1Qi6gNBj7Gd510tB_nCDAVIpEaOU0Cf4oZYEU";
    static final String ADA_DEPLOY = "V99PMynzUPdyg5K0I6pMruJVlpWmpq37ngziT17ThQw";
    static final String ADA_LOGIN_FRESH = "fgFY0XUfiJtd-d0oBz6x7BvyLdRUS-Thy2W24KifG-C";
    static final String ADA_LOGIN_EXPIRED = "h6R3NgRRypEJ8BsIeSzTumj4yYYFNyGoQrvIhsBHmPz";
    static final String GRACE_LAPTOP = "fV7u4VRyGwInFw6eFX58pnAkn7gUGz9stTZVNT6Mcm7";
    static final String GRACE_LOGIN = "wb07tygsnLVBiE2v9y3jTa_RY_b_QCRofAtvJw0UbSc";
    static final String EDSGER_CI = "t-1-s3ix32v3PYnkWuZRMXiFQNVdE_MxUjLMPzutJf6";
    static final String EDSGER_LOGIN = "PFGxDlUjx7z_N005XijO6oSTneE-ePVFpK-wy5NJUOE";
    static final String BUILD_BOT_JENKINS = "foWGIKo-I4a_8F_PZzdAO5UlfaTvT2rtRFTK-Ez7PsS";
    static final String OTHER_ADA_LOGIN = "b2Y66iuR7u7wdw8BY8KfwR32bfHUrG0fLe6WVnwqSz8";

    static final List<String> GRACE_BACKUP_CODES = List.of("D8JcMM6J", "a5si5me2", "tNXgBGRT", "Ecb5g9dg", "tuZg2jFH",
            "rPrAfWq9", "ZAtnsiFF", "ur8RSoi4", "2ADpNnyN", "ssobQrY2", "YKkNSZq4", "rnLfmpLS");
    /** As in services.totp.secret: the exported secret an authenticator app was enrolled with. */
    static final String GRACE_TOTP_SECRET = "DTZ4R36KX2UM2BBFJGW3NDL5SE26DV3HMFR2XLNA4NTD4HHYC7NQ";

    public static final String ADA_BCRYPT = "$2b$10$yfwrhqdRWREpJskPZHkPeecXQ3svOBe1yQhBkZYlIWFQJ/n8uD4lO";

    private RocketChatFixtures() { }

    static Path file(String name) {
        try {
            return Path.of(RocketChatFixtures.class.getResource("/dev/rcpat/local/rocketchat/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path users() {
        return file("users.json");
    }

    static Path usersArrayCanonical() {
        return file("users-array-canonical.json");
    }

    static Path permissions() {
        return file("rocketchat_permissions.json");
    }

    static List<String> tokens() {
        return List.of(ADA_CI, ADA_DEPLOY, ADA_LOGIN_FRESH, ADA_LOGIN_EXPIRED, GRACE_LAPTOP, GRACE_LOGIN, EDSGER_CI,
                EDSGER_LOGIN, BUILD_BOT_JENKINS, OTHER_ADA_LOGIN);
    }

    /**
     * Every secret of the fixtures, plaintext and stored form, that must never be printed or
     * logged: passwords and their digests, tokens and their hashes, backup codes and their
     * hashes, the TOTP secret and the bcrypt hashes of the file.
     */
    static List<String> secrets() {
        List<String> all = new ArrayList<>();
        for (String password : List.of(ADA_PASSWORD, GRACE_PASSWORD, EDSGER_PASSWORD, OTHER_ADA_PASSWORD)) {
            all.add(password);
            all.add(Secrets.sha256Hex(password));
        }
        for (String token : tokens()) {
            all.add(token);
            all.add(Secrets.hashToken(token));
        }
        for (String code : GRACE_BACKUP_CODES) {
            all.add(code);
            all.add(Secrets.sha256Hex(code));
        }
        all.add(GRACE_TOTP_SECRET);
        all.addAll(bcryptHashesOf(users()));
        return all;
    }

    /** Registers {@link #secrets()} with the log scan. */
    static void registerSecrets() {
        secrets().forEach(LogCapture::secret);
    }

    private static List<String> bcryptHashesOf(Path file) {
        try {
            var m = java.util.regex.Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}")
                    .matcher(java.nio.file.Files.readString(file));
            List<String> out = new ArrayList<>();
            while (m.find()) {
                out.add(m.group());
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
