package autoglm.report;

import autoglm.analyse.MetricCatalog;
import autoglm.analyse.MetricFamily;
import java.io.IOException;
import java.io.Writer;

/** The metric catalogue for the terminal ({@code autoglm rules --metrics}): each family, its metrics, unit, meaning. */
public final class MetricsText {
    private MetricsText() {
    }

    public static void write(Writer out) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("Metrics, by the family whose analysis computes them (docs/metrics.md):\n");
        for (MetricFamily f : MetricFamily.values()) {
            sb.append('\n').append(f.title()).append("  (docs/").append(f.doc()).append(")\n");
            if (f.whenAbsent() != null) {
                sb.append("  absent without its data: ").append(f.whenAbsent()).append('\n');
            }
            int width = f.names().stream().mapToInt(String::length).max().orElse(0);
            for (String name : f.names()) {
                MetricCatalog.Definition d = MetricCatalog.get(name);
                String unit = d.unit().key();
                sb.append("  ").append(name).append(" ".repeat(width - name.length())).append("  ").append(unit)
                        .append(" ".repeat(Math.max(0, 16 - unit.length()))).append("  ").append(d.description())
                        .append('\n');
            }
        }
        out.write(Text.safeLines(sb.toString()));
        out.flush();
    }
}
