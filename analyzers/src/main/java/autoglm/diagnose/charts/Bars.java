package autoglm.diagnose.charts;

import java.util.List;

/**
 * Horizontal bars: a label (a rank such as "#1") and a value each; {@code names}: what each bar is (kernel names,
 * untrusted text the renderer shortens and escapes), or empty.
 */
public record Bars(String id, String title, String valueLabel, List<String> labels, double[] values, String source,
        List<String> names) {
}
