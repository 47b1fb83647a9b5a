package autoglm.report;

import autoglm.analyse.load.ServedSteps;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A load run's server steps by batch as text (the terminal's table; the HTML table uses its cells): per running batch
 * the steps, their median time, kernels per step, the GPU's busy share of a step, the time the GPU did not run and the
 * requests the client had in flight.
 */
final class ServedText {
    static final String[] COLUMNS = {"batch", "steps", "step time", "kernels", "GPU busy", "GPU not running",
        "in flight"};

    private ServedText() {
    }

    /** One line saying where the steps come from and how many had no batch. */
    static String title(ServedSteps.Result r) {
        if (!r.present()) {
            return "Server steps by batch: not applicable (" + r.reason() + ")";
        }
        return "Server steps by batch (" + r.basis() + "; the batch its /metrics reported running at the last scrape "
                + "before each step, every 500 ms; in flight: the client's requests sent and not ended; medians)" + (r.unmatched() > 0 ? "; " + r.unmatched() + " steps before its first "
                + "scrape left out" : "");
    }

    /** The cells of one row, in {@link #COLUMNS} order. */
    static String[] cells(ServedSteps.ByBatch b) {
        return new String[] {Integer.toString(b.batch()), Integer.toString(b.steps()), ms(b.stepMs()),
            String.format(Locale.ROOT, "%.0f", b.kernels()), Double.isNaN(b.busyPct()) ? "n/a"
                : String.format(Locale.ROOT, "%.1f%%", b.busyPct()), ms(b.overheadMs()),
            String.format(Locale.ROOT, "%.0f", b.inFlight())};
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f ms", v);
    }

    static List<String> lines(ServedSteps.Result r) {
        List<String> out = new ArrayList<>();
        out.add(title(r));
        if (!r.present()) {
            return out;
        }
        String f = "  %6s %7s %11s %8s %9s %16s %10s";
        out.add(String.format(Locale.ROOT, f, (Object[]) COLUMNS));
        for (ServedSteps.ByBatch b : r.byBatch()) {
            out.add(String.format(Locale.ROOT, f, (Object[]) cells(b)));
        }
        return out;
    }
}
