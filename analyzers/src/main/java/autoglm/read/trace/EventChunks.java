package autoglm.read.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts the {@code traceEvents} array of a trace's JSON text into chunks of whole events, so that the chunks can be
 * parsed on several cores, without this thread parsing or scanning the events: a cut is placed at the first
 * {@code '}' , '{'} (with any white space) after every {@code chunkBytes}, where one event ends and the next begins
 * in every trace Kineto writes. A cut inside a string or a nested value is possible in principle (a name holding
 * {@code "},{"}); it is caught where the chunk is parsed ({@link ParsedChunk}): a chunk must parse, as the JSON array
 * {@code [} + its text + {@code ]}, to exactly its own end, which holds only when both its cuts fall between events.
 * The first chunk starts where Jackson finds the array, so by induction every chunk that parses this way is whole
 * events of the file, in order.
 *
 * <p>Each chunk but the last comes back as a JSON array of its events. The last holds everything from its cut to the
 * end of the file after a {@code [}: its parse stops at the events array's own {@code ]}, and what follows is the
 * rest of the header. Anything else, an events array that does not start in the first block or does not start with
 * an object, or a very long stretch without a cut, is {@link Unsplittable}: the caller reads the file in one pass,
 * which also says exactly what is wrong with it, if anything. Not thread-safe; read in order.
 */
public final class EventChunks {
    /** The input is not cut into chunks; read it in one pass instead. */
    public static final class Unsplittable extends Exception {
        Unsplittable(String why) {
            super(why, null, false, false);
        }
    }

    /** One chunk: a JSON array of whole events, or, for the last, {@code [} and the rest of the file. */
    public record Chunk(byte[] json, boolean last) {
    }

    private static final JsonFactory PLAIN = new JsonFactory();
    private static final int MAX_UNCUT = 64 << 20;

    private final InputStream in;
    private final int chunkBytes;
    private final byte[] prefix;
    private byte[] buf;
    private int end;
    private long consumed;
    private boolean eof;
    /** Where the next chunk starts (an event's '{'), and how far the search for its end has looked. */
    private int start;
    private int searched;
    private boolean done;

    public EventChunks(InputStream in, int chunkBytes, int firstBlockBytes) throws IOException, Unsplittable {
        this.in = in;
        this.chunkBytes = chunkBytes;
        this.buf = new byte[Math.max(firstBlockBytes, chunkBytes * 2)];
        fill();
        int open = eventsArrayStart();
        prefix = Arrays.copyOf(buf, open + 1);
        start = skipSpace(open + 1);
        if (start >= end || buf[start] != '{') {
            throw new Unsplittable("the events array is empty or does not start with an object");
        }
        searched = start;
    }

    /** Bytes of JSON read from the input so far. */
    public long bytesRead() {
        return consumed + end;
    }

    /** The JSON text up to and including the events array's '['. */
    public byte[] prefix() {
        return prefix.clone();
    }

    /** The next chunk, or null after the last. */
    public Chunk next() throws IOException, Unsplittable {
        if (done) {
            return null;
        }
        while (true) {
            int cut = findCut();
            if (cut >= 0) {
                Chunk c = new Chunk(wrap(start, trimEnd(start, cut)), false);
                start = cut;
                searched = cut;
                return c;
            }
            if (eof) {
                done = true;
                byte[] json = new byte[end - start + 1];
                json[0] = '[';
                System.arraycopy(buf, start, json, 1, end - start);
                return new Chunk(json, true);
            }
            if (end - start > MAX_UNCUT) {
                throw new Unsplittable("no place to cut the events in " + MAX_UNCUT + " bytes");
            }
            compact();
            fill();
        }
    }

    /**
     * The '{' of the first "}, {" at least chunkBytes after start, or -1 if the buffer ends first (the search then
     * resumes where it stopped).
     */
    private int findCut() {
        final byte[] b = buf;
        int i = Math.max(searched, start + chunkBytes);
        while (i < end) {
            if (b[i] == '{') {
                int j = i - 1;
                while (j > start && isSpace(b[j])) {
                    j--;
                }
                if (j > start && b[j] == ',') {
                    j--;
                    while (j > start && isSpace(b[j])) {
                        j--;
                    }
                    if (j > start && b[j] == '}') {
                        return i;
                    }
                }
            }
            i++;
        }
        // keep a little back: the "}, " before a '{' still to come may be in these last bytes
        searched = Math.max(start, end - 1);
        return -1;
    }

    /** The end of the chunk's text before the cut at {@code cut}: after its last '}' (white space and ',' dropped). */
    private int trimEnd(int from, int cut) {
        int j = cut - 1;
        while (j > from && buf[j] != '}') {
            j--;
        }
        return j + 1;
    }

    private byte[] wrap(int from, int to) {
        byte[] json = new byte[to - from + 2];
        json[0] = '[';
        System.arraycopy(buf, from, json, 1, to - from);
        json[json.length - 1] = ']';
        return json;
    }

    private int skipSpace(int i) {
        while (i < end && isSpace(buf[i])) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /** The offset of the events array's '[' in the first block, found by Jackson. */
    private int eventsArrayStart() throws IOException, Unsplittable {
        try (JsonParser p = PLAIN.createParser(buf, 0, end)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                return (int) p.currentTokenLocation().getByteOffset();
            }
            if (t != JsonToken.START_OBJECT) {
                throw new Unsplittable("not an object or an array");
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if ("traceEvents".equals(field)) {
                    if (v != JsonToken.START_ARRAY) {
                        throw new Unsplittable("traceEvents is not an array");
                    }
                    return (int) p.currentTokenLocation().getByteOffset();
                }
                p.skipChildren();
            }
            throw new Unsplittable("no traceEvents array");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Unsplittable("the events array does not start in the first block: " + e.getOriginalMessage());
        }
    }

    /** Drops the bytes before the next chunk's start, growing the buffer when one chunk fills most of it. */
    private void compact() {
        int live = end - start;
        if (live * 2 > buf.length) {
            byte[] bigger = new byte[Math.max(buf.length * 2, live + chunkBytes)];
            System.arraycopy(buf, start, bigger, 0, live);
            buf = bigger;
        } else {
            System.arraycopy(buf, start, buf, 0, live);
        }
        consumed += start;
        searched -= start;
        end = live;
        start = 0;
    }

    /** Reads until the buffer is full or the input ends. */
    private void fill() throws IOException {
        while (end < buf.length) {
            int r = in.read(buf, end, buf.length - end);
            if (r < 0) {
                eof = true;
                return;
            }
            end += r;
        }
    }
}
