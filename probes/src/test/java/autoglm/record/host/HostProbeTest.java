package autoglm.record.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.model.run.HostSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The host probe on real processes of this machine. */
class HostProbeTest {
    private static HostSample over(Process p, long ms) throws Exception {
        try (HostProbe h = new HostProbe()) {
            Thread.sleep(200);
            double t0 = System.currentTimeMillis();
            h.start(t0);
            h.read(t0, Set.of(p.pid()));
            Thread.sleep(ms);
            return h.read(System.currentTimeMillis(), Set.of(p.pid()));
        }
    }

    /** Reads the process's output until {@code line} (it started what the test measures). */
    private static void awaitLine(Process p, String line) throws Exception {
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        for (String l = r.readLine(); l != null; l = r.readLine()) {
            if (l.equals(line)) {
                return;
            }
        }
        throw new AssertionError("the process ended before it printed " + line);
    }

    @Test
    void findsABusyWorkerThreadAmongIdleOnes() throws Exception {
        // the threads run until the test ends them, however slow this machine is: it says when all are started
        Process p = new ProcessBuilder("python3", "-c", "import threading, time, sys\n"
                + "def spin():\n    while True: pass\n"
                + "for i in range(8): threading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n"
                + "threading.Thread(target=spin, daemon=True).start()\nprint('started', flush=True)\n"
                + "time.sleep(600)").start();
        try {
            awaitLine(p, "started");
            Ticks before = Ticks.of(p.pid());
            long w0 = System.nanoTime();
            HostSample s = over(p, 1000);
            double wallS = (System.nanoTime() - w0) / 1e9;
            Ticks after = Ticks.of(p.pid());
            // measured apart from the probe: each thread's own CPU time (/proc/PID/task/TID/stat) over the same
            // wall time, so that a busy machine, which gives the spinner less than a core, cannot fail the test
            long spinner = after.busiest(before);
            double share = after.pct(before, spinner, wallS);
            assertTrue(share > 0, "the spinner ran at all: " + share + "%");
            assertTrue(s.busiestThread().endsWith("tid " + spinner + ")"), "the spinning thread (tid " + spinner
                    + "), found by its own CPU time: " + s);
            assertEquals(share, s.busiestThreadPct(), Math.max(10, 0.25 * share), "its share of a core: " + s);
            assertNotEquals("tid " + p.pid() + ")", s.busiestThread().substring(s.busiestThread().lastIndexOf("tid ")),
                    "the busy thread is a worker, not the main thread");
            assertTrue(s.procCpuPct() >= s.busiestThreadPct() - 15, "the process includes its thread: " + s);
            assertEquals(1, s.processes());
            assertTrue(s.procRssBytes() > 1_000_000, "python's resident memory");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void findsABusyMainThread() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "print('spinning', flush=True)\nwhile True: pass").start();
        try {
            awaitLine(p, "spinning");
            Ticks before = Ticks.of(p.pid());
            long w0 = System.nanoTime();
            HostSample s = over(p, 1000);
            double wallS = (System.nanoTime() - w0) / 1e9;
            double share = Ticks.of(p.pid()).pct(before, p.pid(), wallS);
            assertTrue(share > 0, "the main thread ran at all: " + share + "%");
            assertEquals(share, s.busiestThreadPct(), Math.max(10, 0.25 * share), "its share of a core: " + s);
            assertTrue(s.busiestThread().endsWith("(pid " + p.pid() + ", tid " + p.pid() + ")"), s.busiestThread());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void systemMemoryMatchesProcMeminfo() throws Exception {
        HostSample s = over(new ProcessBuilder("sleep", "1").start(), 100);
        String meminfo = Files.readString(Path.of("/proc/meminfo"));
        long totalKib = Long.parseLong(meminfo.replaceAll("(?s).*MemTotal:\\s+(\\d+) kB.*", "$1"));
        assertEquals(totalKib * 1024.0, s.hostMemTotalBytes());
        assertTrue(s.cpuPct() >= 0 && s.cpuPct() <= 100, s.toString());
    }

    /** CPU ticks (user + system) of each thread of a process, read from /proc without the probe's code. */
    private record Ticks(java.util.Map<Long, Long> byTid) {
        static Ticks of(long pid) throws java.io.IOException {
            java.util.Map<Long, Long> m = new java.util.HashMap<>();
            try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    try {
                        String stat = Files.readString(t.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        m.put(Long.parseLong(t.getFileName().toString()), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                    } catch (java.io.IOException gone) {
                        // the thread ended
                    }
                }
            }
            return new Ticks(m);
        }

        long busiest(Ticks before) {
            return byTid.keySet().stream().max(java.util.Comparator.comparingLong(
                    (Long t) -> byTid.get(t) - before.byTid.getOrDefault(t, 0L))).orElseThrow();
        }

        /** Percent of one core over {@code wallS} seconds, at the usual 100 ticks per second (USER_HZ). */
        double pct(Ticks before, long tid, double wallS) {
            return 100.0 * (byTid.getOrDefault(tid, 0L) - before.byTid.getOrDefault(tid, 0L)) / 100.0 / wallS;
        }
    }
}
