package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Inputs that used to hang or mislead: FIFOs, huge configuration, wrong-typed trace fields; and bugs as exit 3. */
class HangingInputsTest {
    @TempDir
    Path tmp;

    private Path fifo(String name) throws Exception {
        Path p = tmp.resolve(name);
        Process pr = new ProcessBuilder("mkfifo", p.toString()).start();
        Assumptions.assumeTrue(pr.waitFor(10, TimeUnit.SECONDS) && pr.exitValue() == 0, "mkfifo is not available");
        return p;
    }

    private static void badInput(Run r, String expected) {
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    private static String trace() {
        return Fixtures.trace(Fixtures.DECODE_KV).toString();
    }

    @Test
    void aFifoIsNeverReadAsAThresholdsRulesTraceOrCsvFile() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            badInput(Run.of("gate", "--thresholds", fifo("gate.yaml").toString(), "--baseline", trace(), "--current",
                    trace()), "not a regular file");
            Path rules = Files.createDirectories(tmp.resolve("rules"));
            Files.copy(Fixtures.root().resolve("rules/timeline.yaml"), rules.resolve("timeline.yaml"));
            Process pr = new ProcessBuilder("mkfifo", rules.resolve("zz.yaml").toString()).start();
            pr.waitFor(10, TimeUnit.SECONDS);
            badInput(Run.of("diagnose", "--rules", rules.toString(), trace()), "not a regular file");
            badInput(Run.of("diagnose", fifo("trace.json").toString()), "not a regular file");
            Path run = Files.createDirectories(tmp.resolve("run"));
            Files.copy(Fixtures.root().resolve("testdata/runs/h100-replay/run.json"), run.resolve("run.json"));
            new ProcessBuilder("mkfifo", run.resolve("gpu.csv").toString()).start().waitFor(10, TimeUnit.SECONDS);
            badInput(Run.of("diagnose", run.toString()), "gpu.csv: not a regular file");
        });
    }

    @Test
    void configurationFilesAreBoundedInSize() throws Exception {
        // one plain scalar of 6.4 MB took 55 s to parse: refused at once
        Path big = tmp.resolve("gate.yaml");
        Files.writeString(big, "step_time_ms: +5%\nnote: " + "x".repeat(6_400_000) + "\n");
        long t0 = System.nanoTime();
        badInput(Run.of("gate", "--thresholds", big.toString(), "--baseline", trace(), "--current", trace()),
                "too large for a configuration file");
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L);
    }

    @Test
    void aYamlErrorIsOneLineWithItsPlace() throws Exception {
        Path bad = Files.writeString(tmp.resolve("gate.yaml"), "step_time_ms: [+5%\nnoise: {\n");
        badInput(Run.of("gate", "--thresholds", bad.toString(), "--baseline", trace(), "--current", trace()),
                "not valid YAML");
    }

    @Test
    void aPhaseOfTheWrongTypeIsCountedAsMalformedNotCalledATruncation() throws Exception {
        Path t = tmp.resolve("ph.json");
        Files.writeString(t, "{\"traceEvents\": [{\"ph\": [], \"name\": \"a\", \"ts\": 1, \"dur\": 2, \"pid\": 1, \"tid\": 1},"
                + "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"k\", \"ts\": 10, \"dur\": 5, \"pid\": 0, \"tid\": 7,"
                + " \"args\": {\"device\": 0, \"stream\": 7}},"
                + "{\"ph\": \"X\", \"name\": {\"a\": 1}, \"ts\": 1, \"dur\": 2, \"pid\": [1], \"tid\": true},"
                + "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"k2\", \"ts\": 20, \"dur\": 5, \"pid\": 0, \"tid\": 7,"
                + " \"args\": {\"device\": [0], \"stream\": 7}}]}");
        Path json = tmp.resolve("out.json");
        Run r = Run.of("diagnose", "--format", "json", "-o", json.toString(), t.toString());
        assertTrue(r.code() == 0 || r.code() == 1, r.err());
        assertFalse(r.err().contains("ends early"), r.err());
        var malformed = Fixtures.json().readTree(json.toFile()).get("dataLoss").get("malformed");
        assertEquals(1, malformed.get("ph of the wrong type (an array, an object or a boolean)").asLong(), malformed.toString());
        assertEquals(1, malformed.get("name of the wrong type (an array, an object or a boolean)").asLong(), malformed.toString());
        assertEquals(1, malformed.get("args.device not a number").asLong(), malformed.toString());
    }

    @CommandLine.Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            Object o = null;
            return o.hashCode();
        }
    }

    @Test
    void aBugIsExitThreeWithOneLineToReport() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        CommandLine cl = Main.commandLine(io);
        cl.addSubcommand("boom", new Boom());
        assertEquals(ExitCodes.INTERNAL_ERROR, cl.execute("boom"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, e.strip().lines().count(), e);
        assertTrue(e.startsWith("autoglm: internal error: java.lang.NullPointerException"), e);
        assertTrue(e.contains("please report it"), e);
    }
}
