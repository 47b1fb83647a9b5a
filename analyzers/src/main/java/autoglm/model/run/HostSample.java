package autoglm.model.run;

/**
 * One host reading. {@code cpuPct}: the whole machine, 0..100 of all cores. {@code procCpuPct}: the
 * profiled process tree, in percent of one core (over 100 when it uses several). {@code busiestThreadPct}:
 * the tree's busiest thread over the same interval, percent of one core. NaN where unknown.
 */
public record HostSample(
        double timeMs,
        double cpuPct,
        double procCpuPct,
        double busiestThreadPct,
        String busiestThread,
        double procRssBytes,
        int processes,
        double hostMemUsedBytes,
        double hostMemTotalBytes) {
}
