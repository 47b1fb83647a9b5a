package autoglm.record.load;

import autoglm.read.cupti.CuptiLoader;
import autoglm.read.load.KernelWindowFile;
import autoglm.record.cupti.CuptiWindowCut;
import autoglm.record.run.RunningCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code load --serve --kernels}: the server's kernel recordings kept for the load's measured window alone
 * (docs/load.md#kernels). At the window's start and end the recorders are asked to flush (so that what ran inside
 * it is on disk even should the server then be killed); once the server has exited, each recording is cut to the
 * window ({@link CuptiWindowCut}) and kernels-window.json ({@link KernelWindowFile}) says what was kept, what was left out and whether every
 * recorder answered.
 */
public final class KernelWindow implements EndpointLoad.MeasuredWindow {
    public static final String FILE = KernelWindowFile.FILE;
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
        long from = fromNs;
        long to = toNs;
        if (from < 0 || to < 0) {
            KernelWindowFile.notCut("the load's measured window never opened: the recordings cover the server's whole run")
                    .write(folder);
            return;
        }
        if (CuptiLoader.recordings(folder).isEmpty()) {
            KernelWindowFile.notCut("no process of the server initialised CUDA: nothing was recorded").write(folder);
            return;
        }
        List<KernelWindowFile.Recording> files = new ArrayList<>();
        long kept = 0;
        long left = 0;
        for (Path p : CuptiLoader.recordings(folder)) {
            String name = p.getFileName().toString();
            if (!name.endsWith(".bin")) {
                files.add(KernelWindowFile.Recording.failed(name,
                        "not cut: only a recording as the library writes it (.bin) is cut"));
                continue;
            }
            try {
                CuptiWindowCut.Counts c = CuptiWindowCut.cut(p, from, to);
                files.add(KernelWindowFile.Recording.cut(name, c.kept(), c.before(), c.after(), c.unplaced()));
                kept += c.kept();
                left += c.before() + c.after();
            } catch (IOException | RuntimeException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                files.add(KernelWindowFile.Recording.failed(name, "not cut, kept whole: " + why));
                notes.accept("--kernels: " + name + " was not cut to the load window and is kept whole: " + why);
            }
        }
        notes.accept(String.format(Locale.ROOT, "kernel recordings cut to the load window (%.1f s): %,d activity "
                + "records kept, %,d outside it left out", (to - from) / 1e9, kept, left));
        KernelWindowFile.cut(from, to, flushedAtStart, flushedAtEnd, files).write(folder);
    }
}
