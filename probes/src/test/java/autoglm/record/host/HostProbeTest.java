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

    @Test
    void findsABusyWorkerThreadAmongIdleOnes() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import threading, time\n"
                + "def spin():\n    t = time.time()\n    while time.time() - t < 3: pass\n"
                + "for i in range(8): threading.Thread(target=time.sleep, args=(3,), daemon=True).start()\n"
                + "threading.Thread(target=spin).start()\ntime.sleep(3)").start();
        try {
            HostSample s = over(p, 1000);
            assertTrue(s.busiestThreadPct() > 60, "the spinning thread: " + s);
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
        Process p = new ProcessBuilder("python3", "-c", "import time\nt = time.time()\nwhile time.time() - t < 3: pass").start();
        try {
            HostSample s = over(p, 1000);
            assertTrue(s.busiestThreadPct() > 60, s.toString());
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
}
