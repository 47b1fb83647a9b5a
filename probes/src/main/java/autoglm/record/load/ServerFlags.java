package autoglm.record.load;

import autoglm.util.SafeText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Endpoint knobs ({@code verify_endpoint}, docs/load.md#verify) as flags of the server a load launched: which server
 * the command starts (vLLM, SGLang, autoglm serve), the flag each knob is, its current value (the command's, else
 * the server's default), and the command with a knob applied. {@code image_scale} is the client's, not a flag.
 */
public final class ServerFlags {
    public enum Kind { VLLM, SGLANG, AUTOGLM, UNKNOWN }

    private record Flag(String name, String defaultValue) {
    }

    private static final Map<Kind, Map<String, Flag>> FLAGS = Map.of(
            Kind.VLLM, Map.of("max_num_seqs", new Flag("--max-num-seqs", "256"),
                    "max_num_batched_tokens", new Flag("--max-num-batched-tokens", "2048"),
                    "gpu_memory_utilization", new Flag("--gpu-memory-utilization", "0.9")),
            Kind.SGLANG, Map.of("max_num_seqs", new Flag("--max-running-requests", null),
                    "max_num_batched_tokens", new Flag("--chunked-prefill-size", "8192"),
                    "gpu_memory_utilization", new Flag("--mem-fraction-static", null)),
            Kind.AUTOGLM, Map.of("max_num_seqs", new Flag("--max-num-seqs", "8"),
                    "max_num_batched_tokens", new Flag("--max-num-batched-tokens", "2048"),
                    "kv_cache_tokens", new Flag("--kv-cache-tokens", null),
                    "max_pixels", new Flag("--max-pixels", "11760000")));

    private ServerFlags() {
    }

    public static Kind kind(List<String> argv) {
        String all = String.join(" ", argv).toLowerCase(Locale.ROOT);
        if (all.contains("autoglm_workload.serve") || (argv.size() > 1 && argv.get(0).endsWith("autoglm")
                && argv.get(1).equals("serve"))) {
            return Kind.AUTOGLM;
        }
        if (all.contains("vllm")) {
            return Kind.VLLM;
        }
        if (all.contains("sglang")) {
            return Kind.SGLANG;
        }
        return Kind.UNKNOWN;
    }

    /** The value the command gives {@code flag}, or null. Accepts "--flag V" and "--flag=V". */
    static String value(List<String> argv, String flag) {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals(flag) && i + 1 < argv.size()) {
                return argv.get(i + 1);
            }
            if (a.startsWith(flag + "=")) {
                return a.substring(flag.length() + 1);
            }
        }
        return null;
    }

    /** Whether the knob's value is what the command already runs with. */
    public static boolean inEffect(List<String> argv, String knob, String value) {
        Kind k = kind(argv);
        if (knob.equals("prefix_cache")) {
            return prefixOn(argv, k) == value.equals("on");
        }
        if (value.startsWith("x")) {
            return Double.parseDouble(value.substring(1)) == 1;
        }
        Flag f = FLAGS.getOrDefault(k, Map.of()).get(knob);
        if (f == null) {
            return false;
        }
        String cur = value(argv, f.name()) != null ? value(argv, f.name()) : f.defaultValue();
        return cur != null && Double.parseDouble(cur) == Double.parseDouble(value);
    }

    private static boolean prefixOn(List<String> argv, Kind k) {
        return switch (k) {
            case VLLM -> !argv.contains("--no-enable-prefix-caching");
            case SGLANG -> !argv.contains("--disable-radix-cache");
            case AUTOGLM -> !"off".equals(value(argv, "--prefix-cache"));
            default -> true;
        };
    }

    /** The command with the knob applied; throws IllegalArgumentException (one line: why) when it cannot be. */
    public static List<String> apply(List<String> argv, String knob, String value) {
        Kind k = kind(argv);
        List<String> out = new ArrayList<>(argv);
        if (knob.equals("prefix_cache")) {
            boolean on = value.equals("on");
            switch (k) {
                case VLLM -> {
                    out.remove("--no-enable-prefix-caching");
                    out.remove("--enable-prefix-caching");
                    out.add(on ? "--enable-prefix-caching" : "--no-enable-prefix-caching");
                }
                case SGLANG -> {
                    out.remove("--disable-radix-cache");
                    if (!on) {
                        out.add("--disable-radix-cache");
                    }
                }
                case AUTOGLM -> set(out, "--prefix-cache", on ? "on" : "off");
                default -> throw new IllegalArgumentException("autoglm does not know this server's prefix-cache flag");
            }
            return out;
        }
        if (knob.equals("max_pixels") && k == Kind.VLLM) {
            set(out, "--mm-processor-kwargs", "{\"max_pixels\": " + scaled(null, "11760000", value, true) + "}");
            return out;
        }
        Flag f = FLAGS.getOrDefault(k, Map.of()).get(knob);
        if (f == null) {
            throw new IllegalArgumentException(knob + " has no flag on " + (k == Kind.UNKNOWN ? "this server"
                    : k.name().toLowerCase(Locale.ROOT)));
        }
        boolean integer = !knob.equals("gpu_memory_utilization");
        set(out, f.name(), scaled(value(argv, f.name()), f.defaultValue(), value, integer));
        return out;
    }

    private static String scaled(String current, String dflt, String value, boolean integer) {
        if (!value.startsWith("x")) {
            return value;
        }
        String base = current != null ? current : dflt;
        if (base == null) {
            throw new IllegalArgumentException("x" + value.substring(1) + " needs the current value: give the flag "
                    + "in the server's command");
        }
        double v = Double.parseDouble(base) * Double.parseDouble(value.substring(1));
        return integer ? Long.toString(Math.max(1, Math.round(v))) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void set(List<String> argv, String flag, String v) {
        for (int i = 0; i < argv.size(); i++) {
            if (argv.get(i).equals(flag) && i + 1 < argv.size()) {
                argv.set(i + 1, v);
                return;
            }
            if (argv.get(i).startsWith(flag + "=")) {
                argv.set(i, flag + "=" + v);
                return;
            }
        }
        argv.add(flag);
        argv.add(v);
    }

    /** The knobs as one line for notes: "max_num_seqs x4 -> --max-num-seqs 4". */
    public static String describe(List<String> before, List<String> after) {
        List<String> added = new ArrayList<>(after);
        added.removeAll(before);
        return SafeText.oneLine(String.join(" ", added));
    }
}
