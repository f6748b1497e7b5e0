package dev.rcpat.local.rocketchat;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The terminal line of a large import: redrawn at most five times a second, erased at the end. */
class ProgressBarTest {

    final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    final AtomicLong now = new AtomicLong(1_000);
    final ProgressBar bar = new ProgressBar(new PrintStream(terminal, true, StandardCharsets.UTF_8), now::get);

    String shown() {
        String s = terminal.toString(StandardCharsets.UTF_8);
        terminal.reset();
        return s;
    }

    @Test
    void aLargeImportShowsItsProgressOnOneLine() {
        bar.update(0, 10_000);
        assertEquals("\rimporting users [..............................] 0/10,000", shown());
        bar.update(2_500, 10_000);
        assertEquals("", shown(), "not twice within 200 ms");
        now.addAndGet(200);
        bar.update(5_000, 10_000);
        assertEquals("\rimporting users [###############...............] 5,000/10,000", shown());
        bar.update(10_000, 10_000);
        String line = "importing users [###############...............] 5,000/10,000";
        assertEquals("\r" + " ".repeat(line.length()) + "\r", shown(), "erased, so that the summary stands alone");
        bar.finished();
        assertEquals("", shown(), "once");
    }

    @Test
    void anImportThatStopsEarlyErasesItsBarToo() {
        bar.update(0, 10_000);
        shown();
        bar.finished();
        String line = "importing users [..............................] 0/10,000";
        assertEquals("\r" + " ".repeat(line.length()) + "\r", shown());
    }

    @Test
    void aSmallImportShowsNothing() {
        bar.update(0, 999);
        bar.update(999, 999);
        assertEquals("", shown());
    }
}
