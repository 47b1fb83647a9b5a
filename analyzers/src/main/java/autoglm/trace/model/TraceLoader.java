package autoglm.trace.model;

import autoglm.trace.NamePool;
import autoglm.trace.ShapePool;
import autoglm.trace.read.BadInputException;
import autoglm.trace.read.KinetoTraceReader;
import autoglm.trace.read.TraceInput;
import java.nio.file.Path;

/** Reads a trace file into a {@link TraceModel}: the reader streams events into the builder. */
public final class TraceLoader {
    private TraceLoader() {
    }

    public static TraceModel load(Path path) {
        long t0 = System.nanoTime();
        NamePool names = new NamePool();
        ShapePool shapes = new ShapePool();
        TraceModelBuilder builder = new TraceModelBuilder(names, shapes);
        TraceInput input = TraceInput.open(path);
        try (KinetoTraceReader reader = new KinetoTraceReader(input, names, shapes)) {
            while (reader.next()) {
                builder.accept(reader.event());
            }
            if (reader.counts().events() == 0) {
                throw new BadInputException(path + ": the trace holds no events (traceEvents is empty)");
            }
            TraceSource source = new TraceSource(path.toString(), input.gzip(), input.fileBytes(),
                    input.jsonBytesRead(), reader.counts().events(), System.nanoTime() - t0);
            return builder.build(source, reader.header(), reader.counts());
        }
    }
}
