package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.FakeOpenAi;
import autoglm.model.run.RunInfo;
import autoglm.read.run.RunInfoJson;
import autoglm.record.run.Signals;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What load does with endpoints that cannot be used or that fail under it, each a real server on loopback: a
 * closed port, TLS spoken to plain HTTP (a fake engine in this JVM) and Python's http.server (not OpenAI) are one
 * line and exit 2; the reference
 * server asked for a model it does not serve answers 404 to every request, counted and exit 2; a /metrics page that
 * is not Prometheus' is counted and the load goes on; a server that dies mid-answer leaves the run kept and
 * incomplete; Ctrl-C keeps what was measured. Nothing here leans on this machine's speed: the server fails where it is
 * told to (its --fault after the Nth token, docs/serve.md#faults) and Ctrl-C comes once the server's log shows the
 * requests it needs.
 */
class LoadErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
    }

    private Process start(List<String> argv, Path log) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    /** The reference server on a free port, once it answers. */
    private String serve(String... extra) throws Exception {
        String py = LoadServeTest.python();
        int port = LoadServeTest.freePort();
        List<String> argv = new ArrayList<>(List.of(py, "-m", "autoglm_workload.serve", "--model", "glm-tiny",
                "--port", Integer.toString(port)));
        argv.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("serve.log").toFile());
        pb.environment().put("PYTHONPATH", autoglm.Fixtures.root().resolve("native/workload").toString());
        Process p = pb.start();
        started.add(p);
        String url = "http://127.0.0.1:" + port;
        awaitUp(url + "/health");
        return url;
    }

    private static void awaitUp(String url) throws Exception {
        for (int i = 0; i < 600; i++) {
            try {
                java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URL(url).openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() > 0) {
                    return;
                }
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError(url + " did not come up");
    }

    private Run load(String url, String... more) {
        List<String> args = new ArrayList<>(List.of("load", url, "--out", tmp.resolve("runs").toString(), "--image",
                "56x112", "--think-time", "50ms-100ms", "--warmup", "0"));
        args.addAll(List.of(more));
        return Run.of(args.toArray(new String[0]));
    }

    private Path onlyRun() throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            return s.findFirst().orElseThrow();
        }
    }

    @Test
    void aClosedPortIsOneLineAndExit2() throws Exception {
        Run r = load("http://127.0.0.1:" + LoadServeTest.freePort());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("the connection was refused"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void tlsToAPlainServerIsOneLineAndExit2() throws Exception {
        // a plain-HTTP OpenAI server: the recorded vLLM emulator's answers (no torch needed)
        try (FakeOpenAi plain = FakeOpenAi.start("vllm")) {
            Run r = load(plain.url().replace("http://", "https://"));
            assertEquals(2, r.code());
            assertTrue(r.err().contains("TLS") || r.err().contains("SSL"), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
    }

    @Test
    void aServerThatIsNotOpenAiIsOneLineAndExit2() throws Exception {
        int port = LoadServeTest.freePort();
        start(List.of("python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1",
                "--directory", tmp.toString()), tmp.resolve("http.log"));
        String url = "http://127.0.0.1:" + port;
        awaitUp(url);
        Run r = load(url);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("answered HTTP 404"), r.err());
        // told the model, the client sends its requests: every one is refused by the server (501), counted by kind
        Run named = load(url, "--model", "m", "--sessions", "1", "--steps", "2", "--no-server-metrics");
        assertEquals(2, named.code(), named.err());
        assertTrue(named.err().contains("no request succeeded (http-501 x2"), named.err());
        RunInfo info = RunInfoJson.read(onlyRun().resolve("run.json"));
        assertFalse(info.complete());
    }

    @Test
    void fourHundredsAreCountedAndGarbageOnMetricsIsCounted() throws Exception {
        String url = serve();
        Run wrong = load(url, "--model", "no-such-model", "--sessions", "1", "--steps", "2");
        assertEquals(2, wrong.code(), wrong.err());
        assertTrue(wrong.err().contains("http-404 x2") && wrong.err().contains("does not exist"), wrong.err());
        Path json = tmp.resolve("out.json");
        Run garbage = load(url, "--sessions", "1", "--steps", "2", "--metrics-url", url + "/v1/models",
                "--format", "json", "-o", json.toString());
        assertEquals(0, garbage.code(), garbage.err());
        JsonNode server = JSON.readTree(json.toFile()).get("metrics").get("server_kind");
        assertTrue(server.get("reason").asText().contains("no scrape of " + url + "/v1/models succeeded"),
                server.toString());
        assertEquals(2, JSON.readTree(json.toFile()).get("metrics").get("load_completed").get("value").asInt());
    }

    @Test
    void aServerThatDiesMidAnswerLeavesTheRunKeptAndIncomplete() throws Exception {
        // 64 tokens an answer: three answers whole, then the process ends in the middle of the fourth
        String url = serve("--fault", "exit-after-tokens:224");
        Run r = load(url, "--sessions", "1", "--steps", "40");
        assertTrue(started.get(0).waitFor(60, TimeUnit.SECONDS), "the server ended itself");
        assertEquals(3, started.get(0).exitValue());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("the server went away or stopped answering during the load"), r.err());
        Path run = onlyRun();
        RunInfo info = RunInfoJson.read(run.resolve("run.json"));
        assertFalse(info.complete());
        List<String> rows = Files.readAllLines(run.resolve("requests.csv"));
        assertEquals(3, rows.stream().filter(l -> l.contains(",ok,")).count(), "what was measured before is kept");
        assertTrue(rows.stream().anyMatch(l -> l.contains(",refused,") || l.contains(",reset,")), "and the failures");
    }

    @Test
    void aServerThatHangsMidAnswerIsCutOffAtTheTimeoutCountedAndTheRunKeptIncomplete() throws Exception {
        // the first answer whole (64 tokens), then nothing more after the 100th token: the second hangs mid-answer,
        // its connection open, until the client's timeout ends it and the two steps
        String url = serve("--fault", "stall-after-tokens:100");
        Run r = load(url, "--model", "glm-tiny", "--sessions", "1", "--steps", "2", "--timeout", "4s",
                "--no-server-metrics");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("timed out"), r.err());
        List<String> rows = Files.readAllLines(onlyRun().resolve("requests.csv"));
        assertEquals(1, rows.stream().filter(l -> l.contains(",ok,")).count(), String.join("\n", rows));
        assertTrue(rows.stream().anyMatch(l -> l.contains(",timeout,")), String.join("\n", rows));
        assertFalse(RunInfoJson.read(onlyRun().resolve("run.json")).complete());
        assertTrue(Files.readString(tmp.resolve("serve.log")).contains("\"event\": \"fault\""), "the server stalled");
    }

    @Test
    void ctrlCKeepsWhatWasMeasured() throws Exception {
        String url = serve();
        Path out = tmp.resolve("runs");
        List<String> argv = new ArrayList<>(ProfileSignalTest.defaultSignals());
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "autoglm.cli.Main", "load", url, "--out", out.toString(),
                "--image", "56x112", "--think-time", "50ms-100ms", "--sessions", "1", "--steps", "200"));
        Process p = start(argv, tmp.resolve("load.log"));
        // one session asks one request at a time: once the server has finished a third, the client has the second
        // whole (and the warm-up before it)
        for (int i = 0; i < 1200 && finished(tmp.resolve("serve.log")) < 3; i++) {
            Thread.sleep(100);
        }
        assertTrue(finished(tmp.resolve("serve.log")) >= 3, "the server finished three requests");
        assertTrue(Signals.kill(p.pid(), Signals.SIGINT));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "load ended");
        String log = Files.readString(tmp.resolve("load.log"));
        assertEquals(2, p.exitValue(), log);
        assertTrue(log.contains("got SIGINT"), log);
        Path run = onlyRun();
        RunInfo info = RunInfoJson.read(run.resolve("run.json"));
        assertEquals(RunInfo.INTERRUPTED, info.status());
        assertTrue(Files.readAllLines(run.resolve("requests.csv")).size() > 2, "the requests so far are kept");
    }

    @Test
    void aServerThatExitsOrNeverGetsReadyIsOneLineAndItsRunKeptIncomplete() throws Exception {
        Run exits = load("http://127.0.0.1:" + LoadServeTest.freePort(), "--model", "m", "--serve", "--", "false");
        assertEquals(2, exits.code(), exits.err());
        assertTrue(exits.err().contains("the server exited before it was ready"), exits.err());
        assertFalse(RunInfoJson.read(onlyRun().resolve("run.json")).complete());
        Path out2 = tmp.resolve("runs2");
        Run hangs = Run.of("load", "http://127.0.0.1:" + LoadServeTest.freePort(), "--model", "m", "--out",
                out2.toString(), "--ready-timeout", "2s", "--serve", "--", "sleep", "60");
        assertEquals(2, hangs.code(), hangs.err());
        assertTrue(hangs.err().contains("was not ready within 2 s"), hangs.err());
        Path run;
        try (Stream<Path> s = Files.list(out2)) {
            run = s.findFirst().orElseThrow();
        }
        RunInfo info = RunInfoJson.read(run.resolve("run.json"));
        assertFalse(info.complete(), "stopped because it never got ready: incomplete");
        assertTrue(info.note().contains("was not ready within 2 s"), info.note());
    }

    @Test
    void aSweepRunsOneAtATimeThenThroughputThenRatesBetween() throws Exception {
        String url = serve();
        Path json = tmp.resolve("sweep.json");
        Run r = load(url, "--workload", "synthetic", "--input-len", "48", "--output-len", "8", "--requests", "8",
                "--profile", "sweep:2", "--format", "json", "-o", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode stages = JSON.readTree(json.toFile()).get("sweep");
        assertEquals("sync", stages.get(0).get("profile").asText());
        assertEquals("concurrent:8", stages.get(1).get("profile").asText());
        double low = stages.get(0).get("metrics").get("load_request_rate").asDouble();
        double high = stages.get(1).get("metrics").get("load_request_rate").asDouble();
        if (!(high > low)) {
            // a CPU shared with other work can make eight at once slower than one at a time: then no rate lies
            // between them, and the sweep says so and stops
            assertEquals(2, stages.size(), stages.toString());
            assertTrue(r.err().contains("no rate lies between them to sweep"), r.err());
            return;
        }
        assertEquals(4, stages.size(), stages.toString());
        for (int i = 2; i < 4; i++) {
            double target = stages.get(i).get("metrics").get("load_target_rate").asDouble();
            assertEquals(low + (i - 1) * (high - low) / 3, target, target * 1e-3, "evenly between");
        }
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            assertEquals(4, s.count(), "a run folder per stage");
        }
    }


    /** Requests the reference server logged as finished (one JSON line each on its stdout). */
    private static long finished(Path log) throws Exception {
        if (!Files.exists(log)) {
            return 0;
        }
        return Files.readAllLines(log).stream().filter(l -> l.contains("\"event\": \"request\"")).count();
    }
}
