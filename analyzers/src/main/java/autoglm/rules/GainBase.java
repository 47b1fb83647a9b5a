package autoglm.rules;

import java.util.Locale;

/**
 * What a gain is a share of: every rule with a gain formula names one ({@code gain.base} in rules/*.yaml), and gains
 * are compared, combined ({@link GainOverlap}) and capped only within one base. docs/analyses.md#gain-bases defines
 * each; {@code label} is how reports say it ("12.0% of request latency (E2EL)").
 */
public enum GainBase {
    E2EL("e2el", "request latency (E2EL)",
            "the mean end-to-end latency of the requests: from the scheduled send to the last token"),
    TTFT("ttft", "time to first token (TTFT)",
            "the mean time to first token of the requests: queueing and prefill"),
    ITL("itl", "inter-token latency (ITL)",
            "the mean time between consecutive tokens of a stream"),
    STEP("step", "iteration (step) time",
            "the time of the iterations or engine steps the figure is measured on: a trace's iterations, a rank's "
                    + "step, the server's steps"),
    GPU_SPAN("gpu-span", "the GPU span",
            "a trace's analysed window on the GPU, from its first to its last activity; where the trace marks "
                    + "iterations, the same share of the mean iteration time is shown in milliseconds"),
    SERVING("serving", "serving time",
            "the workload's time in prefill and decode steps"),
    RUN("run", "run time",
            "the wall time of a profiled run, or of the workload process (its active window for sampled metrics)"),
    CAPACITY("capacity", "serving capacity",
            "the requests (or tokens) per second the replicas or the GPU could serve: a throughput gain, which "
                    + "shortens no single request");

    private final String key;
    private final String label;
    private final String description;

    GainBase(String key, String label, String description) {
        this.key = key;
        this.label = label;
        this.description = description;
    }

    /** The name in rule files and JSON: "e2el", "gpu-span". */
    public String key() {
        return key;
    }

    /** How reports name it: "request latency (E2EL)". */
    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** The base of this key; the message lists the keys when it is none of them. */
    public static GainBase ofKey(String key) {
        for (GainBase b : values()) {
            if (b.key.equals(key.toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown gain base '" + autoglm.util.SafeText.safe(key) + "' (use one of "
                + keys() + ")");
    }

    /** "e2el, ttft, ...": every key, in order. */
    public static String keys() {
        StringBuilder sb = new StringBuilder();
        for (GainBase b : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(b.key);
        }
        return sb.toString();
    }
}
