package autoglm.read.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server-sent-event reader holds nothing without bound (issue 32, "Memory without bound"; docs/load.md#limits):
 * a line longer than {@link SseReader#MAX_LINE_CHARS} characters is skipped, an event whose data lines join to more
 * than {@link SseReader#MAX_EVENT_CHARS} is dropped, each counted once as it passes; the events around them come out
 * as they would without them.
 */
class SseLimitsTest {
    private static final String BEFORE = "data: a\n\n";
    private static final String AFTER = "data: b\n\n";
    private static final List<SseReader.Event> AROUND = List.of(new SseReader.Event("message", "a"),
            new SseReader.Event("message", "b"));

    private static List<SseReader.Event> feed(SseReader r, String text, int piece) {
        List<SseReader.Event> out = new ArrayList<>();
        for (int at = 0; at < text.length(); at += piece) {
            out.addAll(r.feed(text.substring(at, Math.min(text.length(), at + piece))));
        }
        return out;
    }

    @Test
    void aLineOverTheMaximumIsSkippedAndCountedOnce() {
        String longLine = "data: " + "x".repeat(SseReader.MAX_LINE_CHARS);
        for (int piece : new int[] {1 << 22, 4096, 7}) {
            SseReader r = new SseReader();
            assertEquals(AROUND, feed(r, BEFORE + longLine + "\r\n\n" + AFTER, piece), "pieces of " + piece);
            assertEquals(1, r.tooLarge());
        }
        SseReader whole = new SseReader();
        List<SseReader.Event> got = new ArrayList<>(whole.feedLine("data: a"));
        got.addAll(whole.feedLine(""));
        got.addAll(whole.feedLine(longLine));
        got.addAll(whole.feedLine(""));
        got.addAll(whole.feedLine("data: b"));
        got.addAll(whole.feedLine(""));
        assertEquals(AROUND, got, "whole lines");
        assertEquals(1, whole.tooLarge());
        String justFits = "x".repeat(SseReader.MAX_LINE_CHARS - "data: ".length());
        SseReader fits = new SseReader();
        assertEquals(List.of(new SseReader.Event("message", justFits)), fits.feed("data: " + justFits + "\n\n"));
        assertEquals(0, fits.tooLarge());
    }

    @Test
    void anEventWhoseDataPassesTheMaximumIsDroppedAndCountedOnce() {
        String line = "data: " + "y".repeat(100_000) + "\n";
        int lines = SseReader.MAX_EVENT_CHARS / 100_000 + 2;
        String big = line.repeat(lines) + "\n";
        SseReader r = new SseReader();
        assertEquals(AROUND, feed(r, BEFORE + big + AFTER, 1 << 16));
        assertEquals(1, r.tooLarge());
        SseReader err = new SseReader();
        assertEquals(AROUND, feed(err, BEFORE + big.replace("data:", "error:") + AFTER, 1 << 16), "error: lines too");
        assertEquals(1, err.tooLarge());
    }
}
