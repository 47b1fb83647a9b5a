package autoglm.read.trace;

import autoglm.model.trace.NamePool;
import autoglm.model.trace.ReadCounts;
import autoglm.model.trace.ShapePool;
import java.nio.file.Path;

/**
 * One chunk of a trace's events ({@link EventChunks}), parsed on its own core into its own pools and counts.
 * {@code suffixStart} is, for the last chunk, where the events array's ']' is in it (the header's rest follows).
 */
public record ParsedChunk(EventColumns events, NamePool names, ShapePool shapes, ReadCounts counts, int suffixStart) {

    /**
     * Parses a chunk cut from the trace {@code path}; null when its cuts did not fall between events (its array
     * does not end exactly at its end, or the last chunk's never ends), so that the trace must be read in one pass.
     * Text that is not valid JSON throws, as in one pass.
     */
    public static ParsedChunk parse(Path path, EventChunks.Chunk chunk) {
        NamePool names = new NamePool();
        ShapePool shapes = new ShapePool();
        EventColumns events = new EventColumns();
        byte[] json = chunk.json();
        try (KinetoTraceReader reader = new KinetoTraceReader(TraceInput.ofBytes(path, json), names, shapes, true)) {
            while (reader.next()) {
                events.add(reader.event());
            }
            long end = reader.arrayEnd();
            if (end < 0 || (!chunk.last() && end != json.length - 1)) {
                return null;
            }
            return new ParsedChunk(events, names, shapes, reader.counts(), (int) end);
        }
    }
}
