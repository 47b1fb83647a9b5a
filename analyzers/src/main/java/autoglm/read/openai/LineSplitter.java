package autoglm.read.openai;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a byte stream into lines as its pieces arrive, in time linear in the bytes (docs/load.md#limits): every byte is
 * looked at once, a line cut across pieces is gathered in one growing buffer and decoded (UTF-8, a malformed sequence
 * becoming U+FFFD) once, when its end comes. Lines end in LF, CRLF or CR, as server-sent events say, and a CRLF cut
 * between two pieces is one end. A line longer than the maximum is not kept: {@link Lines#tooLong} is told once, as
 * soon as it passes the maximum, and its bytes up to its end are skipped. What follows the last line end is no line
 * (an unfinished SSE event is dropped anyway). It replaces the JDK client's line subscriber, which searched the whole
 * unfinished line again for each piece: a 5 MB line sent in 100-byte pieces cost it 16 s of a core, a 20 MB one
 * minutes.
 */
public final class LineSplitter {
    /** What the lines go to. */
    public interface Lines {
        /** One whole line, its end cut off. */
        void line(String text);

        /** The line being read passed {@code maxBytes}: it is skipped up to its end. */
        void tooLong(int maxBytes);
    }

    private static final int FIRST_BUFFER_BYTES = 8 * 1024;
    private final int maxLineBytes;
    private byte[] pending = new byte[0];
    private int pendingLength;
    private boolean lastWasCr;
    private boolean skipping;
    private long tooLong;

    public LineSplitter(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** Lines that passed the maximum so far. */
    public long tooLong() {
        return tooLong;
    }

    /** Feeds the next piece (from its position to its limit, where it is left); whole lines go to {@code out}. */
    public void feed(ByteBuffer piece, Lines out) {
        if (piece.hasArray()) {
            feed(piece.array(), piece.arrayOffset() + piece.position(), piece.arrayOffset() + piece.limit(), out);
            piece.position(piece.limit());
        } else {
            byte[] copy = new byte[piece.remaining()];
            piece.get(copy);
            feed(copy, 0, copy.length, out);
        }
    }

    /** Feeds {@code a[from, to)}. */
    public void feed(byte[] a, int from, int to, Lines out) {
        int start = from; // the first byte of the current line within this piece
        for (int i = from; i < to; i++) {
            byte b = a[i];
            if (b != '\n' && b != '\r') {
                continue;
            }
            if (b == '\n' && lastWasCr && i == start) {
                lastWasCr = false; // the LF of a CRLF whose CR ended the line (maybe in the piece before)
                start = i + 1;
                continue;
            }
            lastWasCr = b == '\r';
            endLine(a, start, i, out);
            start = i + 1;
        }
        if (start < to) {
            lastWasCr = false;
            keep(a, start, to, out);
        }
    }

    private void endLine(byte[] a, int start, int end, Lines out) {
        if (skipping) {
            skipping = false;
            return;
        }
        int n = end - start;
        if ((long) pendingLength + n > maxLineBytes) {
            passed(out);
            skipping = false; // its end is here
            return;
        }
        if (pendingLength == 0) {
            out.line(new String(a, start, n, StandardCharsets.UTF_8));
            return;
        }
        append(a, start, end);
        String line = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        out.line(line);
    }

    /** The start of a line whose end has not come yet. */
    private void keep(byte[] a, int start, int end, Lines out) {
        if (skipping) {
            return;
        }
        if ((long) pendingLength + (end - start) > maxLineBytes) {
            passed(out);
            return;
        }
        append(a, start, end);
    }

    private void passed(Lines out) {
        tooLong++;
        skipping = true;
        pendingLength = 0;
        if (pending.length > FIRST_BUFFER_BYTES) {
            pending = new byte[FIRST_BUFFER_BYTES]; // a hostile line's buffer is not held for the rest of the stream
        }
        out.tooLong(maxLineBytes);
    }

    private void append(byte[] a, int start, int end) {
        int n = end - start;
        if (pendingLength + n > pending.length) {
            long grown = Math.max((long) pending.length * 2, Math.max(FIRST_BUFFER_BYTES, pendingLength + n));
            byte[] bigger = new byte[(int) Math.min(grown, maxLineBytes)];
            System.arraycopy(pending, 0, bigger, 0, pendingLength);
            pending = bigger;
        }
        System.arraycopy(a, start, pending, pendingLength, n);
        pendingLength += n;
    }
}
