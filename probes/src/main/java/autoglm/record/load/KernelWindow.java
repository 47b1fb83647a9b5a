package autoglm.record.load;

import autoglm.read.cupti.CuptiLoader;
import autoglm.record.cupti.CuptiWindowCut;
import autoglm.record.run.RunningCommand;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code load --serve --kernels}: the server's kernel recordings kept for the load's measured window alone
 * (docs/load.md#kernels). At the window's start and end the recorders are asked to flush (so that what ran inside
 * it is on disk even should the server then be killed); once the server has exited, each recording is cut to the
 * window ({@link CuptiWindowCut}) and kernels-window.json says what was kept, what was left out and whether every
 * recorder answered.
 */
public final class KernelWindow implements LoadTest.MeasuredWindow {
    public static final String FILE = "kernels-window.json";
    static final long START_FLUSH_MS = 2_000;
    static final long END_FLUSH_MS = 10_000;

    private final RunningCommand server;
    private final Consumer<String> notes;
    private volatile long fromNs = -1;
    private volatile long toNs = -1;
    private volatile boolean flushedAtStart;
    private volatile boolean flushedAtEnd;

    public KernelWindow(RunningCommand server, Consumer<String> notes) {
        this.server = server;
        this.notes = notes;
    }

    @Override
    public void opened() {
        flushedAtStart = server.flushKernels(START_FLUSH_MS);
        fromNs = nowNs();
    }

    @Override
    public void closed() {
        toNs = nowNs();
        flushedAtEnd = server.flushKernels(END_FLUSH_MS);
        if (!flushedAtEnd) {
            notes.accept("--kernels: not every kernel recorder answered the flush at the load window's end within "
                    + END_FLUSH_MS / 1000 + " s; what it held is written when the server exits");
        }
    }

    private static long nowNs() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** After the server has exited: cuts each recording of {@code folder} to the window and writes kernels-window.json. */
    public void cut(Path folder) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        long from = fromNs;
        long to = toNs;
        List<Map<String, Object>> files = new ArrayList<>();
        long kept = 0;
        long left = 0;
        if (from < 0 || to < 0) {
            m.put("cut", false);
            m.put("why", "the load's measured window never opened: the recordings cover the server's whole run");
        } else if (CuptiLoader.recordings(folder).isEmpty()) {
            m.put("cut", false);
            m.put("why", "no process of the server initialised CUDA: nothing was recorded");
        } else {
            m.put("cut", true);
            m.put("from_unix_ns", from);
            m.put("to_unix_ns", to);
            m.put("flushed_at_start", flushedAtStart);
            m.put("flushed_at_end", flushedAtEnd);
            for (Path p : CuptiLoader.recordings(folder)) {
                String name = p.getFileName().toString();
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("file", name);
                if (!name.endsWith(".bin")) {
                    f.put("error", "not cut: only a recording as the library writes it (.bin) is cut");
                } else {
                    try {
                        CuptiWindowCut.Counts c = CuptiWindowCut.cut(p, from, to);
                        f.put("kept", c.kept());
                        f.put("before", c.before());
                        f.put("after", c.after());
                        f.put("unplaced", c.unplaced());
                        kept += c.kept();
                        left += c.before() + c.after();
                    } catch (IOException | RuntimeException e) {
                        String why = e.getMessage() == null ? e.toString() : e.getMessage();
                        f.put("error", "not cut, kept whole: " + why);
                        notes.accept("--kernels: " + name + " was not cut to the load window and is kept whole: " + why);
                    }
                }
                files.add(f);
            }
            m.put("recordings", files);
            notes.accept(String.format(Locale.ROOT, "kernel recordings cut to the load window (%.1f s): %,d activity "
                    + "records kept, %,d outside it left out", (to - from) / 1e9, kept, left));
        }
        Files.writeString(folder.resolve(FILE), new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(m) + "\n");
    }
}
