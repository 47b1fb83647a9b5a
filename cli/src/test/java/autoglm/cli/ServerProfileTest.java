package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code load --serve --server-profile N} against a real {@code autoglm serve} (glm-tiny on the CPU): the server's
 * torch.profiler runs between POST /start_profile and /stop_profile around the first N measured requests, its trace
 * lands in the run folder and is diagnosed, the cost is reported, and the client's requests, the server's own log of
 * request times and the trace share one clock.
 */
class ServerProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Loopback, two processes on two busy cores: the same instant seen by both may differ by this much. */
    private static final double SLACK_MS = 100;

    @TempDir
    Path tmp;

    @Test
    void theServersProfilerRunsAroundTheWindowOnTheLoadsClock() throws Exception {
        String py = LoadServeTest.python();
        int port = LoadServeTest.freePort();
        Run r = Run.of("load", "http://127.0.0.1:" + port, "--out", tmp.resolve("runs").toString(), "--format", "json",
                "-o", tmp.resolve("load.json").toString(), "--image", "56x112", "--think-time", "50ms-150ms", "--python",
                py, "--sessions", "2", "--steps", "4", "--server-profile", "3", "--serve", "--", "autoglm", "serve",
                "--model", "glm-tiny", "--port", Integer.toString(port));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().matches("(?s).*server profile: TPOT [0-9.]+ ms inside the window \\(n=[1-9]\\d*\\).*"), r.err());
        Path run;
        try (Stream<Path> runs = Files.list(tmp.resolve("runs"))) {
            run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        try (Stream<Path> left = Files.list(tmp.resolve("runs"))) {
            assertEquals(1, left.count(), "the staging folder of the traces is gone");
        }
        JsonNode window = JSON.readTree(run.resolve("server-profile.json").toFile());
        assertEquals(3, window.get("measured_ended_in_window").asInt());
        Path trace;
        try (Stream<Path> s = Files.list(run.resolve("server-profile"))) {
            trace = s.filter(p -> p.toString().endsWith(".pt.trace.json")).findFirst().orElseThrow();
        }
        JsonNode diagnosis = JSON.readTree(run.resolve("server-profile/diagnosis.json").toFile());
        assertTrue(diagnosis.get("findings").size() > 0, "the trace analyzers ran on it");
        servedStepsAsTheCheckerCountsThem(run, diagnosis.get("served"));
        List<String> rows = Files.readAllLines(run.resolve("server-profile/served-steps.csv"));
        assertEquals(diagnosis.get("served").get("steps").asInt() + 1, rows.size(), "one row a step, a header first");
        assertTrue(rows.get(0).startsWith("step,start_unix_ns,end_unix_ns,step_ms,kernels,gpu_busy_pct"), rows.get(0));
        // the cost the terminal says is in the result's metrics (JSON) and the run's HTML report
        java.util.regex.Matcher said = java.util.regex.Pattern.compile("TPOT ([0-9.]+) ms inside the window \\(n=(\\d+)\\)")
                .matcher(r.err());
        assertTrue(said.find(), r.err());
        JsonNode metrics = JSON.readTree(tmp.resolve("load.json").toFile()).get("metrics");
        assertEquals(Double.parseDouble(said.group(1)), metrics.get("server_profile_tpot_inside_ms").get("value")
                .asDouble(), 0.005);
        assertEquals(Integer.parseInt(said.group(2)), metrics.get("server_profile_tpot_inside_ms").get("n").asInt());
        assertTrue(Files.readString(run.resolve("report.html")).contains("server_profile_tpot_inside_ms"),
                "the run's HTML report lists the cost");

        // one clock: the load's (requests.csv, server-profile.json: ms from started_epoch_ms), the server's log
        double epoch = JSON.readTree(run.resolve("load.json").toFile()).get("settings").get("started_epoch_ms")
                .asDouble();
        double openUnix = epoch + window.get("start_ms").asDouble();
        double closeUnix = epoch + window.get("stop_ms").asDouble();
        List<double[]> client = new ArrayList<>();
        List<String> lines = Files.readAllLines(run.resolve("requests.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            client.add(new double[] {epoch + Double.parseDouble(c[header.indexOf("sent_ms")]),
                epoch + Double.parseDouble(c[header.indexOf("end_ms")])});
        }
        List<JsonNode> served = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("server.log"))) {
            if (line.startsWith("{") && line.contains("\"event\": \"request\"")) {
                served.add(JSON.readTree(line));
            }
        }
        assertEquals(client.size(), served.size(), "each request the client sent is in the server's log");
        for (JsonNode s : served) {
            double arrival = s.get("arrival_unix_ms").asDouble();
            double end = s.get("end_unix_ms").asDouble();
            // the ends match; the server stamps a request's arrival once it has read and prepared it, which can be
            // late while the profiler writes its trace, but never before the client sent it
            assertTrue(client.stream().anyMatch(c -> Math.abs(c[1] - end) < SLACK_MS && arrival > c[0] - SLACK_MS
                    && arrival < c[1]), "the server's request " + arrival + ".." + end + " is one the client sent");
        }
        // the trace's events, on its baseTimeNanoseconds, lie within the window the client opened and closed
        JsonNode t = JSON.readTree(trace.toFile());
        double base = t.get("baseTimeNanoseconds").asDouble() / 1e6;
        double first = Double.MAX_VALUE;
        double last = 0;
        List<double[]> ops = new ArrayList<>();
        for (JsonNode e : t.get("traceEvents")) {
            if ("X".equals(e.path("ph").asText()) && e.has("ts")) {
                double from = base + e.get("ts").asDouble() / 1000;
                double to = from + e.path("dur").asDouble() / 1000;
                first = Math.min(first, from);
                last = Math.max(last, to);
                ops.add(new double[] {from, to});
            }
        }
        assertTrue(first >= openUnix - SLACK_MS && last <= closeUnix + SLACK_MS, "trace " + first + ".." + last
                + " within the window " + openUnix + ".." + closeUnix);
        // and each request the server logged wholly inside the window overlaps operators of the trace
        int inside = 0;
        for (JsonNode s : served) {
            double from = s.get("scheduled_unix_ms").asDouble();
            double to = s.get("end_unix_ms").asDouble();
            if (from >= first && to <= last) {
                inside++;
                assertTrue(ops.stream().anyMatch(o -> o[0] < to && o[1] > from), "operators while " + s + " ran");
            }
        }
        assertTrue(inside >= 1, "requests of the server inside the trace");
    }

    /** tools/served_steps_check.py's figures of the run folder {@code run} (docs/analyses.md#served-steps). */
    static JsonNode servedStepsCheck(Path run) throws Exception {
        Process p = new ProcessBuilder("python3", Path.of("..", "tools", "served_steps_check.py").toString(),
                run.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        return JSON.readTree(out);
    }

    /** The server's steps by batch equal tools/served_steps_check.py's, written from docs/analyses.md. */
    private static void servedStepsAsTheCheckerCountsThem(Path run, JsonNode served) throws Exception {
        JsonNode expected = servedStepsCheck(run);
        assertTrue(served != null && served.has("byBatch"), String.valueOf(served));
        assertEquals(expected.get("steps").asInt(), served.get("steps").asInt(), served + " against " + expected);
        assertEquals(expected.get("unmatched").asInt(), served.get("unmatched").asInt());
        assertEquals(expected.get("by_batch").size(), served.get("byBatch").size(), served + " against " + expected);
        assertTrue(expected.get("by_batch").size() >= 1, "steps at a batch: " + expected);
        for (int i = 0; i < expected.get("by_batch").size(); i++) {
            JsonNode e = expected.get("by_batch").get(i);
            JsonNode a = served.get("byBatch").get(i);
            assertEquals(e.get("batch").asInt(), a.get("batch").asInt());
            assertEquals(e.get("steps").asInt(), a.get("steps").asInt());
            assertEquals(e.get("step_ms").asDouble(), a.get("stepMs").asDouble(), 1e-3, "batch " + e.get("batch"));
            assertEquals(e.get("in_flight").asDouble(), a.get("inFlight").asDouble(), 1e-9, "batch " + e.get("batch"));
            assertTrue(a.get("busyPct").isNull(), "no GPU on the CPU: no busy share");
        }
    }

    /**
     * {@code --kernels} with {@code --serve}, tested as {@code profile --kernels} is (ProfileKernelsTest): the server
     * command is a shell whose first process loads the injected library as CUDA would (no driver here) and whose
     * second is the real server, so the library loads in the server's process tree, its recording is read, the
     * server carries on, and the diagnosis says why no kernel was recorded.
     */
    @Test
    void kernelsWithServeInjectTheServersProcesses() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/proc/driver/nvidia/version")),
                "a driver is present: see docs/benchmarks.md");
        org.junit.jupiter.api.Assumptions.assumeTrue(autoglm.record.cupti.CuptiInjection.class.getResource(
                autoglm.record.cupti.CuptiInjection.resource()) != null, "built without the library");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/usr/local/cuda/lib64/libcupti.so")),
                "no libcupti on this machine");
        String py = LoadServeTest.python();
        int port = LoadServeTest.freePort();
        autoglm.record.workload.ServeLaunch serve = autoglm.record.workload.ServeLaunch.of(List.of("--model",
                "glm-tiny", "--port", Integer.toString(port)), py, System.getenv());
        List<String> cmd = new ArrayList<>(List.of("env"));
        serve.env().forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of("sh", "-c", "\"$0\" -c \"import ctypes, os; ctypes.CDLL(os.environ['CUDA_INJECTION64_PATH'])"
                + ".InitializeInjection()\" && exec \"$0\" \"$@\""));
        cmd.addAll(serve.argv());
        List<String> args = new ArrayList<>(List.of("load", "http://127.0.0.1:" + port, "--out",
                tmp.resolve("runs").toString(), "--format", "json", "-o", tmp.resolve("k.json").toString(), "--image",
                "56x112", "--think-time", "50ms-150ms", "--sessions", "1", "--steps", "2", "--kernels", "--serve", "--"));
        args.addAll(cmd);
        Run r = Run.of(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        Path run;
        try (Stream<Path> runs = Files.list(tmp.resolve("runs"))) {
            run = runs.findFirst().orElseThrow();
        }
        try (Stream<Path> s = Files.list(run)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().matches("cupti-\\d+\\.bin")), "a recording");
        }
        assertTrue(JSON.readTree(run.resolve("run.json").toFile()).get("settings").get("kernels").asBoolean());
        assertTrue(r.err().contains("failed: CUPTI_ERROR_"), r.err());
        // cut to the load window: it holds every measured request (sent to end) and no warm-up's end
        autoglm.read.load.KernelWindowFile w = autoglm.read.load.KernelWindowFile.read(run);
        assertTrue(w.cut(), w.toString());
        double epoch = JSON.readTree(run.resolve("load.json").toFile()).get("settings").get("started_epoch_ms")
                .asDouble();
        double from = w.fromUnixNs() / 1e6;
        double to = w.toUnixNs() / 1e6;
        List<String> lines = Files.readAllLines(run.resolve("requests.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        int measured = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            double sent = epoch + Double.parseDouble(c[header.indexOf("sent_ms")]);
            double end = epoch + Double.parseDouble(c[header.indexOf("end_ms")]);
            if (c[header.indexOf("warmup")].equals("true")) {
                assertTrue(end <= from + 1, "warm-up ended " + end + " before the window " + from);
            } else {
                measured++;
                assertTrue(sent >= from - 1 && end <= to + 1, "request " + sent + ".." + end + " in " + from + ".." + to);
            }
        }
        assertEquals(2, measured);
        assertEquals(1, w.recordings().size(), w.toString());
        assertEquals(0L, (long) w.recordings().get(0).kept(), "no driver: no activity to keep");
        assertTrue(r.err().contains("kernel recordings cut to the load window"), r.err());
        JsonNode d = JSON.readTree(tmp.resolve("k.json").toFile());
        assertTrue(d.get("metrics").get("gpu_busy_pct").get("reason").asText().startsWith(
                "the CUPTI recording holds no GPU activity (cupti-"), d.get("metrics").get("gpu_busy_pct").toString());
        assertTrue(d.get("metrics").get("load_completed").get("value").asInt() > 0, "the load ran");
        Run alone = Run.of("load", "http://127.0.0.1:" + port, "--kernels");
        assertEquals(2, alone.code());
        assertTrue(alone.err().contains("--kernels records the server autoglm starts: it needs --serve"), alone.err());
    }

    @Test
    void aServerThatCannotProfileIsSaidAndTheLoadGoesOn() throws Exception {
        String py = LoadServeTest.python();
        int port = LoadServeTest.freePort();
        // an unserved load: the server runs apart, without --profile-dir, so /start_profile answers 400
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "autoglm.cli.Main", "serve", "--model", "glm-tiny", "--port",
                Integer.toString(port), "--python", py).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("serve.log").toFile()).start();
        try {
            FleetReadTest.waitFor("http://127.0.0.1:" + port + "/health");
            Run r = Run.of("load", "http://127.0.0.1:" + port, "--out", tmp.resolve("runs").toString(), "--workload",
                    "synthetic", "--requests", "3", "--input-len", "32", "--output-len", "8", "--server-profile", "2");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("the server did not start its profiler") && r.err().contains("400"), r.err());
            assertTrue(r.err().contains("--server-profile: the window did not open"), r.err());
        } finally {
            server.destroy();
            server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
