package dev.rcpat.mail;

/** The words of the code mail. */
public final class CodeMail {

    private CodeMail() { }

    public static String text(String username, String shownCode) {
        return "Hi " + username + ",\n\n"
                + "Here is your authentication code:\n\n"
                + "    " + shownCode + "\n\n"
                + "Do not share this code with anyone.\n"
                + "If you did not try to sign in or create a token, ignore this email.\n";
    }

    public static String html(String username, String shownCode) {
        return "<p>Hi " + escape(username) + ",</p>"
                + "<p>Here is your authentication code:</p>"
                + "<p style=\"font-size:24px;font-weight:bold;letter-spacing:2px\">" + shownCode + "</p>"
                + "<p>Do not share this code with anyone.<br>"
                + "If you did not try to sign in or create a token, ignore this email.</p>";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
