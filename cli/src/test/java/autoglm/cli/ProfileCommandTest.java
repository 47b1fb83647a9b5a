package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import autoglm.Fixtures;
import autoglm.read.run.RunFolder;
import autoglm.model.run.RunInfo;
import autoglm.read.run.RunInfoJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** autoglm profile on this machine (no NVIDIA driver, as CI): real commands, real host sampling, every fault. */
class ProfileCommandTest {
    @TempDir
    Path tmp;

    static boolean driverPresent() {
        return Files.exists(Path.of("/proc/driver/nvidia/version"));
    }

    private static List<Path> runs(Path out) throws Exception {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.toList();
        }
    }

    @Test
    void commandNotFoundIsOneLineAndLeavesNoRunFolder() throws Exception {
        Path out = tmp.resolve("runs");
        Run r = Run.of("profile", "--out", out.toString(), "--", "no-such-command-autoglm");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("autoglm: command not found: no-such-command-autoglm", r.err().strip());
        assertTrue(runs(out).isEmpty());
    }

    @Test
    void notExecutableIsOneLine() throws Exception {
        Path script = Files.writeString(tmp.resolve("job.sh"), "echo hi\n");
        Run r = Run.of("profile", "--out", tmp.resolve("runs").toString(), "--", script.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().strip().startsWith("autoglm: not executable: "), r.err());
        assertEquals(1, r.err().strip().lines().count());
        assertTrue(runs(tmp.resolve("runs")).isEmpty());
    }

    @Test
    void unwritableOutputFolderStopsBeforeTheCommandStarts() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path marker = tmp.resolve("marker");
        Run r = Run.of("profile", "--out", file.resolve("runs").toString(), "--", "touch", marker.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().strip().startsWith("autoglm: --out " + file.resolve("runs") + ": cannot create the folder"),
                r.err());
        assertFalse(Files.exists(marker), "the command never ran");
    }

    @Test
    void aFailingCommandIsRecordedAndReported() throws Exception {
        Path out = tmp.resolve("runs");
        Run r = Run.of("profile", "--out", out.toString(), "--name", "fails", "--", "sh", "-c", "sleep 0.3; exit 3");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        Path run = runs(out).get(0);
        assertTrue(run.getFileName().toString().endsWith("-fails"), run.toString());
        RunInfo info = RunInfoJson.read(run.resolve(RunFolder.RUN_JSON));
        assertEquals(3, info.exitCode());
        assertEquals(RunInfo.FAILED, info.status());
        assertFalse(info.complete()); // a command that failed did not finish its work
        assertTrue(r.out().contains("the command exited with code 3"), r.out());
        assertTrue(r.err().contains("autoglm: the command exited with code 3; the run is kept in " + run), r.err());
    }

    @Test
    void withoutADriverTheHostIsSampledAndGpuRulesAreNotApplicable() throws Exception {
        assumeFalse(driverPresent(), "this machine has an NVIDIA driver");
        Path out = tmp.resolve("runs");
        Path own = tmp.resolve("own-cpu.txt");
        Run r = Run.of("profile", "--out", out.toString(), "--format", "json", "--", "python3", "-c",
                "import time\nt = time.time()\nwhile time.time() - t < 1.2: pass\n"
                        + "open('" + own + "', 'w').write('%f %f' % (time.thread_time(), time.time() - t))");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.err().contains("autoglm: libnvidia-ml.so.1 not found: no NVIDIA driver on this machine: GPU sampling is off"),
                r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        for (String field : new String[] {"tool", "version", "schema", "inputs", "run", "metrics", "findings", "dataLoss"}) {
            assertTrue(j.has(field), field);
        }
        assertEquals("exited", j.get("run").get("status").asText());
        assertEquals("python3", j.get("run").get("name").asText().replaceFirst("^[0-9T-]+-", ""));
        for (JsonNode f : j.get("findings")) {
            if (List.of("gpu-underutilized", "memory-headroom", "clock-throttling").contains(f.get("rule").asText())) {
                assertEquals("not-applicable", f.get("severity").asText());
                assertTrue(f.get("reason").asText().contains("no NVIDIA driver"), f.toString());
            }
        }
        // the busy Python thread is seen by the host probe: most of a core over the run
        JsonNode thread = j.get("metrics").get("host_busiest_thread_pct");
        // against the thread's own CPU time over its own wall time: on a busy machine both are lower together
        String[] cpuWall = Files.readString(own).split(" ");
        double ownPct = 100 * Double.parseDouble(cpuWall[0]) / Double.parseDouble(cpuWall[1]);
        assertTrue(ownPct > 5, "the spinning thread ran at all: " + ownPct + "%");
        assertTrue(thread.get("value").asDouble() > 0.5 * ownPct, thread + " against its own " + ownPct + "%");
        assertTrue(thread.get("n").asInt() >= 4, "a reading every 200 ms: " + thread);
        assertTrue(j.get("metrics").get("host_busiest_thread").get("text").asText().startsWith("python3 (pid "));
        Path run = runs(out).get(0);
        // every host reading covers a whole host interval: none divides CPU time by a sliver of time
        java.util.List<String> rows = Files.readAllLines(run.resolve("host.csv"));
        double started = j.get("run").get("started").asText().isEmpty() ? 0
                : java.time.Instant.parse(j.get("run").get("started").asText()).toEpochMilli();
        double first = Double.parseDouble(rows.get(1).split(",")[0]);
        assertTrue(first - started >= 150, "first host reading " + (first - started) + " ms after the start");
        // the HTML report is written next to every run, with its host CPU chart
        String html = Files.readString(run.resolve(Reports.RUN_HTML));
        assertTrue(html.contains("id='chart-host-cpu'"), "host CPU chart");
        // the machine's share and the process tree's cores on axes of their own, each titled with its unit
        String cpu = html.substring(html.indexOf("id='chart-host-cpu'"));
        cpu = cpu.substring(0, cpu.indexOf("</svg>"));
        assertTrue(cpu.contains(">machine CPU, % of all cores</text>"), "left axis");
        assertTrue(cpu.contains(">process tree CPU, % of one core</text>"), "right axis");
        for (String f : new String[] {"run.json", "host.csv"}) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        assertEquals("time_unix_ms,cpu_pct,proc_cpu_pct,busiest_thread_pct,busiest_thread,proc_rss_bytes,processes,"
                + "host_mem_used_bytes,host_mem_total_bytes", Files.readAllLines(run.resolve("host.csv")).get(0));
        // autoglm diagnose RUN reads the folder back to the same findings
        Run again = Run.of("diagnose", "--format", "json", run.toString());
        assertEquals(ExitCodes.OK, again.code(), again.err());
        assertEquals(j.get("findings"), Fixtures.json().readTree(again.out()).get("findings"));
        assertEquals(j.get("metrics"), Fixtures.json().readTree(again.out()).get("metrics"));
    }

    @Test
    void badIntervalsAreRefused() {
        Run r = Run.of("profile", "--interval", "5ms", "--out", tmp.toString(), "--", "true");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("autoglm: --interval 5ms: 10ms is the finest NVML sampling interval", r.err().strip());
        Run g = Run.of("profile", "--gpm-interval", "50ms", "--out", tmp.toString(), "--", "true");
        assertEquals(ExitCodes.BAD_INPUT, g.code());
        assertTrue(g.err().contains("GPM needs at least 100ms"), g.err());
    }
}
