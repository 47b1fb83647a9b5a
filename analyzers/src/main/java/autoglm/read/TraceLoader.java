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

    /** As {@link #load(Path)}, telling {@code progress} every {@value #EVERY} events. */
    public static TraceModel load(Path path, LoadProgress progress) {
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
