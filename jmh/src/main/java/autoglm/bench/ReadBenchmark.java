package autoglm.bench;

import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.InputDiagnosis;
import autoglm.model.trace.TraceModel;
import autoglm.read.TraceLoader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The trace reader and the whole diagnosis, timed by JMH (one shot per iteration: a read is long enough to time on
 * its own, and a 1 GB read must not overlap the next). The file is a parameter: {@code -p file=PATH}. bench/run.sh
 * pins the forked JVM to one core with -Xmx512m and turns seconds per read into MB/s of JSON.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReadBenchmark {
    @Param("bench/out/decode8.trace.json")
    public String file;

    private Diagnoser diagnoser;
    private TraceModel last;

    /** Bytes of JSON read per operation, so that JMH's results carry the size the time is for. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Bytes {
        public long jsonBytes;
    }

    @Setup(Level.Trial)
    public void setUp() {
        if (!Files.isRegularFile(Path.of(file))) {
            throw new IllegalArgumentException("no trace at " + file + " (bench/run.sh makes them)");
        }
        diagnoser = Diagnoser.withDefaults();
    }

    @Benchmark
    public TraceModel read(Bytes bytes) {
        TraceModel m = TraceLoader.load(Path.of(file));
        bytes.jsonBytes += m.source().jsonBytes();
        last = m;
        return m;
    }

    @Benchmark
    public InputDiagnosis diagnose(Bytes bytes) {
        TraceModel m = TraceLoader.load(Path.of(file));
        bytes.jsonBytes += m.source().jsonBytes();
        last = m;
        return diagnoser.diagnose(m);
    }

    /**
     * After each read: the heap the model keeps after a full GC (what a diagnosis of this trace holds on to), printed;
     * then the model is dropped and collected, so that every read starts on a clean heap, as the first does.
     */
    @TearDown(Level.Iteration)
    public void retained() {
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("retained heap with the model: %.1f MiB%n", used / 1048576.0);
        last = null;
        System.gc();
    }
}
