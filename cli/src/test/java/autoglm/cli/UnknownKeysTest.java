package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file autoglm reads as configuration or as a result refuses a key it does not know (a typo is not silently
 * ignored) and a value of the wrong type: rules (--rules), gate thresholds (--thresholds), run.json (a run folder)
 * and the result JSON (gate, compare). One line, exit 2.
 */
class UnknownKeysTest {
    @TempDir
    Path tmp;

    private static String trace() {
        return Fixtures.trace(Fixtures.DECODE_KV).toString();
    }

    private static void refused(Run r, String expected) {
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    @Test
    void ruleFiles() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rules"));
        String system = Files.readString(Fixtures.root().resolve("rules/system.yaml"));
        Files.writeString(dir.resolve("system.yaml"), system.replaceFirst("    requires:", "    requries: [x]\n    requires:"));
        refused(Run.of("diagnose", "--rules", dir.toString(), trace()), "unknown key 'requries'");
        Files.writeString(dir.resolve("system.yaml"), system.replaceFirst("default: 30", "default: \"30\""));
        refused(Run.of("diagnose", "--rules", dir.toString(), trace()), "finite numeric default");
        Files.writeString(dir.resolve("system.yaml"), system.replaceFirst("      formula: max", "      formule: 1\n      formula: max"));
        refused(Run.of("diagnose", "--rules", dir.toString(), trace()), "gain: unknown key 'formule'");
    }

    @Test
    void gateThresholds() throws Exception {
        Path t = tmp.resolve("gate.yaml");
        for (String[] c : new String[][] {
            {"findings: {max_severity: info, new_onyl: true}\n", "findings.new_onyl: unknown setting (max_severity, new_only)"},
            {"noise: {alpha: 0.05, within: pass}\n", "noise.within: unknown setting (alpha, within_noise)"},
            {"step_time_ms: {limit: +5%, optinal: true}\n", "step_time_ms.optinal: unknown setting (limit, optional)"},
            {"step_time_ms: {limit: +5%, optional: \"yes\"}\n", "step_time_ms.'optional' has the wrong type (expected true or false)"},
            {"noise: {alpha: \"0.05\"}\n", "noise.'alpha' has the wrong type (expected a number)"},
            {"step_tme_ms: +5%\n", "unknown metric 'step_tme_ms'"}}) {
            Files.writeString(t, c[0]);
            refused(Run.of("gate", "--thresholds", t.toString(), "--baseline", trace(), "--current", trace()), c[1]);
        }
    }

    @Test
    void runJson() throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        for (String f : new String[] {"run.json", "gpu.csv", "gpm.csv"}) {
            Files.copy(Fixtures.root().resolve("testdata/runs/h100-replay").resolve(f), run.resolve(f));
        }
        String json = Files.readString(run.resolve("run.json"));
        Files.writeString(run.resolve("run.json"), json.replace("\"pcieWidth\"", "\"pcieWidht\""));
        refused(Run.of("diagnose", run.toString()), "gpus[0]: unknown key 'pcieWidht'");
        Files.writeString(run.resolve("run.json"), json.replace("\"complete\" : true", "\"complete\" : \"yes\""));
        refused(Run.of("diagnose", run.toString()), "'complete' has the wrong type (expected true or false)");
        Files.writeString(run.resolve("run.json"), json.replace("\"settings\" : {", "\"settings\" : {\n    \"interval\" : 1,"));
        refused(Run.of("diagnose", run.toString()), "settings: unknown key 'interval'");
    }

    @Test
    void resultJson() throws Exception {
        Path result = tmp.resolve("result.json");
        Run d = Run.of("diagnose", "--format", "json", "-o", result.toString(), trace());
        assertEquals(0, d.code(), d.err());
        String json = Files.readString(result);
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, json.replaceFirst("\"findings\" :", "\"findigns\" : [],\n  \"findings\" :"));
        refused(Run.of("gate", "--baseline", bad.toString(), "--current", trace()), "unknown key 'findigns'");
        Files.writeString(bad, json.replaceFirst("\"unit\" :", "\"units\" : \"ms\",\n      \"unit\" :"));
        refused(Run.of("compare", bad.toString(), trace()), "unknown key 'units'");
        Files.writeString(bad, json.replaceFirst("\"n\" : (\\d+)", "\"n\" : \"$1\""));
        refused(Run.of("gate", "--baseline", bad.toString(), "--current", trace()), "'n' has the wrong type");
    }
}
