package autoglm.record.workload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Asks the workload whether this machine can run a model with given knobs before anything starts ({@code python -m
 * autoglm_workload --check}): no run folder, no probes. The workload answers exit 0, or exit 2 with one line
 * saying why not (docs/workload.md#exit-codes).
 */
public final class WorkloadCheck {
    /** The check's time limit: importing torch takes a few seconds. */
    static final long TIMEOUT_S = 120;

    private WorkloadCheck() {
    }

    /** Null when the workload can run these knobs here, else the one line that says why not. */
    public static String refusal(List<String> runArgv, Map<String, String> env) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(runArgv);
        argv.add("--check");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "the workload's check did not answer in " + TIMEOUT_S + " s";
        }
        if (p.exitValue() == 0) {
            return null;
        }
        String text = new String(out, StandardCharsets.UTF_8).strip();
        String last = text.isEmpty() ? "exit " + p.exitValue() : text.substring(text.lastIndexOf('\n') + 1);
        return last.replaceFirst("^autoglm-workload: ", "");
    }
}
