package autoglm.record.host;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import oshi.software.os.linux.LinuxOperatingSystem;

/**
 * The counters the host sampler reads every round, straight from the Linux /proc files OSHI reads them
 * from: each file is opened once and re-read with one pread into one reused buffer. Measured
 * (docs/benchmarks.md), OSHI's own calls cost 0.58 ms for system CPU and memory and 0.62 ms for a
 * process's attributes on a cold cache, and 0.89 ms for 33 threads even in a warm loop (its thread list
 * also leaves out the main thread): more than the 1%-of-a-core budget at 100 ms. OSHI still supplies
 * the clock tick rate, the page size and the host's description. Not thread-safe: the sampler thread
 * alone reads.
 */
final class ProcFiles {
    /** Cumulative CPU time and resident memory of one process or thread. */
    record Times(long id, String name, double cpuMs, double rssBytes) {
    }

    private static final double MS_PER_TICK = 1000.0 / LinuxOperatingSystem.getHz();
    private static final double PAGE = LinuxOperatingSystem.getPageSize();
    private final byte[] buf = new byte[4096];
    private final ByteBuffer bb = ByteBuffer.wrap(buf);
    /** Files kept open between rounds: /proc files re-read from offset 0 give fresh contents. */
    private final Map<String, FileChannel> open = new HashMap<>();
    private final Set<String> touched = new HashSet<>();
    private boolean schedstat = true;

    /** Reads a whole (small) file into {@code buf} with one pread on a channel kept open; -1 when it is gone. */
    private int read(String path) {
        touched.add(path);
        FileChannel ch = open.get(path);
        try {
            if (ch == null) {
                ch = FileChannel.open(Path.of(path), StandardOpenOption.READ);
                open.put(path, ch);
            }
            bb.clear();
            int n = 0;
            int r;
            while (bb.hasRemaining() && (r = ch.read(bb, n)) > 0) {
                n += r;
            }
            return n == 0 ? -1 : n;
        } catch (IOException | RuntimeException e) {
            close(path);
            return -1;
        }
    }

    /** Closes the files of processes and threads not read since the last call (they ended). */
    void sweep() {
        for (Iterator<Map.Entry<String, FileChannel>> it = open.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, FileChannel> e = it.next();
            if (!touched.contains(e.getKey())) {
                closeQuietly(e.getValue());
                it.remove();
            }
        }
        touched.clear();
    }

    private void close(String path) {
        FileChannel ch = open.remove(path);
        if (ch != null) {
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // a /proc file: nothing to flush
        }
    }

    /** Closes every file kept open. */
    void closeAll() {
        open.values().forEach(ProcFiles::closeQuietly);
        open.clear();
        touched.clear();
    }

    /** {busy, total} clock ticks of all CPUs from the first line of /proc/stat; null when unreadable. */
    long[] systemTicks() {
        int n = read("/proc/stat");
        if (n <= 0) {
            return null;
        }
        long total = 0;
        long idle = 0;
        int field = 0;
        long v = 0;
        boolean inNumber = false;
        for (int i = 0; i <= n; i++) {
            byte b = i < n ? buf[i] : (byte) '\n';
            if (b >= '0' && b <= '9') {
                v = v * 10 + (b - '0');
                inNumber = true;
            } else {
                if (inNumber) {
                    field++;
                    // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
                    if (field <= 8) {
                        total += v;
                        if (field == 4 || field == 5) {
                            idle += v;
                        }
                    }
                    v = 0;
                    inNumber = false;
                }
                if (b == '\n') {
                    break;
                }
            }
        }
        return new long[] {total - idle, total};
    }

    /** {MemTotal, MemAvailable} in bytes from /proc/meminfo; null when unreadable. */
    double[] memory() {
        int n = read("/proc/meminfo");
        if (n <= 0) {
            return null;
        }
        String s = new String(buf, 0, n, StandardCharsets.US_ASCII);
        double total = kib(s, "MemTotal:");
        double available = kib(s, "MemAvailable:");
        return Double.isNaN(total) || Double.isNaN(available) ? null : new double[] {total, available};
    }

    private static double kib(String s, String key) {
        int i = s.indexOf(key);
        if (i < 0) {
            return Double.NaN;
        }
        int end = s.indexOf('\n', i);
        String num = s.substring(i + key.length(), end < 0 ? s.length() : end).replace("kB", "").trim();
        return Double.parseDouble(num) * 1024;
    }

    /** The process's CPU time and resident memory from /proc/PID/stat; null when it is gone. */
    Times process(long pid) {
        int n = read("/proc/" + pid + "/stat");
        return n <= 0 ? null : parse(pid, n);
    }

    /**
     * Calls {@code out} for every thread of {@code pid} (the main thread too) with its CPU time from
     * /proc/PID/task/TID/schedstat (nanoseconds on the CPU: cheaper for the kernel to produce than the
     * stat file, and finer than its 10 ms ticks), or from the stat file where schedstat is missing. The
     * name is left null: {@link #threadName} reads it for the one thread that needs it.
     */
    void threads(long pid, Consumer<Times> out) {
        String[] tids = new File("/proc/" + pid + "/task").list();
        if (tids == null) {
            return;
        }
        for (String tid : tids) {
            long id = Long.parseLong(tid);
            String base = "/proc/" + pid + "/task/" + tid + "/";
            Times t = null;
            if (schedstat) {
                int n = read(base + "schedstat");
                if (n > 0) {
                    long ns = 0;
                    for (int i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++) {
                        ns = ns * 10 + (buf[i] - '0');
                    }
                    t = new Times(id, null, ns / 1e6, Double.NaN);
                } else if (!new File(base + "schedstat").exists() && new File(base).exists()) {
                    schedstat = false;
                }
            }
            if (t == null && !schedstat) {
                int n = read(base + "stat");
                t = n <= 0 ? null : parse(id, n);
            }
            if (t != null) {
                out.accept(t);
            }
        }
    }

    /** The name of a thread (its comm), or null when it is gone. */
    String threadName(long pid, long tid) {
        int n = read("/proc/" + pid + "/task/" + tid + "/comm");
        if (n <= 0) {
            return null;
        }
        return new String(buf, 0, buf[n - 1] == '\n' ? n - 1 : n, StandardCharsets.UTF_8);
    }

    /** "ID (comm) S ...": utime, stime and rss are fields 14, 15 and 24, counted after the comm's ')'. */
    private Times parse(long id, int n) {
        int open = -1;
        int close = -1;
        for (int i = 0; i < n; i++) {
            if (buf[i] == '(' && open < 0) {
                open = i;
            } else if (buf[i] == ')') {
                close = i;
            }
        }
        if (open < 0 || close < 0) {
            return null;
        }
        int field = 3;
        long utime = 0;
        long stime = 0;
        long rss = 0;
        for (int i = close + 2; i < n && field <= 24; i++) {
            byte b = buf[i];
            if (b == ' ') {
                field++;
            } else if (b >= '0' && b <= '9') {
                if (field == 14) {
                    utime = utime * 10 + (b - '0');
                } else if (field == 15) {
                    stime = stime * 10 + (b - '0');
                } else if (field == 24) {
                    rss = rss * 10 + (b - '0');
                }
            }
        }
        return new Times(id, new String(buf, open + 1, close - open - 1, StandardCharsets.UTF_8),
                (utime + stime) * MS_PER_TICK, rss * PAGE);
    }
}
