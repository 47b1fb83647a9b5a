package autoglm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every expected number the tests read from testdata/expected comes from a script in tools/, and the suite re-runs
 * each script (tools/expected.tsv lists the commands) to check that the committed file is what it computes today.
 * IndependentCheckTest and ReplayTest re-run tools/independent_check.py and tools/nvml_check.py themselves, and
 * IndependentCheckTest tools/make_trace_variants.py (the derived trace); the workload's Python tests
 * (native/workload/tests/test_reference.py, run by WorkloadPythonTest) run tools/glm_reference.py and
 * tools/image_tokens.py; FleetReplayTest (cli) re-runs tools/fleet_replay.py, whose OpenMetrics output it backfills.
 */
class ToolsRerunTest {
    private static final Set<String> RERUN_ELSEWHERE = Set.of("independent_check.py", "nvml_check.py",
            "make_trace_variants.py", "glm_reference.py", "image_tokens.py", "hta_figures.py", "fleet_replay.py",
            "served_steps_check.py", // ServerProfileTest runs it on the run it makes
            "netfuzz_record.py"); // NetFuzzRecordingTest (cli) re-runs it and compares the shape of its recordings

    private static List<String[]> manifest() throws Exception {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(Fixtures.root().resolve("tools/expected.tsv"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(line.split("\t", 2));
            }
        }
        return out;
    }

    @Test
    void everyToolIsReRunBySomeTest() throws Exception {
        Set<String> covered = new TreeSet<>(RERUN_ELSEWHERE);
        for (String[] m : manifest()) {
            for (String word : m[1].split(" ")) {
                if (word.startsWith("tools/")) {
                    covered.add(word.substring("tools/".length()));
                }
            }
        }
        Set<String> tools = new TreeSet<>();
        try (Stream<Path> s = Files.list(Fixtures.root().resolve("tools"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".py")).forEach(tools::add);
        }
        tools.removeAll(covered);
        assertEquals(Set.of(), tools, "tools/*.py that no test re-runs");
    }

    @TestFactory
    Stream<DynamicTest> theCommittedExpectationsAreWhatTheScriptsComputeToday() throws Exception {
        return manifest().stream().map(m -> DynamicTest.dynamicTest(m[0], () -> rerun(m[0], m[1])));
    }

    private static void rerun(String expected, String command) throws Exception {
        Path root = Fixtures.root();
        Assumptions.assumeTrue(which("python3") != null, "python3 not found: " + expected + " is used as committed");
        List<String> argv = new ArrayList<>();
        for (String word : command.split(" ")) {
            if (word.startsWith("CUDA:")) {
                String home = System.getenv().getOrDefault("CUDA_HOME", "/usr/local/cuda");
                Path header = Path.of(home).resolve(word.substring(5));
                Assumptions.assumeTrue(Files.isRegularFile(header), "no CUDA headers (" + header + "): the runtime "
                        + "API names come from them; " + expected + " is used as committed");
                argv.add(header.toString());
            } else if (word.startsWith("SHARED:")) {
                Path shared = root.resolve("..").resolve("shared").resolve(word.substring(7)).normalize();
                Assumptions.assumeTrue(Files.exists(shared), "no " + shared + " beside the checkout: "
                        + expected + " is used as committed");
                argv.add(shared.toString());
            } else if (word.startsWith("WINDOW:")) {
                for (String b : Files.readString(root.resolve(word.substring(7))).trim().split("\\s+")) {
                    argv.add(b);
                }
            } else {
                if (word.startsWith("tools/") && Files.readString(root.resolve(word)).contains("\nimport yaml")) {
                    // PyYAML: .ci/run installs it; a machine without it uses the committed file
                    Process y = new ProcessBuilder("python3", "-c", "import yaml").redirectErrorStream(true).start();
                    y.getInputStream().readAllBytes();
                    Assumptions.assumeTrue(y.waitFor(1, TimeUnit.MINUTES) && y.exitValue() == 0, "python3 has no "
                            + "PyYAML (Debian: python3-yaml): " + expected + " is used as committed");
                }
                argv.add(word);
            }
        }
        Process p = new ProcessBuilder(argv).directory(root.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), command);
        assertEquals(0, p.exitValue(), command);
        JsonNode fresh = Fixtures.json().readTree(out);
        JsonNode committed = Fixtures.json().readTree(root.resolve(expected).toFile());
        same(committed, fresh, expected);
    }

    /** Equal trees; numbers equal within 1e-9 relative (the scripts print doubles in full). */
    private static void same(JsonNode a, JsonNode b, String where) {
        if (a.isNumber() && b.isNumber()) {
            double x = a.asDouble();
            double y = b.asDouble();
            assertEquals(x, y, Math.abs(x) * 1e-9 + 1e-12, where);
            return;
        }
        assertEquals(a.getNodeType(), b.getNodeType(), where);
        if (a.isObject()) {
            assertEquals(new TreeSet<>(iterable(a.fieldNames())), new TreeSet<>(iterable(b.fieldNames())), where);
            for (Iterator<String> it = a.fieldNames(); it.hasNext();) {
                String f = it.next();
                same(a.get(f), b.get(f), where + "." + f);
            }
        } else if (a.isArray()) {
            assertEquals(a.size(), b.size(), where);
            for (int i = 0; i < a.size(); i++) {
                same(a.get(i), b.get(i), where + "[" + i + "]");
            }
        } else {
            assertEquals(a, b, where);
        }
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    static String which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
