package dev.rcpat.mail;

import dev.rcpat.domain.TokenChange;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The words of the token notice: what happened to which token, when, from which address and
 * client, and what to do if it was not the user. The token and its last characters are never in
 * it: the mail may be read by whoever reads the mailbox. Text a client chose (the token name, the
 * user agent) is cut short and stripped of characters that could hide or reorder what is shown.
 */
public final class TokenNoticeMail {

    /** Longest client-chosen text shown (the user agent can be anything up to API Gateway's header limit). */
    static final int MAX_SHOWN = 200;

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private TokenNoticeMail() { }

    public static String subject(TokenChange change) {
        return switch (change) {
            case CREATED -> "A personal access token was added to your account";
            case REGENERATED -> "A personal access token of your account was regenerated";
            case REMOVED -> "A personal access token was removed from your account";
        };
    }

    public static String text(String greeted, TokenNotice notice) {
        String name = shown(notice.tokenName());
        return "Hi " + shown(greeted) + ",\n\n"
                + what(notice.change(), "\"" + name + "\"") + "\n\n"
                + "    When:        " + WHEN.format(Instant.ofEpochMilli(notice.at())) + "\n"
                + "    IP address:  " + orUnknown(shown(notice.sourceIp())) + "\n"
                + "    Client:      " + orUnknown(shown(notice.userAgent())) + "\n\n"
                + "If this was you, there is nothing to do.\n\n"
                + ifNotYou(notice.change(), "\"" + name + "\"") + "\n\n"
                + "You get this notice at every verified address of your account whenever one of its personal"
                + " access tokens is created, regenerated or removed.\n";
    }

    public static String html(String greeted, TokenNotice notice) {
        String name = "<b>" + escape(shown(notice.tokenName())) + "</b>";
        return "<p>Hi " + escape(shown(greeted)) + ",</p>"
                + "<p>" + what(notice.change(), name) + "</p>"
                + "<table>"
                + "<tr><td>When</td><td>" + WHEN.format(Instant.ofEpochMilli(notice.at())) + "</td></tr>"
                + "<tr><td>IP address</td><td>" + escape(orUnknown(shown(notice.sourceIp()))) + "</td></tr>"
                + "<tr><td>Client</td><td>" + escape(orUnknown(shown(notice.userAgent()))) + "</td></tr>"
                + "</table>"
                + "<p>If this was you, there is nothing to do.</p>"
                + "<p>" + ifNotYou(notice.change(), name) + "</p>"
                + "<p style=\"color:#666\">You get this notice at every verified address of your account whenever one"
                + " of its personal access tokens is created, regenerated or removed.</p>";
    }

    private static String what(TokenChange change, String name) {
        return switch (change) {
            case CREATED -> "The personal access token " + name + " was created for your account.";
            case REGENERATED -> "The personal access token " + name
                    + " of your account was regenerated: it has a new secret, and the old one no longer works.";
            case REMOVED -> "The personal access token " + name + " was removed from your account.";
        };
    }

    private static String ifNotYou(TokenChange change, String name) {
        String signedIn = "If it was not you, someone else has signed in as you.";
        return switch (change) {
            case CREATED, REGENERATED -> signedIn + " Remove the token " + name + " at once, change your password,"
                    + " log out your other sessions, and tell your administrator.";
            case REMOVED -> signedIn + " Change your password, log out your other sessions, check your other"
                    + " personal access tokens, and tell your administrator.";
        };
    }

    private static String orUnknown(String text) {
        return text.isBlank() ? "(not known)" : text;
    }

    /**
     * {@code text} as it may be shown: control, format (bidirectional overrides, zero-width) and
     * line-separating characters replaced by U+FFFD, and at most {@link #MAX_SHOWN} characters.
     */
    static String shown(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> out.appendCodePoint(switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE -> 0xFFFD;
            default -> c;
        }));
        if (out.length() <= MAX_SHOWN) {
            return out.toString();
        }
        int end = Character.isHighSurrogate(out.charAt(MAX_SHOWN - 1)) ? MAX_SHOWN - 1 : MAX_SHOWN;
        return out.substring(0, end) + "...";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
