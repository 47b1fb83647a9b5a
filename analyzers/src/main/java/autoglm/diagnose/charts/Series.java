package autoglm.diagnose.charts;

/** One line of a chart over time: x in seconds (or milliseconds, as its chart says), y in the chart's unit. */
public record Series(String name, double[] x, double[] y) {
    public int size() {
        return x.length;
    }
}
