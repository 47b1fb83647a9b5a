package autoglm.read;

import autoglm.model.trace.LoadProgress;
import autoglm.model.trace.NamePool;
import autoglm.model.trace.ReadCounts;
import autoglm.model.trace.ShapePool;
import autoglm.model.trace.TraceModel;
import autoglm.model.trace.TraceSource;
import autoglm.read.trace.EventChunks;
import autoglm.read.trace.EventColumns;
import autoglm.read.trace.KinetoTraceReader;
import autoglm.read.trace.ParsedChunk;
import autoglm.read.trace.TraceEvent;
import autoglm.read.trace.TraceInput;
import autoglm.util.BadInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads one trace on several cores: this thread inflates the file and cuts its events into chunks of whole events
 * ({@link EventChunks}); a pool parses the chunks, each into its own columns and pools; this thread hands them to
 * one {@link TraceModelBuilder} in file order, with their names and shapes mapped to the trace's own. The model is
 * the one a single pass builds, name ids and all. At most {@code 2 x threads + 1} chunks are in memory at once, fewer in a small heap ({@link #window}).
 *
 * <p>Returns null where the file is not worth it (small) or not cut (see {@link EventChunks}), and where anything
 * goes wrong while reading: the caller then reads it in one pass, which says exactly what is wrong, if anything.
 */
final class ChunkedTraceLoader {
    /**
     * Below these sizes on disk a trace is read in one pass: threads would cost more than they give. Gzip is inflated
     * on one core whatever happens, and inflating the 3 MB example (48 MB of JSON) takes about as long as parsing it on
     * the other core, so chunks gained nothing measurable there (docs/benchmarks.md).
     */
    static final long MIN_GZIP_BYTES = 8L << 20;
    static final long MIN_PLAIN_BYTES = 8L << 20;
    static final int CHUNK_BYTES = 4 << 20;
    private static final int FIRST_BLOCK = 8 << 20;

    private ChunkedTraceLoader() {
    }

    static TraceModel load(Path path, LoadProgress progress, int threads, int chunkBytes, boolean anySize) {
        long t0 = System.nanoTime();
        TraceInput input = TraceInput.open(path);
        ExecutorService pool = null;
        try {
            if (!anySize && input.fileBytes() < (input.gzip() ? MIN_GZIP_BYTES : MIN_PLAIN_BYTES)) {
                return null;
            }
            EventChunks chunks = new EventChunks(input.stream(), chunkBytes, Math.max(FIRST_BLOCK, 2 * chunkBytes));
            int window = window(threads, chunkBytes, Runtime.getRuntime().maxMemory());
            threads = Math.min(threads, window);
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "autoglm-trace-chunk");
                t.setDaemon(true);
                return t;
            });
            NamePool names = new NamePool();
            ShapePool shapes = new ShapePool();
            TraceModelBuilder builder = new TraceModelBuilder(names, shapes);
            ReadCounts counts = new ReadCounts();
            Merger merger = new Merger(builder, names, shapes, counts);
            ArrayDeque<Future<ParsedChunk>> inFlight = new ArrayDeque<>();
            String name = path.toString();
            EventChunks.Chunk chunk;
            byte[] skeleton = null;
            while ((chunk = chunks.next()) != null) {
                EventChunks.Chunk c = chunk;
                inFlight.add(pool.submit(() -> ParsedChunk.parse(path, c)));
                if (c.last()) {
                    // the header's rest follows the events array's ']' in the last chunk
                    skeleton = c.json();
                }
                // the oldest chunk is merged when the window is full, and all of them at the end
                while (inFlight.size() >= window || (skeleton != null && !inFlight.isEmpty())) {
                    if (!merger.merge(inFlight.poll().get())) {
                        return null;
                    }
                    progress.update(name, input.fileBytesRead(), input.fileBytes(), merger.events);
                }
            }
            int suffix = merger.suffix;
            byte[] prefix = chunks.prefix();
            byte[] header = new byte[prefix.length + skeleton.length - suffix];
            System.arraycopy(prefix, 0, header, 0, prefix.length);
            System.arraycopy(skeleton, suffix, header, prefix.length, skeleton.length - suffix);
            // the header fields, read from the JSON with its events array emptied
            try (KinetoTraceReader reader = new KinetoTraceReader(TraceInput.ofBytes(path, header), names, shapes)) {
                while (reader.next()) {
                    builder.accept(reader.event());
                }
                counts.add(reader.counts());
                if (counts.events() == 0) {
                    return null;
                }
                TraceSource source = new TraceSource(name, input.gzip(), input.fileBytes(), chunks.bytesRead(),
                        counts.events(), System.nanoTime() - t0);
                return builder.build(source, reader.header(), counts);
            }
        } catch (EventChunks.Unsplittable | IOException | BadInputException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while reading " + path);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            input.close();
        }
    }

    /**
     * How many chunks may be in memory at once: two per thread and one, so that no thread waits, but no more than an
     * eighth of the heap holds (a chunk's text and its columns take about 1.5 times the chunk), so that many cores do
     * not break a small -Xmx; at least 2.
     */
    static int window(int threads, int chunkBytes, long maxHeap) {
        long byHeap = maxHeap / 8 / (chunkBytes * 3L / 2);
        return (int) Math.max(2, Math.min(2L * threads + 1, byHeap));
    }

    /** Hands parsed chunks to the builder in order, their name and shape ids mapped in the order each chunk met them. */
    private static final class Merger {
        private final TraceModelBuilder builder;
        private final NamePool names;
        private final ShapePool shapes;
        private final ReadCounts counts;
        private final TraceEvent event = new TraceEvent();
        long events;
        /** Where the events array's ']' is in the last chunk merged. */
        int suffix = -1;

        Merger(TraceModelBuilder builder, NamePool names, ShapePool shapes, ReadCounts counts) {
            this.builder = builder;
            this.names = names;
            this.shapes = shapes;
            this.counts = counts;
        }

        /** False for a chunk whose cuts did not fall between events (null). */
        boolean merge(ParsedChunk chunk) {
            if (chunk == null) {
                return false;
            }
            int[] nameMap = new int[chunk.names().size()];
            for (int id = 0; id < nameMap.length; id++) {
                nameMap[id] = names.intern(chunk.names().get(id));
            }
            int[] shapeMap = new int[chunk.shapes().size()];
            for (int id = 0; id < shapeMap.length; id++) {
                int[] seq = chunk.shapes().sequence(id);
                shapeMap[id] = shapes.intern(seq, seq.length);
            }
            EventColumns columns = chunk.events();
            for (int i = 0; i < columns.size(); i++) {
                columns.load(i, event, nameMap, shapeMap);
                builder.accept(event);
            }
            counts.add(chunk.counts());
            events += columns.size();
            suffix = chunk.suffixStart();
            return true;
        }
    }
}
