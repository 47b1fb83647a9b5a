package autoglm.cli;

import autoglm.read.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** profile's options for running the autoglm workload instead of a command (docs/workload.md). */
final class WorkloadOptions {
    @Option(names = "--model", paramLabel = "MODEL",
            description = "run the autoglm workload on this model instead of a command: a preset (glm-4-9b, "
                    + "glm-tiny; random bf16 weights, no download) or a local Hugging Face checkpoint folder")
    String model;

    @Option(names = "--scenario", paramLabel = "NAME",
            description = "a named knob set: decode, mixed-lengths, fp32, slow-input, multi-turn, beams, one-at-a-time")
    String scenario;

    @Option(names = "--batch", paramLabel = "N", description = "requests per batch (the workload's batch knob)")
    Integer batch;

    @Option(names = "--knob", paramLabel = "NAME=VALUE",
            description = "set a workload knob (repeatable; docs/workload.md#knobs lists them)")
    List<String> knobs = new ArrayList<>();

    @Option(names = "--python", paramLabel = "PATH",
            description = "the Python with PyTorch that runs the workload (default: AUTOGLM_PYTHON, else python3 on "
                    + "PATH or /usr/bin/python3, the first that has torch)")
    String python;

    @Option(names = "--verify", description = "re-run the workload once per top finding with its fix applied and "
            + "print measured before/after numbers (needs --model)")
    boolean verify;

    @Option(names = "--verify-top", paramLabel = "N", defaultValue = "3",
            description = "how many top findings --verify re-runs (default 3)")
    int verifyTop;

    /** The knobs given on the command line, in order (--batch first, then each --knob), as NAME -> VALUE. */
    Map<String, String> knobMap() {
        Map<String, String> out = new LinkedHashMap<>();
        if (batch != null) {
            out.put("batch", Integer.toString(batch));
        }
        for (String k : knobs) {
            int eq = k.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException("--knob " + k + ": expected NAME=VALUE");
            }
            out.put(k.substring(0, eq).trim(), k.substring(eq + 1).trim());
        }
        return out;
    }

    /** The workload's command line; its events go to $AUTOGLM_RUN_DIR/events.jsonl (set by the profiler). */
    List<String> command(Path python, Map<String, String> knobs, Path bandwidthCache) {
        List<String> argv = new ArrayList<>(List.of(python.toString(), "-m", "autoglm_workload", "--model", model));
        if (scenario != null) {
            argv.add("--scenario");
            argv.add(scenario);
        }
        for (Map.Entry<String, String> e : knobs.entrySet()) {
            argv.add("--knob");
            argv.add(e.getKey() + "=" + e.getValue());
        }
        argv.add("--bandwidth-cache");
        argv.add(bandwidthCache.toString());
        return argv;
    }

    /** The default run name: the model's (a preset, or the checkpoint folder's name), and the scenario. */
    String runName() {
        String m = Path.of(model).getFileName() == null ? "model" : Path.of(model).getFileName().toString();
        return scenario == null ? m : m + "-" + scenario;
    }

    /** Where measured bandwidths are cached: AUTOGLM_CACHE_DIR, else $XDG_CACHE_HOME/autoglm, else ~/.cache/autoglm. */
    static Path bandwidthCache(Map<String, String> env) {
        String dir = env.get("AUTOGLM_CACHE_DIR");
        if (dir == null || dir.isEmpty()) {
            String xdg = env.get("XDG_CACHE_HOME");
            dir = (xdg != null && !xdg.isEmpty() ? xdg : System.getProperty("user.home") + "/.cache") + "/autoglm";
        }
        return Path.of(dir, "bandwidth.json");
    }
}
