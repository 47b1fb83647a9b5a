package autoglm.report;

import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.compare.Comparison;
import autoglm.compare.KernelChange;
import autoglm.compare.MetricChange;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/** {@code autoglm compare} on the terminal: the metrics that moved, then the kernel diff. */
public final class CompareTextReport implements ComparisonReport {
    private final int top;
    private final boolean all;

    /** {@code top}: kernel rows shown; {@code all}: show unchanged metrics too. */
    public CompareTextReport(int top, boolean all) {
        this.top = top;
        this.all = all;
    }

    @Override
    public void write(Comparison c, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("autoglm compare\n  A  ").append(Text.safe(c.a().source())).append("\n  B  ")
                .append(Text.safe(c.b().source())).append("\n\nMetrics (B against A; Welch's t-test where both carry a spread)\n");
        sb.append(String.format(Locale.ROOT, "  %-26s %-24s %-24s %-20s %s%n", "metric", "A", "B", "change", "noise"));
        int shown = 0;
        for (MetricChange m : c.metrics()) {
            boolean moved = m.delta() != 0;
            if (!all && !moved) {
                continue;
            }
            shown++;
            String noise = m.noise().applicable() ? String.format(Locale.ROOT, "%s (p = %.3g)",
                    m.noise().beyond(0.05) ? "beyond noise" : "within noise", m.noise().p()) : "";
            sb.append(String.format(Locale.ROOT, "  %-26s %-24s %-24s %-20s %s%n", m.name(), withN(m.a()), withN(m.b()),
                    change(m), noise));
        }
        if (shown == 0) {
            sb.append("  no metric differs\n");
        }
        sb.append('\n');
        if (c.kernelsNote() != null) {
            sb.append("Kernels: no diff: ").append(Text.safe(c.kernelsNote())).append('\n');
        } else {
            sb.append(String.format(Locale.ROOT, "Kernels (HTA trace diff, %s; grew or shrank: more than %s%%): "
                    + "%d added, %d removed, %d grew, %d shrank, %d within the tolerance%n",
                    c.perIteration() ? "time and count per iteration, A " + c.a().iterations() + " and B "
                            + c.b().iterations() + " iterations" : "totals over the analysed window",
                    Quantities.number(c.tolerancePct()), c.count(KernelChange.Status.ADDED),
                    c.count(KernelChange.Status.REMOVED), c.count(KernelChange.Status.GREW),
                    c.count(KernelChange.Status.SHRANK), c.count(KernelChange.Status.SAME)));
            sb.append(String.format(Locale.ROOT, "  %-8s %10s %10s %11s %11s %11s  %s%n", "status", "count A", "count B",
                    "time A", "time B", "change", "kernel"));
            int n = 0;
            java.util.List<String> full = new java.util.ArrayList<>();
            for (KernelChange k : c.kernels().subList(0, Math.min(top, c.kernels().size()))) {
                full.add(Text.safe(k.name()));
            }
            java.util.List<String> names = KernelNames.shorten(full, 90);
            for (KernelChange k : c.kernels()) {
                if (n++ >= top) {
                    sb.append("  ... ").append(c.kernels().size() - top).append(" more (--top N)\n");
                    break;
                }
                sb.append(String.format(Locale.ROOT, "  %-8s %10s %10s %11s %11s %11s  %s%n", k.status().key(),
                        Quantities.number(k.countPerA()), Quantities.number(k.countPerB()),
                        Quantities.format(k.perA(), Unit.MILLISECONDS), Quantities.format(k.perB(), Unit.MILLISECONDS),
                        Quantities.change(k.deltaMs(), Unit.MILLISECONDS),
                        names.get(n - 1)));
            }
        }
        if (!c.ops().isEmpty()) {
            sb.append('\n').append("CPU ops (the GPU time each launched, ").append(c.perIteration() ? "per iteration"
                    : "in all").append("): ").append(count(c.ops(), KernelChange.Status.GREW))
                    .append(" grew, ").append(count(c.ops(), KernelChange.Status.SHRANK)).append(" shrank, ")
                    .append(count(c.ops(), KernelChange.Status.ADDED)).append(" added, ")
                    .append(count(c.ops(), KernelChange.Status.REMOVED)).append(" removed\n");
            sb.append(String.format(Locale.ROOT, "  %-8s %11s %11s %11s  %s%n", "status", "GPU A", "GPU B", "change",
                    "op"));
            for (KernelChange k : c.ops().subList(0, Math.min(top, c.ops().size()))) {
                sb.append(String.format(Locale.ROOT, "  %-8s %11s %11s %11s  %s%n", k.status().key(),
                        Quantities.format(k.perA(), Unit.MILLISECONDS), Quantities.format(k.perB(), Unit.MILLISECONDS),
                        Quantities.change(k.deltaMs(), Unit.MILLISECONDS), Text.safe(k.name())));
            }
        }
        out.write(sb.toString());
        out.flush();
    }

    private static long count(java.util.List<KernelChange> rows, KernelChange.Status s) {
        return rows.stream().filter(k -> k.status() == s).count();
    }

    private static String withN(autoglm.analyse.Metric m) {
        return Quantities.format(m) + " (n=" + m.n() + ")";
    }

    /**
     * A percentage's change in points, other changes relative to A ("+0.7 pp", "+5.1%"); a signed quantity's (no
     * relative change, {@link MetricChange#deltaPct}) as the difference in its unit ("+623 ms per step").
     */
    static String change(MetricChange m) {
        if (m.a().isText() || m.a().isBreakdown()) {
            return "";
        }
        if (m.a().unit() == autoglm.analyse.Unit.PERCENT) {
            return Quantities.change(m.delta(), Unit.PERCENT);
        }
        if (Double.isNaN(m.deltaPct())) {
            return Double.isNaN(m.delta()) || m.a().value() == 0 && m.b().value() == 0 ? ""
                    : Quantities.change(m.delta(), m.a().unit());
        }
        return String.format(Locale.ROOT, "%+.1f%%", m.deltaPct());
    }
}
