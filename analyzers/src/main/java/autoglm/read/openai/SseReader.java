package autoglm.read.openai;

import java.util.ArrayList;
import java.util.List;

/**
 * An incremental reader of server-sent events (the WHATWG event-stream format) as OpenAI-compatible servers stream
 * completions: text is fed as it arrives, in pieces cut anywhere (even inside a line or a CRLF), and whole events come
 * out. Lines end in LF, CRLF or CR; a line starting with ':' is a comment (a keep-alive); {@code data:} lines of one
 * event are joined with LF; a blank line ends the event; {@code event:} names it. Other fields are ignored, as the
 * format says, but one: {@code error:}, which llama.cpp's server wrote for an error mid-answer before its HTTP
 * refactor ({@code error: {"code":500,"message":...}}, examples/server/utils.hpp server_sent_event). The format would
 * drop it, and the answer would look whole; here its value comes out as an event of its own, {@code errorField} set,
 * when the blank line ends it.
 *
 * <p>Nothing grows without bound (docs/load.md#limits): a line longer than {@value #MAX_LINE_CHARS} characters is
 * skipped, and an event whose joined {@code data:} (or {@code error:}) passes {@value #MAX_EVENT_CHARS} characters is
 * dropped; each is counted in {@link #tooLarge} as it passes its limit, so a reader can end the stream there.
 */
public final class SseReader {
    /**
     * One event: its name ("message" unless given) and its data; with {@code errorField}, the value of llama.cpp's
     * {@code error:} lines instead.
     */
    public record Event(String name, String data, boolean errorField) {
        public Event(String name, String data) {
            this(name, data, false);
        }
    }

    /** The longest line kept, in characters; a longer one is skipped and counted. */
    public static final int MAX_LINE_CHARS = 1 << 20;
    /** The longest data (or error value) of one event, in characters, its lines joined; a longer event is dropped. */
    public static final int MAX_EVENT_CHARS = 1 << 20;

    private final StringBuilder line = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private final StringBuilder error = new StringBuilder();
    private boolean hasData;
    private boolean hasError;
    private String name = "message";
    private boolean lastWasCr;
    private long comments;
    private boolean skippingLine;
    private boolean eventTooLarge;
    private long tooLarge;

    /** Feeds the next piece of the stream; returns the events it completed, in order. */
    public List<Event> feed(CharSequence piece) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            if (c == '\n' && lastWasCr) {
                lastWasCr = false; // the LF of a CRLF whose CR already ended the line
                continue;
            }
            lastWasCr = c == '\r';
            if (c == '\n' || c == '\r') {
                endLine(out);
            } else if (skippingLine) {
                continue;
            } else if (line.length() >= MAX_LINE_CHARS) {
                tooLarge++;
                skippingLine = true;
                line.setLength(0);
                line.trimToSize();
            } else {
                line.append(c);
            }
        }
        return out;
    }

    /** The end of the stream: an event not closed by a blank line is dropped, as the format says; returns none. */
    public List<Event> finish() {
        line.setLength(0);
        data.setLength(0);
        error.setLength(0);
        hasData = false;
        hasError = false;
        skippingLine = false;
        eventTooLarge = false;
        return List.of();
    }

    /** Lines and events that passed their limit ({@link #MAX_LINE_CHARS}, {@link #MAX_EVENT_CHARS}) so far. */
    public long tooLarge() {
        return tooLarge;
    }

    /** Comment lines seen (keep-alives). */
    public long comments() {
        return comments;
    }

    /**
     * Feeds one whole line, its end already cut off (an HTTP client that splits lines): the same as feeding it with
     * LF, without copying it character by character. Text of an unfinished line fed before comes first.
     */
    public List<Event> feedLine(String whole) {
        if (line.length() > 0 || lastWasCr || skippingLine || whole.indexOf('\r') >= 0) {
            return feed(whole + "\n");
        }
        if (whole.length() > MAX_LINE_CHARS) {
            tooLarge++;
            return List.of();
        }
        List<Event> out = new ArrayList<>(1);
        endLine(whole, out);
        return out;
    }

    private void endLine(List<Event> out) {
        if (skippingLine) {
            skippingLine = false;
            return;
        }
        String l = line.toString();
        line.setLength(0);
        endLine(l, out);
    }

    private void endLine(String l, List<Event> out) {
        if (l.isEmpty()) {
            if (hasData && !eventTooLarge) {
                out.add(new Event(name, data.toString()));
            }
            if (hasError && !eventTooLarge) {
                out.add(new Event(name, error.toString(), true));
            }
            data.setLength(0);
            error.setLength(0);
            hasData = false;
            hasError = false;
            eventTooLarge = false;
            name = "message";
            return;
        }
        if (l.charAt(0) == ':') {
            comments++;
            return;
        }
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("data")) {
            join(data, hasData, value);
            hasData = true;
        } else if (field.equals("event")) {
            name = value;
        } else if (field.equals("error")) {
            join(error, hasError, value);
            hasError = true;
        }
    }

    /** Adds one line's value to the event's data (or error value), unless that passes {@link #MAX_EVENT_CHARS}. */
    private void join(StringBuilder to, boolean more, String value) {
        if (eventTooLarge) {
            return;
        }
        if ((long) to.length() + (more ? 1 : 0) + value.length() > MAX_EVENT_CHARS) {
            tooLarge++;
            eventTooLarge = true;
            data.setLength(0);
            error.setLength(0);
            data.trimToSize();
            error.trimToSize();
            return;
        }
        if (more) {
            to.append('\n');
        }
        to.append(value);
    }
}
