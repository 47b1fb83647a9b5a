package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.jline.terminal.Size;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;

/** Progress goes to a terminal as a jline status line, and nowhere when output is piped. */
class ProgressTest {
    @Test
    void pipedOutputGetsNoProgress() {
        Io piped = new Io(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), false);
        assertSame(Progress.NONE, Progress.open(piped));
    }

    @Test
    void aTerminalGetsAStatusLineBelowAScrollRegion() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        // an external terminal writes synchronously to the stream (a pty-backed one would copy it on a thread)
        ExternalTerminal t = new ExternalTerminal("test", "xterm-256color", new ByteArrayInputStream(new byte[0]), screen,
                StandardCharsets.UTF_8);
        t.setSize(new Size(80, 24));
        try (Progress p = Progress.on(t, true)) {
            p.show(Progress.reading("/data/trace.json.gz", 512, 2048, 65536));
        }
        String s = screen.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("autoglm: reading trace.json.gz: 25% of 2.00 KiB, 65,536 events"), s);
        int region = s.indexOf("\u001b[1;23r");
        assertTrue(region >= 0, "a scroll region above the status line: " + s.replace("\u001b", "ESC"));
        assertTrue(s.indexOf("\u001b[1;24r", region) > region, "the whole screen scrolls again at the end: "
                + s.replace("\u001b", "ESC"));
    }

    @Test
    void readingText() {
        assertEquals("autoglm: reading t.json: 100% of 10 B, 3 events", Progress.reading("t.json", 10, 10, 3));
    }
}
