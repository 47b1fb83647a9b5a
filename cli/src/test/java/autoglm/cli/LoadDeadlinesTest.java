package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.LoopbackHttp;
import autoglm.loopback.HttpBytes;
import autoglm.model.run.RunInfo;
import autoglm.read.run.RunInfoJson;
import autoglm.record.run.Signals;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 32, "Hangs: HTTP bodies have no deadline" and "Every /metrics scrape stays in memory", on the load client's
 * side, against hostile servers on loopback ({@link LoopbackHttp}, real sockets) beside an engine emulator that
 * streams the answers (vLLM's, cli/src/test/emulators): a /metrics page sent a byte a second holds neither the load's
 * start nor its end; a /v1/models sent a byte a second is one line and exit 2; SIGTERM during a hung stream and a
 * hung scrape ends the load at once, the run kept and marked interrupted; a page of 300,000 series no analysis
 * reads is counted, not kept, by a client with a 128 MiB heap. The bounds on the processes are generous; nothing here
 * asserts a speed.
 */
class LoadDeadlinesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The first frame vLLM's chat endpoint streams (the role chunk; emulators/engines/vllm.py). */
    private static final String ROLE_CHUNK = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":0,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"logprobs\":null,\"finish_reason\":null}]}\n\n";
    /** A page of the engine's series, as vLLM's prometheus_client writes them. */
    private static final String VLLM_PAGE = "# HELP vllm:num_requests_running Number of requests in model execution "
            + "batches.\n# TYPE vllm:num_requests_running gauge\n"
            + "vllm:num_requests_running{engine=\"0\",model_name=\"glm-tiny\"} 0.0\n";

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        started.forEach(Process::destroyForcibly);
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private LoopbackHttp hostile() throws Exception {
        LoopbackHttp h = LoopbackHttp.keepAlive();
        closing.add(h);
        return h;
    }

    private Emulator vllm() throws Exception {
        Emulator e = Emulator.start(tmp.resolve("emu"), "vllm", List.of("--scenario", "healthy", "--no-step-log"));
        closing.add(e);
        return e;
    }

    private Path onlyRun() throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            return s.findFirst().orElseThrow();
        }
    }

    /** Waits (a bound against a hang, not a speed) until {@code n} reaches {@code at least}. */
    private static void await(String what, IntSupplier n, int atLeast) throws Exception {
        long end = System.nanoTime() + 120_000_000_000L;
        while (n.getAsInt() < atLeast && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertTrue(n.getAsInt() >= atLeast, what);
    }

    private static List<Map<String, String>> csv(Path file) throws Exception {
        return LoadHeaderTest.csv(file);
    }

    @Test
    void aMetricsPageAtOneBytePerSecondHoldsNeitherTheLoadNorItsEnd() throws Exception {
        // issue 32: "the first scrape runs on the main thread before any traffic, so load never starts"
        Emulator emu = vllm();
        LoopbackHttp h = hostile().on("/metrics", HttpBytes.trickle("text/plain; version=0.0.4", VLLM_PAGE, 1000));
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(240), () -> Run.of("load", emu.url(), "--out",
                tmp.resolve("runs").toString(), "--metrics-url", h.url() + "/metrics", "--workload", "synthetic",
                "--requests", "3", "--input-len", "32", "--output-len", "8", "--warmup", "0"));
        assertEquals(0, r.code(), r.err());
        Path run = onlyRun();
        // the emulator's own log of the answers it streamed whole: every request of the load ran
        assertEquals(3, emu.truth("request").size());
        List<Map<String, String>> rows = csv(run.resolve("requests.csv"));
        assertEquals(3, rows.stream().filter(x -> x.get("status").equals("ok")).count(), rows.toString());
        JsonNode errors = JSON.readTree(run.resolve("load.json").toFile()).get("scrape_errors");
        List<Map<String, String>> scrapes = csv(run.resolve("scrapes.csv"));
        assertFalse(scrapes.isEmpty());
        // the page never came whole: none kept; the last scrape waited out its deadline, a timeout; one in progress
        // when the traffic ended was given up (interrupted), not counted as failed
        assertTrue(scrapes.stream().allMatch(x -> List.of("timeout", "interrupted").contains(x.get("outcome"))),
                scrapes.toString());
        long timeouts = scrapes.stream().filter(x -> x.get("outcome").equals("timeout")).count();
        assertTrue(timeouts >= 1, scrapes.toString());
        assertEquals(timeouts, errors.path("timeout").asLong(), errors.toString());
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(r.err().contains("has not answered yet"), "the automatic baseline did not wait for it: " + r.err());
        // each exchange given up was closed: the server's writes to it failed
        await("every slow page cut off by the client", () -> h.cut("/metrics"), h.begun("/metrics"));
    }

    @Test
    void aModelListAtOneBytePerSecondIsOneLineAndExit2() throws Exception {
        // issue 32: "load without --model against a /v1/models at 1 byte/s: the same" (still running at 80 s)
        LoopbackHttp h = hostile().on("/v1/models", HttpBytes.trickle("application/json",
                "{\"object\":\"list\",\"data\":[{\"id\":\"glm-tiny\",\"object\":\"model\",\"owned_by\":\"vllm\"}]}", 1000));
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> Run.of("load", h.url(), "--out",
                tmp.resolve("runs").toString(), "--workload", "synthetic", "--requests", "1"));
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("/v1/models: no whole answer within 30 s"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        await("the slow answer cut off by the client", () -> h.cut("/v1/models"), 1);
    }

    /** autoglm load as a child JVM (its own signals), its output in {@code log}. */
    private Process child(Path log, String... args) throws Exception {
        List<String> argv = new ArrayList<>(ProfileSignalTest.defaultSignals());
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "autoglm.cli.Main", "load"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    /** One SIGTERM; the process ends (a bound far below its 600 s timeout), exit 2, the run kept, interrupted. */
    private Path terminatedRun(Process p, Path log) throws Exception {
        assertTrue(Signals.kill(p.pid(), Signals.SIGTERM));
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "load ended on one SIGTERM: " + Files.readString(log));
        String out = Files.readString(log);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("got SIGTERM"), out);
        assertFalse(out.contains("Exception"), out);
        Path run = onlyRun();
        RunInfo info = RunInfoJson.read(run.resolve("run.json"));
        assertEquals(RunInfo.INTERRUPTED, info.status());
        assertFalse(info.complete());
        return run;
    }

    @Test
    void sigtermDuringAHungStreamEndsTheLoadAtOnceAndKeepsTheRun() throws Exception {
        // issue 32: "SIGTERM during a hung stream waits out --timeout (up to 600 s by default); a second signal does
        // not help"
        LoopbackHttp h = hostile().on("/v1/chat/completions", HttpBytes.stall("text/event-stream", ROLE_CHUNK));
        Path log = tmp.resolve("load.log");
        Process p = child(log, h.url(), "--model", "m", "--out", tmp.resolve("runs").toString(), "--workload",
                "synthetic", "--requests", "2", "--warmup", "0", "--timeout", "600s", "--no-server-metrics");
        // the first request's answer has begun and stopped
        await("a stream hung", () -> h.begun("/v1/chat/completions"), 1);
        Path run = terminatedRun(p, log);
        List<Map<String, String>> rows = csv(run.resolve("requests.csv"));
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("interrupted", rows.get(0).get("status"), "a cut stream is not the server's failure");
        // the hung stream's connection was closed
        await("the hung stream closed", () -> h.cut("/v1/chat/completions"), 1);
    }

    @Test
    void sigtermDuringAHungScrapeEndsTheLoadAtOnceAndKeepsTheRun() throws Exception {
        // issue 32: "A /metrics page sent at 1 byte/s: ... SIGTERM is ignored for 145 s; run.json stays running"; the
        // streams hang too, so that whatever the load waits on when the signal comes, it waits on a hung server
        LoopbackHttp h = hostile()
                .on("/v1/chat/completions", HttpBytes.stall("text/event-stream", ROLE_CHUNK))
                .on("/metrics", HttpBytes.trickle("text/plain; version=0.0.4", VLLM_PAGE, 1000));
        Path log = tmp.resolve("load.log");
        Process p = child(log, h.url(), "--model", "m", "--out", tmp.resolve("runs").toString(), "--workload",
                "synthetic", "--requests", "2", "--warmup", "0", "--baseline", "0", "--timeout", "600s");
        await("a scrape begun", () -> h.begun("/metrics"), 1);
        Path run = terminatedRun(p, log);
        assertTrue(Files.isRegularFile(run.resolve("requests.csv")), "what was measured (nothing, or the cut request) "
                + "is written");
        csv(run.resolve("requests.csv")).forEach(row -> assertEquals("interrupted", row.get("status"), row.toString()));
    }

    @Test
    void aPageOfThreeHundredThousandUnrelatedSeriesIsCountedNotKeptInA128MiBHeap() throws Exception {
        // issue 32: "Every /metrics scrape stays in memory for the run: a page of 1 M series reached 3.7 GB; in -Xmx1g
        // it hung"; here 300,000 series no analysis reads beside one it does, the client given 128 MiB
        int unrelated = 300_000;
        StringBuilder page = new StringBuilder(VLLM_PAGE).append("# TYPE unrelated_events counter\n");
        for (int i = 0; i < unrelated; i++) {
            page.append("unrelated_events_total{id=\"").append(i).append("\"} ").append(i).append('\n');
        }
        byte[] body = page.toString().getBytes(StandardCharsets.UTF_8);
        Emulator emu = vllm();
        LoopbackHttp h = hostile().on("/metrics", (req, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
        });
        Path json = tmp.resolve("out.json");
        List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:ActiveProcessorCount=2", "-cp", System.getProperty("java.class.path"), "autoglm.cli.Main", "load",
                emu.url(), "--out", tmp.resolve("runs").toString(), "--metrics-url", h.url() + "/metrics",
                "--workload", "synthetic", "--requests", "4", "--input-len", "32", "--output-len", "8", "--warmup", "0",
                "--baseline", "0", "--format", "json", "-o", json.toString());
        Path log = tmp.resolve("load.log");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "load ended: " + Files.readString(log));
        assertEquals(0, p.exitValue(), Files.readString(log));
        Path run = onlyRun();
        List<Map<String, String>> scrapes = csv(run.resolve("scrapes.csv"));
        List<Map<String, String>> ok = scrapes.stream().filter(x -> x.get("outcome").equals("ok")).toList();
        assertFalse(ok.isEmpty(), scrapes.toString());
        // every page the server sent whole was kept as one sample of vLLM's and counted 300,000 others
        assertTrue(ok.size() <= h.whole("/metrics"), ok.size() + " of " + h.whole("/metrics"));
        for (Map<String, String> x : ok) {
            assertEquals("1", x.get("series_kept"), x.toString());
            assertEquals(Integer.toString(unrelated), x.get("series_left_out"), x.toString());
        }
        JsonNode d = JSON.readTree(json.toFile());
        assertEquals("vllm", d.get("metrics").get("server_kind").get("text").asText(), d.get("metrics").toString());
        assertEquals(ok.size(), d.get("metrics").get("server_scrapes").get("value").asInt());
        long counted = 0;
        for (var e : (Iterable<Map.Entry<String, JsonNode>>) () -> d.get("dataLoss").get("skipped").fields()) {
            if (e.getKey().contains("/metrics")) {
                counted += e.getValue().asLong();
            }
        }
        assertEquals((long) unrelated * ok.size(), counted, d.get("dataLoss").toString());
        // server-metrics.csv holds the one series read, never the others
        assertFalse(Files.readString(run.resolve("server-metrics.csv")).contains("unrelated_events"));
    }
}
