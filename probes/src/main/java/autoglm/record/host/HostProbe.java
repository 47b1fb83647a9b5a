package autoglm.record.host;

import autoglm.model.run.HostSample;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OperatingSystem;

/**
 * The host: the machine's CPU load between readings, host memory, and the profiled process tree's CPU
 * time, resident memory and per-thread CPU time. OSHI describes the host (CPU model, cores, memory,
 * name, OS) and gives the clock tick rate and page size; the counters read every round come from the
 * same /proc files through {@link ProcFiles}, which costs a fraction of OSHI's calls. CPU shares are
 * deltas of cumulative CPU time over the wall time between readings; a process or thread that appears
 * between two readings counts with all its CPU time, one that vanishes drops out. One thread reads at a time.
 */
public final class HostProbe implements AutoCloseable {
    private final OperatingSystem os;
    private final CentralProcessor cpu;
    private final GlobalMemory memory;
    private final ProcFiles proc = new ProcFiles();
    private long[] prevTicks;
    private double prevTime;
    private Map<Long, Double> prevProcCpu = new HashMap<>();
    private Map<Long, Double> prevThreadCpu = new HashMap<>();

    public HostProbe() {
        SystemInfo si = new SystemInfo();
        this.os = si.getOperatingSystem();
        this.cpu = si.getHardware().getProcessor();
        this.memory = si.getHardware().getMemory();
    }

    /** Starts the deltas: the next reading covers the time since now. */
    public void start(double timeMs) {
        prevTicks = proc.systemTicks();
        prevTime = timeMs;
    }

    public String cpuName() {
        return cpu.getProcessorIdentifier().getName();
    }

    public int logicalCores() {
        return cpu.getLogicalProcessorCount();
    }

    public long memoryBytes() {
        return memory.getTotal();
    }

    public String osName() {
        return os.toString();
    }

    public String hostname() {
        return os.getNetworkParams().getHostName();
    }

    /** Closes the /proc files kept open between readings. */
    @Override
    public void close() {
        proc.closeAll();
    }

    public HostSample read(double timeMs, Set<Long> pids) {
        double elapsed = timeMs - prevTime;
        double systemPct = Double.NaN;
        long[] ticks = proc.systemTicks();
        if (prevTicks != null && ticks != null && ticks[1] > prevTicks[1]) {
            systemPct = 100.0 * (ticks[0] - prevTicks[0]) / (ticks[1] - prevTicks[1]);
        }
        prevTicks = ticks;
        Map<Long, Double> procCpu = new HashMap<>();
        Map<Long, Double> threadCpu = new HashMap<>();
        double procDelta = 0;
        double rss = 0;
        int alive = 0;
        double[] busiest = {Double.NaN};
        long[] busiestId = {-1, -1};
        for (long pid : pids) {
            ProcFiles.Times p = proc.process(pid);
            if (p == null) {
                continue;
            }
            alive++;
            procCpu.put(pid, p.cpuMs());
            procDelta += p.cpuMs() - prevProcCpu.getOrDefault(pid, 0.0);
            rss += p.rssBytes();
            proc.threads(pid, t -> {
                long key = t.id() | (pid << 32);
                threadCpu.put(key, t.cpuMs());
                double d = t.cpuMs() - prevThreadCpu.getOrDefault(key, 0.0);
                if (Double.isNaN(busiest[0]) || d > busiest[0]) {
                    busiest[0] = d;
                    busiestId[0] = pid;
                    busiestId[1] = t.id();
                }
            });
        }
        String busiestName = null;
        if (busiestId[0] >= 0) {
            String name = proc.threadName(busiestId[0], busiestId[1]);
            busiestName = (name == null ? "?" : name) + " (pid " + busiestId[0] + ", tid " + busiestId[1] + ")";
        }
        proc.sweep();
        prevProcCpu = procCpu;
        prevThreadCpu = threadCpu;
        prevTime = timeMs;
        double procPct = alive == 0 || elapsed <= 0 ? Double.NaN : 100 * Math.max(0, procDelta) / elapsed;
        double threadPct = Double.isNaN(busiest[0]) || elapsed <= 0 ? Double.NaN
                : Math.min(100, 100 * Math.max(0, busiest[0]) / elapsed);
        double[] mem = proc.memory();
        return new HostSample(timeMs, systemPct, procPct, threadPct, busiestName, alive == 0 ? Double.NaN : rss, alive,
                mem == null ? Double.NaN : mem[0] - mem[1], mem == null ? Double.NaN : mem[0]);
    }
}
