package autoglm.rules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The knobs a rule's {@code verify_endpoint} may name (docs/load.md#verify): server settings, which {@code autoglm
 * load --serve ... --verify} turns into the flags of the server it launches (vLLM, SGLang, autoglm serve), and
 * traffic settings the client applies itself. A value is {@code on}/{@code off}, a number, or {@code xF}: F times the
 * current setting. {@link #CHANGES_WORK} marks the knobs whose fix changes the work done rather than doing the same
 * work faster.
 */
public final class EndpointKnobs {
    /** Knob name -> what it means. */
    public static final Map<String, String> KNOBS = new LinkedHashMap<>();
    /** Knobs whose fix sends or computes less (a smaller image), said so beside their measured gain. */
    public static final java.util.Set<String> CHANGES_WORK = java.util.Set.of("max_pixels", "image_scale");

    static {
        KNOBS.put("max_num_seqs", "requests the server runs at once (vLLM --max-num-seqs, SGLang --max-running-requests)");
        KNOBS.put("prefix_cache", "prefix caching on or off (vLLM --enable-prefix-caching, SGLang's radix cache)");
        KNOBS.put("max_num_batched_tokens", "tokens per engine step, the prefill chunk (vLLM --max-num-batched-tokens, "
                + "SGLang --chunked-prefill-size)");
        KNOBS.put("gpu_memory_utilization", "share of GPU memory the server may use, most of it KV cache "
                + "(vLLM --gpu-memory-utilization, SGLang --mem-fraction-static)");
        KNOBS.put("kv_cache_tokens", "the KV budget in tokens (autoglm serve --kv-cache-tokens)");
        KNOBS.put("max_pixels", "the image processor's max_pixels (vLLM --mm-processor-kwargs, autoglm serve --max-pixels)");
        KNOBS.put("image_scale", "the client scales its screenshots by this factor per side (the phone sends smaller images)");
    }

    private EndpointKnobs() {
    }

    /** Null when {@code value} is valid for {@code knob}, else why not. */
    public static String check(String knob, String value) {
        if (!KNOBS.containsKey(knob)) {
            return "unknown knob (known: " + String.join(", ", KNOBS.keySet()) + ")";
        }
        if (value == null || value.isBlank()) {
            return "needs a value";
        }
        if (knob.equals("prefix_cache")) {
            return value.equals("on") || value.equals("off") ? null : "is on or off";
        }
        String number = value.startsWith("x") ? value.substring(1) : value;
        try {
            double d = Double.parseDouble(number);
            return d > 0 ? null : "must be above 0";
        } catch (NumberFormatException e) {
            return "is a number or xF (F times the current setting)";
        }
    }
}
