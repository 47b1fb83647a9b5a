package autoglm.read;

import autoglm.util.BadInputException;

import autoglm.model.trace.LoadProgress;
import autoglm.model.trace.TraceModel;
import autoglm.read.TraceModelBuilder;
import autoglm.model.trace.TraceSource;

import autoglm.model.trace.NamePool;
import autoglm.model.trace.ShapePool;
import autoglm.util.BadInputException;
import autoglm.read.trace.KinetoTraceReader;
import autoglm.read.trace.TraceInput;
import java.nio.file.Path;

/** Reads a trace file into a {@link TraceModel}: the reader streams events into the builder. */
public final class TraceLoader {
    static final int EVERY = 1 << 16;

    private TraceLoader() {
    }

    public static TraceModel load(Path path) {
        return load(path, LoadProgress.NONE);
    }

    /**
     * As {@link #load(Path)}, telling {@code progress} as the reading goes; a large file is read on all cores
     * (see {@link #load(Path, LoadProgress, int)}).
     */
    public static TraceModel load(Path path, LoadProgress progress) {
        return load(path, progress, defaultThreads());
    }

    /** The cores a large trace is parsed on: all, or the system property autoglm.read.threads (1: one pass). */
    public static int defaultThreads() {
        Integer set = Integer.getInteger("autoglm.read.threads");
        return set != null && set >= 1 ? set : Runtime.getRuntime().availableProcessors();
    }

    /**
     * As {@link #load(Path)}, parsing on {@code threads} cores when the file is large enough for that to pay (1 MiB of
     * gzip, 8 MiB of plain JSON); the model is the same whatever the number. Give 1 where other files are being read
     * on the other cores.
     */
    public static TraceModel load(Path path, LoadProgress progress, int threads) {
        return load(path, progress, threads, ChunkedTraceLoader.CHUNK_BYTES, false);
    }

    /** As {@link #load(Path, LoadProgress, int)} with chunks of {@code chunkBytes}, and on small files too if asked. */
    static TraceModel load(Path path, LoadProgress progress, int threads, int chunkBytes, boolean anySize) {
        if (threads > 1) {
            TraceModel model = ChunkedTraceLoader.load(path, progress, threads, chunkBytes, anySize);
            if (model != null) {
                return model;
            }
        }
        return inOnePass(path, progress);
    }

    /** Reads the file in one pass on this thread, telling {@code progress} every {@value #EVERY} events. */
    static TraceModel inOnePass(Path path, LoadProgress progress) {
        long t0 = System.nanoTime();
        NamePool names = new NamePool();
        ShapePool shapes = new ShapePool();
        TraceModelBuilder builder = new TraceModelBuilder(names, shapes);
        TraceInput input = TraceInput.open(path);
        try (KinetoTraceReader reader = new KinetoTraceReader(input, names, shapes)) {
            long n = 0;
            String name = path.toString();
            while (reader.next()) {
                builder.accept(reader.event());
                if (++n % EVERY == 0) {
                    progress.update(name, input.fileBytesRead(), input.fileBytes(), n);
                }
            }
            progress.update(name, input.fileBytes(), input.fileBytes(), n);
            if (reader.counts().events() == 0) {
                throw new BadInputException(path + ": the trace holds no events (traceEvents is empty)");
            }
            TraceSource source = new TraceSource(path.toString(), input.gzip(), input.fileBytes(),
                    input.jsonBytesRead(), reader.counts().events(), System.nanoTime() - t0);
            return builder.build(source, reader.header(), reader.counts());
        }
    }
}
