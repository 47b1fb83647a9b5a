package autoglm.record.workload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the autoglm GLM workload is started (docs/workload.md): {@code python -m autoglm_workload --model MODEL
 * [--scenario NAME] [--knob NAME=VALUE]... --bandwidth-cache FILE}. Its events go to $AUTOGLM_RUN_DIR/events.jsonl,
 * which the profiler sets. {@code scenario} may be null.
 */
public record WorkloadCommand(String model, String scenario) {
    public WorkloadCommand {
        if (model == null || model.isEmpty()) {
            throw new IllegalArgumentException("the workload needs a model");
        }
    }

    public List<String> argv(Path python, Map<String, String> knobs, Path bandwidthCache) {
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
    public String runName() {
        String m = Path.of(model).getFileName() == null ? "model" : Path.of(model).getFileName().toString();
        return scenario == null ? m : m + "-" + scenario;
    }

    /** Where measured bandwidths are cached: AUTOGLM_CACHE_DIR, else $XDG_CACHE_HOME/autoglm, else ~/.cache/autoglm. */
    public static Path bandwidthCache(Map<String, String> env) {
        String dir = env.get("AUTOGLM_CACHE_DIR");
        if (dir == null || dir.isEmpty()) {
            String xdg = env.get("XDG_CACHE_HOME");
            dir = (xdg != null && !xdg.isEmpty() ? xdg : System.getProperty("user.home") + "/.cache") + "/autoglm";
        }
        return Path.of(dir, "bandwidth.json");
    }
}
