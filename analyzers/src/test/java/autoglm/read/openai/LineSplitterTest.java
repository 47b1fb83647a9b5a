package autoglm.read.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The load client's line reader (issue 32: "One 5 MB line costs 28 s of a core (the line splitter is quadratic)"):
 * bytes cut anywhere, a CRLF or a UTF-8 character split between pieces, give the lines that splitting the whole text
 * at CRLF, LF or CR gives (the expected lines come from a regular expression on the whole text, not from the reader);
 * a line over the maximum is skipped and told once; fed to {@link SseReader#feedLine} they give the events that
 * {@link SseReader#feed} gives on the whole text.
 */
class LineSplitterTest {
    private static final String STREAM = String.join("",
            ": keep-alive\r\n\r\n",
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\r\n\r\n",
            "event: update\rdata: a\ndata:b\r\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"caf\u00e9 \u4e2d\u6587 \ud83d\ude00\"}}]}\n\n",
            "error: {\"code\":500,\"message\":\"KV\"}\r\r",
            "data: [DONE]\r\n\r\n",
            "data: unfinished");

    /** What the reader gave: the lines, with "!TOO LONG" where it told of one. */
    private static final class Collected implements LineSplitter.Lines {
        final List<String> lines = new ArrayList<>();

        @Override
        public void line(String text) {
            lines.add(text);
        }

        @Override
        public void tooLong(int maxBytes) {
            lines.add("!TOO LONG " + maxBytes);
        }
    }

    /** The lines of the text, independently: split at CRLF, LF or CR; what follows the last line end is no line. */
    private static List<String> expected(String text) {
        int end = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
        String[] parts = text.substring(0, end + 1).split("\r\n|\r|\n", -1);
        return Arrays.asList(parts).subList(0, parts.length - 1);
    }

    private static List<String> feed(byte[] bytes, List<Integer> cuts, int max) {
        LineSplitter s = new LineSplitter(max);
        Collected c = new Collected();
        int from = 0;
        for (int to : cuts) {
            s.feed(ByteBuffer.wrap(bytes, from, to - from), c);
            from = to;
        }
        s.feed(ByteBuffer.wrap(bytes, from, bytes.length - from), c);
        return c.lines;
    }

    @Test
    void piecesCutAnywhereGiveTheLinesOfTheWholeText() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        List<String> want = expected(STREAM);
        assertEquals(want, feed(bytes, List.of(), 1 << 20), "whole");
        for (int cut = 0; cut <= bytes.length; cut++) {
            assertEquals(want, feed(bytes, List.of(cut), 1 << 20), "cut at byte " + cut);
        }
        List<Integer> everyByte = new ArrayList<>();
        for (int i = 1; i < bytes.length; i++) {
            everyByte.add(i);
        }
        assertEquals(want, feed(bytes, everyByte, 1 << 20), "one byte at a time: every CRLF and character split");
        Random r = new Random(32);
        for (int k = 0; k < 500; k++) {
            List<Integer> cuts = new ArrayList<>();
            for (int at = r.nextInt(8); at < bytes.length; at += 1 + r.nextInt(30)) {
                cuts.add(at);
            }
            assertEquals(want, feed(bytes, cuts, 1 << 20), "cuts " + cuts);
        }
    }

    @Test
    void aCrlfSplitBetweenPiecesIsOneLineEnd() {
        byte[] b = "a\r\nb\r\r\nc\n".getBytes(StandardCharsets.US_ASCII);
        List<String> want = List.of("a", "b", "", "c");
        assertEquals(want, expected("a\r\nb\r\r\nc\n"));
        assertEquals(want, feed(b, List.of(2), 16), "CR | LF");
        assertEquals(want, feed(b, List.of(2, 3, 5, 6), 16), "every CR apart from its LF");
    }

    @Test
    void aLineOverTheMaximumIsSkippedAndToldOnce() {
        String text = "12345678\n123456789\r\nok\n" + "x".repeat(10_000) + "\rend\n";
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        List<String> want = List.of("12345678", "!TOO LONG 8", "ok", "!TOO LONG 8", "end");
        assertEquals(want, feed(b, List.of(), 8));
        List<Integer> everyByte = new ArrayList<>();
        for (int i = 1; i < b.length; i++) {
            everyByte.add(i);
        }
        assertEquals(want, feed(b, everyByte, 8), "one byte at a time: told as it passes the maximum, once");
        for (int cut = 0; cut <= 40; cut++) {
            assertEquals(want, feed(b, List.of(cut), 8), "cut at " + cut);
        }
        assertThrows(IllegalArgumentException.class, () -> new LineSplitter(0));
    }

    @Test
    void aLongLineInSmallPiecesComesOutWhole() {
        // the shape that made the JDK's line subscriber quadratic: 5 MB of one line in 100-byte pieces
        byte[] b = new byte[5_000_001];
        Arrays.fill(b, (byte) 'x');
        b[b.length - 1] = '\n';
        List<Integer> cuts = new ArrayList<>();
        for (int at = 100; at < b.length; at += 100) {
            cuts.add(at);
        }
        List<String> lines = feed(b, cuts, 8 << 20);
        assertEquals(1, lines.size());
        assertEquals(5_000_000, lines.get(0).length());
    }

    @Test
    void theLinesGiveTheEventsTheSseReaderGivesOnTheWholeText() {
        SseReader whole = new SseReader();
        List<SseReader.Event> want = whole.feed(STREAM);
        assertEquals(5, want.size(), "role, update, text, the error field, [DONE]: " + want);
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        Random r = new Random(7);
        for (int k = 0; k < 200; k++) {
            List<Integer> cuts = new ArrayList<>();
            for (int at = 1 + r.nextInt(5); at < bytes.length; at += 1 + r.nextInt(12)) {
                cuts.add(at);
            }
            SseReader byLine = new SseReader();
            List<SseReader.Event> got = new ArrayList<>();
            for (String line : feed(bytes, cuts, 1 << 20)) {
                got.addAll(byLine.feedLine(line));
            }
            assertEquals(want, got, "cuts " + cuts);
            assertEquals(whole.comments(), byLine.comments());
        }
    }
}
