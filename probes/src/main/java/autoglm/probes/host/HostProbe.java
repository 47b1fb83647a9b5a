package autoglm.probes.host;

import autoglm.samples.HostSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OSThread;
import oshi.software.os.OperatingSystem;
import oshi.software.os.linux.LinuxOSThread;
import oshi.util.GlobalConfig;

/**
 * The host through OSHI: the machine's CPU load between readings, host memory, and the profiled process
 * tree's CPU time, resident memory and per-thread CPU time. CPU shares are deltas of cumulative CPU time
 * over the wall time between readings; a process or thread that appears between two readings counts
 * with all its CPU time, one that vanishes drops out. One thread reads at a time.
 */
public final class HostProbe {
    private final OperatingSystem os;
    private final CentralProcessor cpu;
    private final GlobalMemory memory;
    private long[] prevTicks;
    private double prevTime;
    private Map<Long, Long> prevProcCpu = new HashMap<>();
    private Map<Long, Long> prevThreadCpu = new HashMap<>();

    public HostProbe() {
        // OSHI caches readings for 300 ms by default: far longer than a sampling interval
        GlobalConfig.set("oshi.util.memoizer.expiration", 1);
        SystemInfo si = new SystemInfo();
        this.os = si.getOperatingSystem();
        this.cpu = si.getHardware().getProcessor();
        this.memory = si.getHardware().getMemory();
    }

    /** Starts the deltas: the next reading covers the time since now. */
    public void start(double timeMs) {
        prevTicks = cpu.getSystemCpuLoadTicks();
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

    public HostSample read(double timeMs, Set<Long> pids) {
        double elapsed = timeMs - prevTime;
        double systemPct = Double.NaN;
        long[] ticks = cpu.getSystemCpuLoadTicks();
        if (prevTicks != null) {
            systemPct = 100 * cpu.getSystemCpuLoadBetweenTicks(prevTicks);
        }
        prevTicks = ticks;
        Map<Long, Long> procCpu = new HashMap<>();
        Map<Long, Long> threadCpu = new HashMap<>();
        double procDelta = 0;
        double rss = 0;
        int alive = 0;
        double busiest = Double.NaN;
        String busiestName = null;
        for (long pid : pids) {
            OSProcess p = os.getProcess((int) pid);
            if (p == null) {
                continue;
            }
            alive++;
            long cpuMs = p.getUserTime() + p.getKernelTime();
            procCpu.put(pid, cpuMs);
            procDelta += cpuMs - prevProcCpu.getOrDefault(pid, 0L);
            rss += p.getResidentSetSize();
            List<OSThread> threads = new ArrayList<>(p.getThreadDetails());
            if (threads.stream().noneMatch(t -> t.getThreadId() == pid)) {
                // OSHI's Linux thread list leaves out the main thread (tid = pid): often the busiest one
                threads.add(new LinuxOSThread((int) pid, (int) pid));
            }
            for (OSThread t : threads) {
                long key = ((long) t.getThreadId()) | (pid << 32);
                long tcpu = t.getUserTime() + t.getKernelTime();
                threadCpu.put(key, tcpu);
                double d = tcpu - prevThreadCpu.getOrDefault(key, 0L);
                if (Double.isNaN(busiest) || d > busiest) {
                    busiest = d;
                    String name = t.getName() == null || t.getName().isBlank() ? p.getName() : t.getName();
                    busiestName = name + " (pid " + pid + ", tid " + t.getThreadId() + ")";
                }
            }
        }
        prevProcCpu = procCpu;
        prevThreadCpu = threadCpu;
        prevTime = timeMs;
        double procPct = alive == 0 || elapsed <= 0 ? Double.NaN : 100 * Math.max(0, procDelta) / elapsed;
        double threadPct = Double.isNaN(busiest) || elapsed <= 0 ? Double.NaN
                : Math.min(100, 100 * Math.max(0, busiest) / elapsed);
        return new HostSample(timeMs, systemPct, procPct, threadPct, busiestName, alive == 0 ? Double.NaN : rss, alive,
                memory.getTotal() - memory.getAvailable(), memory.getTotal());
    }
}
