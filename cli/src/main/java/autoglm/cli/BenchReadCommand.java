package autoglm.cli;

import autoglm.analyse.Quantities;
import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
import autoglm.analyse.Unit;
import autoglm.diagnose.Diagnoser;
import autoglm.read.TraceLoader;
import autoglm.model.trace.TraceModel;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code autoglm bench-read FILE}: the reader benchmark behind docs/benchmarks.md. Loads the trace
 * repeatedly (optionally diagnosing it too) and reports uncompressed-JSON throughput over the runs
 * (min, median, max) and peak heap: the sum of the heap pools' peaks (an upper bound) and the heap the
 * finished model retains after a full GC.
 */
@Command(name = "bench-read", hidden = true, mixinStandardHelpOptions = true,
        description = "Benchmark the trace reader (docs/benchmarks.md).")
public final class BenchReadCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = "--runs", defaultValue = "5", description = "counted runs (default 5)")
    int runs;

    @Option(names = "--warmup", defaultValue = "2", description = "runs before counting (default 2)")
    int warmup;

    @Option(names = "--diagnose", description = "time the whole diagnosis (analyses and rules), not only reading")
    boolean diagnose;

    @Parameters(paramLabel = "FILE")
    Path file;

    public BenchReadCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Diagnoser diagnoser = Diagnoser.withDefaults();
        double[] mbps = new double[runs];
        double[] readMbps = new double[runs];
        double[] seconds = new double[runs];
        long peak = 0;
        long bytes = 0;
        long events = 0;
        TraceModel model = null;
        for (int i = -warmup; i < runs; i++) {
            model = null;
            List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
            System.gc();
            pools.forEach(MemoryPoolMXBean::resetPeakUsage);
            long t0 = System.nanoTime();
            model = TraceLoader.load(file);
            if (diagnose) {
                diagnoser.diagnose(model);
            }
            long t1 = System.nanoTime();
            long runPeak = 0;
            for (MemoryPoolMXBean p : pools) {
                if (p.getType() == MemoryType.HEAP) {
                    runPeak += p.getPeakUsage().getUsed();
                }
            }
            bytes = model.source().jsonBytes();
            events = model.source().events();
            if (i >= 0) {
                seconds[i] = (t1 - t0) / 1e9;
                mbps[i] = bytes / 1e6 / seconds[i];
                readMbps[i] = model.source().megabytesPerSecond();
                peak = Math.max(peak, runPeak);
            }
            io.out().printf(Locale.ROOT, "%s run %d: %.3f s, %.0f MB/s%n", i < 0 ? "warm-up" : "counted",
                    i < 0 ? i + warmup + 1 : i + 1, (t1 - t0) / 1e9, bytes / 1e6 / ((t1 - t0) / 1e9));
        }
        System.gc();
        System.gc();
        long retained = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Spread s = Stats.spread(mbps, runs);
        Spread t = Stats.spread(seconds, runs);
        Spread rs = Stats.spread(readMbps, runs);
        io.out().printf(Locale.ROOT, "%s: %s of JSON, %,d events; %s%n", file, Quantities.format(bytes, Unit.BYTES), events,
                diagnose ? "read + analyses + rules" : "read into the model");
        io.out().printf(Locale.ROOT, "throughput: median %.0f MB/s (min %.0f, max %.0f; n=%d runs); time median %.3f s%n",
                s.p50(), s.min(), s.max(), runs, t.p50());
        io.out().printf(Locale.ROOT, "streaming read alone (before indexing the model): median %.0f MB/s (min %.0f, max %.0f)%n",
                rs.p50(), rs.min(), rs.max());
        io.out().printf(Locale.ROOT, "heap: peak %s (sum of pool peaks, max over runs), retained by the model %s, max heap %s%n",
                Quantities.format(peak, Unit.BYTES), Quantities.format(retained, Unit.BYTES),
                Quantities.format(Runtime.getRuntime().maxMemory(), Unit.BYTES));
        if (model.gpu().size() < 0) {
            return ExitCodes.INTERNAL_ERROR;
        }
        return ExitCodes.OK;
    }
}
