package dev.rcpat.local.rocketchat;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * A progress bar on one terminal line ({@code \r}-rewritten), at most five times a second, for
 * imports large enough to take a while. Erased when the work is done, so that the summary stands alone.
 */
public final class ProgressBar implements UserImport.Progress {

    /** Smaller imports finish before a bar would tell anything. */
    public static final int MIN_USERS = 1000;
    private static final int WIDTH = 30;
    private static final long INTERVAL_MILLIS = 200;

    private final PrintStream terminal;
    private final LongSupplier millis;
    private long shownAt = Long.MIN_VALUE;
    private boolean shown;
    private int width;

    public ProgressBar(PrintStream terminal, LongSupplier millis) {
        this.terminal = terminal;
        this.millis = millis;
    }

    @Override
    public synchronized void update(int done, int total) {
        if (total < MIN_USERS) {
            return;
        }
        if (done >= total) {
            finished();
            return;
        }
        long now = millis.getAsLong();
        if (shown && now - shownAt < INTERVAL_MILLIS) {
            return;
        }
        shownAt = now;
        shown = true;
        String line = line(done, total);
        width = Math.max(width, line.length());
        terminal.print("\r" + line);
        terminal.flush();
    }

    /** Erases the bar, if one is shown (the import may have stopped before the end). */
    @Override
    public synchronized void finished() {
        if (shown) {
            terminal.print("\r" + " ".repeat(width) + "\r");
            terminal.flush();
            shown = false;
        }
    }

    static String line(int done, int total) {
        int filled = (int) ((long) WIDTH * done / total);
        return String.format(java.util.Locale.ROOT, "importing users [%s%s] %,d/%,d", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total);
    }
}
