package autoglm.cli;

import autoglm.util.BadInputException;
import autoglm.record.workload.WorkloadCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** profile's options for running the autoglm workload instead of a command (docs/workload.md). */
final class WorkloadOptions {
    @Option(names = "--model", paramLabel = "MODEL",
            description = "run the autoglm workload on this model instead of a command: a preset (glm-4-9b, "
                    + "autoglm-phone-9b, glm-tiny, autoglm-phone-tiny; random weights, no download) or a local Hugging "
                    + "Face checkpoint folder")
    String model;

    @Option(names = "--scenario", paramLabel = "NAME",
            description = "a named knob set: decode, mixed-lengths, fp32, slow-input, multi-turn, beams, one-at-a-time, "
                    + "agent")
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

    @Option(names = "--verify-runs", paramLabel = "N", defaultValue = "3",
            description = "runs of each side with --verify: the baseline and each fix (default 3; medians, spread and "
                    + "Welch's p over the runs)")
    int verifyRuns;

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

    /** How the workload starts, for the model and scenario given. */
    WorkloadCommand workload() {
        return new WorkloadCommand(model, scenario);
    }
}
