package dev.rcpat.mail;

import dev.rcpat.domain.TokenChange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The words of the token notice. */
class TokenNoticeMailTest {

    static final long AT = 1_795_860_000_000L; // 2026-11-28 10:00:00 UTC

    @Test
    void theCreatedNoticeNamesTokenTimeAddressAndClientAndSaysWhatToDo() {
        TokenNotice notice = new TokenNotice("alice", "ci", TokenChange.CREATED, AT, "203.0.113.9", "curl/8.5.0");
        assertEquals("A personal access token was added to your account", TokenNoticeMail.subject(TokenChange.CREATED));
        assertEquals("""
                Hi alice,

                The personal access token "ci" was created for your account.

                    When:        2026-11-28 10:00:00 UTC
                    IP address:  203.0.113.9
                    Client:      curl/8.5.0

                If this was you, there is nothing to do.

                If it was not you, someone else has signed in as you. Remove the token "ci" at once, change your\
                 password, log out your other sessions, and tell your administrator.

                You get this notice at every verified address of your account whenever one of its personal access\
                 tokens is created, regenerated or removed.
                """, TokenNoticeMail.text("alice", notice));
    }

    @Test
    void eachChangeHasItsOwnSubjectAndAdvice() {
        assertEquals("A personal access token of your account was regenerated",
                TokenNoticeMail.subject(TokenChange.REGENERATED));
        assertEquals("A personal access token was removed from your account", TokenNoticeMail.subject(TokenChange.REMOVED));
        String regenerated = TokenNoticeMail.text("bob", new TokenNotice("bob", "deploy", TokenChange.REGENERATED, AT,
                "198.51.100.7", "rcpat-cli"));
        assertTrue(regenerated.contains("The personal access token \"deploy\" of your account was regenerated: it has a"
                + " new secret, and the old one no longer works."), regenerated);
        String removed = TokenNoticeMail.text("bob", new TokenNotice("bob", "deploy", TokenChange.REMOVED, AT,
                "198.51.100.7", "rcpat-cli"));
        assertTrue(removed.contains("The personal access token \"deploy\" was removed from your account."), removed);
        assertTrue(removed.contains("Change your password, log out your other sessions, check your other personal"
                + " access tokens, and tell your administrator."), removed);
    }

    /** A client chose the token name and its user agent: they are shown as text, short, and cannot hide or reorder it. */
    @Test
    void clientTextIsEscapedBoundedAndStrippedOfHiddenCharacters() {
        String userAgent = "<script>alert(1)</script> \u202Egnp.exe\u200B\r\nBcc: x@example.com " + "a".repeat(500);
        TokenNotice notice = new TokenNotice("eve & co", "a<b>\"c\"", TokenChange.CREATED, AT, "", userAgent);
        String html = TokenNoticeMail.html("eve & co", notice);
        assertTrue(html.contains("<b>a&lt;b&gt;&quot;c&quot;</b>"), html);
        assertTrue(html.contains("Hi eve &amp; co,"), html);
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("<tr><td>IP address</td><td>(not known)</td></tr>"), html);
        String text = TokenNoticeMail.text("eve & co", notice);
        String client = text.lines().filter(l -> l.startsWith("    Client:")).findFirst().orElseThrow();
        assertTrue(client.contains("\uFFFDgnp.exe\uFFFD\uFFFD\uFFFDBcc"), client);
        assertEquals("    Client:      ".length() + TokenNoticeMail.MAX_SHOWN + 3, client.length(), client);
        assertTrue(client.endsWith("..."), client);
        assertEquals(1, text.lines().filter(l -> l.contains("Bcc")).count(), "no line break from the client");
    }

    @Test
    void theHtmlPartSaysWhatTheTextPartSays() {
        TokenNotice notice = new TokenNotice(null, "ci", TokenChange.CREATED, AT, "203.0.113.9", "curl/8.5.0");
        assertEquals("<p>Hi carol@example.com,</p>"
                + "<p>The personal access token <b>ci</b> was created for your account.</p>"
                + "<table><tr><td>When</td><td>2026-11-28 10:00:00 UTC</td></tr>"
                + "<tr><td>IP address</td><td>203.0.113.9</td></tr>"
                + "<tr><td>Client</td><td>curl/8.5.0</td></tr></table>"
                + "<p>If this was you, there is nothing to do.</p>"
                + "<p>If it was not you, someone else has signed in as you. Remove the token <b>ci</b> at once, change"
                + " your password, log out your other sessions, and tell your administrator.</p>"
                + "<p style=\"color:#666\">You get this notice at every verified address of your account whenever one"
                + " of its personal access tokens is created, regenerated or removed.</p>",
                TokenNoticeMail.html("carol@example.com", notice));
    }
}
