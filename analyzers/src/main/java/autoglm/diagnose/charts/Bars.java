package autoglm.diagnose.charts;

import java.util.List;

/** Horizontal bars: a label (a rank such as "#1", never untrusted text) and a value each. */
public record Bars(String id, String title, String valueLabel, List<String> labels, double[] values, String source) {
}
