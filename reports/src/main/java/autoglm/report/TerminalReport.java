package autoglm.report;

import autoglm.analyse.trace.Breakdown;
import autoglm.analyse.Metric;
import autoglm.analyse.Metrics;
import autoglm.analyse.Quantities;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.Unit;
import autoglm.analyse.trace.Window;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.InputDiagnosis;
import autoglm.rules.Finding;
import autoglm.rules.Severity;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.TraceSource;
import autoglm.model.trace.TraceHeader;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report people read in a terminal: a header with what was read (span, iterations, GPU busy share,
 * data loss), then one block per finding in rank order (severity, rule, title, key evidence with units
 * and sample counts, fix, estimated gain), then the rules that found nothing or did not apply, then
 * the top kernels. Colour only when asked (the command line asks only on a terminal).
 */
public final class TerminalReport implements Report {
    /** The width when none is given: output that is not a terminal (a file, a pipe) is wrapped to it. */
    public static final int DEFAULT_WIDTH = 100;
    /** The narrowest width honoured: below it, labels and the kernel table would leave no room for text. */
    public static final int MIN_WIDTH = 60;
    private static final String CONT = "             ";
    /** Columns of the kernel table's numbers, and the fewest columns its kernel names are given beside them. */
    private static final int NUMBERS = 66;
    private static final int KERNEL_MIN = 40;
    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";
    private static final String RED = "\u001b[31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String GREEN = "\u001b[32m";

    private final boolean colour;
    private final boolean explain;
    private final int topKernels;

    private final boolean all;
    private final int width;

    /**
     * With {@code all}, each not-applicable rule is listed with its reason; else they are counted on one line.
     * Every line of text is wrapped at spaces to {@code width} columns (at least {@value #MIN_WIDTH}); only a
     * single word longer than that (a path) and the kernel table's rows at widths under 110 run past it.
     */
    public TerminalReport(boolean colour, boolean explain, int topKernels, boolean all, int width) {
        this.colour = colour;
        this.explain = explain;
        this.topKernels = topKernels;
        this.all = all;
        this.width = Math.max(MIN_WIDTH, width);
    }

    public TerminalReport(boolean colour, boolean explain, int topKernels, boolean all) {
        this(colour, explain, topKernels, all, DEFAULT_WIDTH);
    }

    public TerminalReport(boolean colour, boolean explain, int topKernels) {
        this(colour, explain, topKernels, false, DEFAULT_WIDTH);
    }

    @Override
    public void write(Diagnosis d, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(style(BOLD, "autoglm " + d.version())).append(" - ").append(d.run() != null ? "diagnosis of a profiled run"
                : d.fleet() != null ? "diagnosis of a fleet of serving replicas"
                : d.inputs().size() == 1 ? "diagnosis of 1 trace"
                : "diagnosis of " + d.inputs().size() + " traces (ranks of one job)").append('\n');
        if (!d.overrides().isEmpty()) {
            StringBuilder set = new StringBuilder();
            d.overrides().forEach((k, v) -> set.append(set.length() == 0 ? "" : ", ").append(k).append('=').append(v));
            sb.append('\n');
            indent(sb, Text.safe(set.toString()), "  --set      ", "             ");
        }
        if (d.run() != null) {
            sb.append('\n');
            for (String[] line : RunHeader.lines(d)) {
                indent(sb, line[1], String.format(Locale.ROOT, "  %-10s ", line[0]), "             ");
            }
        }
        if (d.fleet() != null) {
            sb.append('\n');
            for (String[] line : FleetText.header(d.fleet())) {
                indent(sb, line[1], String.format(Locale.ROOT, "  %-10s ", line[0]), "             ");
            }
            sb.append('\n');
            for (String line : FleetText.lines(d.fleet())) {
                sb.append(line).append('\n');
            }
        }
        for (InputDiagnosis in : d.inputs()) {
            header(sb, in.analysis());
        }
        if (d.inputs().size() > 1) {
            indent(sb, "metrics averaged over the traces; each rule shows its worst trace, the rules that compare "
                    + "ranks the job's", "  combined   ", CONT);
        }
        dataLoss(sb, d.dataLoss());
        if (d.ranks() != null) {
            List<String> lines = RanksText.lines(d.ranks());
            sb.append('\n');
            indent(sb, lines.get(0), "", "  ");
            for (int i = 1; i < lines.size() - 1; i++) {
                sb.append(lines.get(i)).append('\n');
            }
            indent(sb, lines.get(lines.size() - 1).strip(), "  ", "  ");
        }
        if (d.served() != null) {
            sb.append('\n');
            for (String line : ServedText.lines(d.served())) {
                sb.append(line).append('\n');
            }
        }
        findings(sb, d.findings());
        verified(sb, d);
        if (d.inputs().size() == 1) {
            kernels(sb, d.inputs().get(0).analysis().breakdown());
        }
        out.write(sb.toString());
        out.flush();
    }

    private void header(StringBuilder sb, TraceAnalysis a) {
        TraceSource src = a.model().source();
        TraceHeader h = a.model().header();
        Metrics m = a.metrics();
        sb.append('\n');
        indent(sb, Text.safe(src.path()), "  trace      ", CONT);
        boolean json = TraceSource.KINETO.equals(src.format());
        StringBuilder size = new StringBuilder();
        size.append(Quantities.format(src.jsonBytes(), Unit.BYTES)).append(json ? " of JSON" : " of " + src.format());
        if (src.gzip()) {
            size.append(" (gzip, ").append(Quantities.format(src.fileBytes(), Unit.BYTES)).append(')');
        }
        size.append(", ").append(Quantities.format(src.events(), Unit.COUNT)).append(json ? " events" : " records");
        size.append(h.baseTimeNanoseconds() == null ? ", absolute timestamps" : "");
        if (h.rank() != null) {
            size.append(", rank ").append(h.rank());
            if (h.worldSize() != null) {
                size.append(" of ").append(h.worldSize());
            }
        }
        indent(sb, size.toString(), CONT, CONT);
        List<String> devices = new ArrayList<>();
        for (String dv : DeviceText.devices(a.model(), a.window().device())) {
            devices.add(Text.safe(dv));
        }
        if (!devices.isEmpty()) {
            indent(sb, String.join("; ", devices), "  device     ", CONT);
        }
        Window w = a.window();
        StringBuilder span = new StringBuilder(MetricText.value(m.get("trace_span_ms")));
        if (w.iterations() > 0) {
            span.append("; ").append(w.iterations()).append(" iterations from ").append(w.basis().text())
                    .append(", ").append(MetricText.withSamples(m.get("step_time_ms"))).append(" each");
        } else {
            span.append("; no iterations: ").append(w.basis().text());
        }
        indent(sb, span.toString(), "  span       ", CONT);
        if (w.anchor() != null) {
            indent(sb, "anchor kernel " + Text.safe(w.anchor()), CONT, CONT);
        }
        if (w.droppedStep() != null) {
            indent(sb, Text.safe(w.droppedStep()), CONT, CONT);
        }
        Metric busy = m.get("gpu_busy_pct");
        if (busy.present()) {
            indent(sb, "busy " + MetricText.withSamples(busy) + " of " + MetricText.value(m.get("gpu_span_ms"))
                    + " (compute " + MetricText.value(m.get("gpu_compute_pct")) + ", other work "
                    + MetricText.value(m.get("gpu_non_compute_pct")) + ")", "  GPU        ", CONT);
            Metric hw = m.get("idle_host_wait_pct");
            if (hw.present()) {
                indent(sb, "idle " + MetricText.value(m.get("gpu_idle_pct")) + ": host wait " + MetricText.value(hw)
                        + ", kernel wait " + MetricText.value(m.get("idle_kernel_wait_pct")) + ", other "
                        + MetricText.value(m.get("idle_other_pct")) + " (" + Quantities.format(hw.n(), Unit.COUNT)
                        + " gaps)", CONT, CONT);
            }
        } else {
            indent(sb, busy.reason() + ": GPU rules are not applicable", "  GPU        ", CONT);
        }
    }

    private void dataLoss(StringBuilder sb, DataLoss loss) {
        List<String> lines = new ArrayList<>();
        for (DataLoss.Group g : new DataLoss.Group[] {DataLoss.Group.PROBE, DataLoss.Group.MALFORMED,
            DataLoss.Group.UNMATCHED, DataLoss.Group.EXCLUDED}) {
            for (Map.Entry<String, Long> e : loss.get(g).entrySet()) {
                lines.add(Quantities.format(e.getValue(), Unit.COUNT) + " " + Text.agree(e.getValue(), e.getKey())
                        + " [" + g.key() + "]");
            }
        }
        if (lines.isEmpty()) {
            indent(sb, "nothing lost, malformed, unmatched or excluded", "  data loss  ", CONT);
        } else {
            for (int i = 0; i < lines.size(); i++) {
                indent(sb, Text.safe(lines.get(i)), i == 0 ? "  data loss  " : CONT, CONT);
            }
        }
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, Long> e : loss.get(DataLoss.Group.SKIPPED).entrySet()) {
            skipped.add(Quantities.format(e.getValue(), Unit.COUNT) + " " + Text.agree(e.getValue(), e.getKey()));
        }
        if (!skipped.isEmpty()) {
            indent(sb, "skipped by design: " + Text.safe(String.join(", ", skipped)), "             ",
                    "             ");
        }
    }

    private void findings(StringBuilder sb, List<Finding> findings) {
        List<Finding> problems = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        // not-applicable rules by reason, so that each reason (a missing driver, no trace) is said once
        Map<String, List<String>> na = new java.util.LinkedHashMap<>();
        int naCount = 0;
        for (Finding f : findings) {
            if (f.isProblem()) {
                problems.add(f);
            } else if (f.severity() == Severity.OK) {
                ok.add(f.rule());
            } else {
                String why = String.valueOf(f.reason());
                // "needs METRIC: why": grouped by the why, so that rules missing the same input share a line
                if (why.startsWith("needs ") && why.indexOf(": ") > 0) {
                    why = why.substring(why.indexOf(": ") + 2);
                }
                na.computeIfAbsent(why, k -> new ArrayList<>()).add(f.rule());
                naCount++;
            }
        }
        sb.append('\n');
        if (problems.isEmpty()) {
            sb.append(style(GREEN, "No bottleneck found")).append(" at info level or above.\n");
        } else {
            indent(sb, ", " + autoglm.rules.Ranking.DESCRIPTION, style(BOLD, "Findings"), "");
        }
        int rank = 1;
        for (Finding f : problems) {
            finding(sb, rank++, f);
        }
        List<String> overlaps = GainText.overlaps(findings);
        if (!overlaps.isEmpty()) {
            sb.append('\n');
            indent(sb, ": " + GainText.OVERLAP_INTRO, style(BOLD, GainText.OVERLAP_TITLE), "");
            for (String line : overlaps) {
                indent(sb, Text.safe(line), "  ", "    ");
            }
        }
        sb.append('\n');
        if (!ok.isEmpty()) {
            indent(sb, String.join(", ", ok), style(GREEN, "OK") + "              ", "                ");
        }
        if (naCount > 0 && !all) {
            indent(sb, naCount + (naCount == 1 ? " rule lacks its inputs" : " rules lack their inputs")
                    + " (--all lists them with the reasons)", style(DIM, "not applicable") + "  ", "                ");
        } else {
            for (Map.Entry<String, List<String>> e : na.entrySet()) {
                indent(sb, Text.safe(String.join(", ", e.getValue()) + ": " + e.getKey()),
                        style(DIM, "not applicable") + "  ", "                ");
            }
        }
    }

    private void finding(StringBuilder sb, int rank, Finding f) {
        String sev = f.severity() == Severity.WARNING ? style(RED + BOLD, "WARNING") : style(YELLOW + BOLD, "INFO   ");
        sb.append('\n');
        indent(sb, style(BOLD, f.rule()) + "  " + Text.safe(f.title()) + String.format(Locale.ROOT, "  (score\u00a0%.0f)",
                f.score()), String.format(Locale.ROOT, "%2d. ", rank) + sev + "  ", "             ");
        indent(sb, Text.safe(f.summary()), "    ", "    ");
        StringBuilder ev = new StringBuilder();
        for (Map.Entry<String, Metric> e : f.evidence().entrySet()) {
            if (!e.getValue().present()) {
                continue;
            }
            ev.append(ev.length() == 0 ? "" : "; ").append(e.getKey()).append(' ').append(MetricText.withSamples(e.getValue()));
        }
        indent(sb, ev.toString(), "    evidence  ", "              ");
        String count = CountText.text(f.counted());
        if (!count.isEmpty()) {
            indent(sb, Text.safe(count), "    count     ", "              ");
        }
        if (explain) {
            indent(sb, Text.safe(f.explanation()), "    why       ", "              ");
        }
        indent(sb, Text.safe(f.fix()), "    fix       ", "              ");
        String gain = GainText.text(f);
        indent(sb, Text.safe(gain), "    gain      ", "              ");
        if (f.reason() != null) {
            // a reported finding's reason: its score was capped by a small gain (severity follows impact)
            indent(sb, Text.safe(f.reason()), "    severity  ", "              ");
        }
    }

    private void verified(StringBuilder sb, Diagnosis d) {
        if (d.verifications().isEmpty()) {
            return;
        }
        sb.append('\n');
        indent(sb, VerifyText.columns(d.verifications())
                == VerifyText.LOAD_COLUMNS ? ": the server re-launched with each fix and the same seeded traffic replayed, "
                + "in this invocation (measured, with Welch's p where both sides have a spread); the others keep their "
                + "estimated gain" : ": the workload re-run with each fix, in this "
                + "invocation (measured); the others keep their estimated gain", style(BOLD, "Fixes verified"), "");
        for (autoglm.diagnose.Verification v : d.verifications()) {
            List<String> lines = VerifyText.lines(v);
            sb.append('\n');
            indent(sb, Text.safe(lines.get(0)), "  ", "    ");
            for (int i = 1; i < lines.size(); i++) {
                indent(sb, Text.safe(lines.get(i)), "    ", "      ");
            }
        }
    }

    private void kernels(StringBuilder sb, Breakdown b) {
        if (b.kernels().isEmpty() || topKernels <= 0) {
            return;
        }
        sb.append('\n');
        indent(sb, "by total time (" + Quantities.format(b.kernelCount(), Unit.COUNT) + " kernels, "
                + Quantities.format(b.kernelTimeMs(), Unit.MILLISECONDS) + " in all)", style(BOLD, "Top kernels") + " ", "  ");
        // the numbers take 65 columns; the name beside them when at least KERNEL_MIN columns are left, else on a
        // line of its own under them, so that no row runs past the width
        boolean beside = width - NUMBERS >= KERNEL_MIN;
        String row = "  %6s %10s %8s %10s %10s  %-12s";
        String head = String.format(Locale.ROOT, row, "share", "total", "count", "mean", "stdev", "family");
        sb.append(beside ? head + " kernel" : head.stripTrailing()).append('\n');
        List<String> full = new ArrayList<>();
        for (int i = 0; i < Math.min(topKernels, b.kernels().size()); i++) {
            full.add(Text.safe(b.kernels().get(i).name()));
        }
        List<String> shown = KernelNames.shorten(full, beside ? width - NUMBERS : width - 8);
        for (int i = 0; i < Math.min(topKernels, b.kernels().size()); i++) {
            Breakdown.KernelStat k = b.kernels().get(i);
            String numbers = String.format(Locale.ROOT, row,
                    Quantities.format(k.sharePct(), Unit.PERCENT), Quantities.format(k.totalMs(), Unit.MILLISECONDS),
                    Quantities.format(k.count(), Unit.COUNT), Quantities.format(k.meanUs(), Unit.MICROSECONDS),
                    Quantities.format(k.stdevUs(), Unit.MICROSECONDS), k.category());
            sb.append(beside ? numbers + " " + shown.get(i) : numbers.stripTrailing() + "\n        " + shown.get(i))
                    .append('\n');
        }
        if (!b.categories().isEmpty()) {
            StringBuilder cats = new StringBuilder();
            for (Breakdown.CategoryStat c : b.categories()) {
                cats.append(cats.length() == 0 ? "" : ", ").append(c.category()).append(' ')
                        .append(Quantities.format(c.sharePct(), Unit.PERCENT));
            }
            indent(sb, "by family: " + cats, "  ", "    ");
        }
        if (!b.types().isEmpty()) {
            StringBuilder types = new StringBuilder();
            for (Breakdown.TypeStat t : b.types()) {
                types.append(types.length() == 0 ? "" : ", ").append(t.type()).append(' ')
                        .append(Quantities.format(t.sharePct(), Unit.PERCENT));
            }
            indent(sb, "by type (HTA): " + types, "  ", "    ");
        }
        for (Breakdown.StreamStat st : b.streams()) {
            indent(sb, "stream " + st.stream() + " (device " + st.device() + "): "
                    + Quantities.format(st.activities(), Unit.COUNT) + " activities, idle "
                    + Quantities.format(st.idleMs(), Unit.MILLISECONDS) + " in " + Quantities.format(st.gaps(), Unit.COUNT)
                    + " gaps" + (Double.isNaN(st.gapP50Us()) ? "" : " (p50 " + Quantities.format(st.gapP50Us(),
                    Unit.MICROSECONDS) + (st.gaps() >= MetricText.P99_FROM ? ", p99 " + Quantities.format(st.gapP99Us(),
                    Unit.MICROSECONDS) : "") + ", longest " + Quantities.format(st.gapMaxUs(), Unit.MICROSECONDS) + ")")
                    + ": host wait " + Quantities.format(st.hostWaitMs(), Unit.MILLISECONDS) + ", kernel wait "
                    + Quantities.format(st.kernelWaitMs(), Unit.MILLISECONDS) + ", other "
                    + Quantities.format(st.otherMs(), Unit.MILLISECONDS), "  ", "    ");
        }
        if (!b.copies().isEmpty()) {
            StringBuilder cp = new StringBuilder();
            for (Breakdown.CopyStat c : b.copies()) {
                cp.append(cp.length() == 0 ? "" : "; ").append(Text.safe(c.kind())).append(": ")
                        .append(Quantities.format(c.count(), Unit.COUNT)).append(", ")
                        .append(Quantities.format(c.bytes(), Unit.BYTES)).append(", ")
                        .append(Quantities.format(c.totalMs(), Unit.MILLISECONDS))
                        .append(Double.isNaN(c.gbps()) ? "" : ", " + Quantities.format(c.gbps(), Unit.GB_PER_SECOND));
            }
            indent(sb, "copies: " + cp, "  ", "    ");
        }
        ops(sb, b);
        sequences(sb, b);
    }

    /** The CPU ops that launched the most GPU time (docs/analyses.md#ops), five at most, as a small table. */
    private void ops(StringBuilder sb, Breakdown b) {
        if (b.ops().isEmpty()) {
            return;
        }
        sb.append('\n');
        indent(sb, "by the GPU time they launched (each activity to the innermost op around its launch call)",
                style(BOLD, "Top CPU ops") + " ", "  ");
        String row = "  %6s %10s %10s %10s  %s";
        sb.append(String.format(Locale.ROOT, row, "share", "GPU", "activities", "launches", "op")).append('\n');
        for (int i = 0; i < Math.min(TOP_OPS, b.ops().size()); i++) {
            Breakdown.OpStat o = b.ops().get(i);
            String numbers = String.format(Locale.ROOT, row, Quantities.format(o.sharePct(), Unit.PERCENT),
                    Quantities.format(o.gpuMs(), Unit.MILLISECONDS), Quantities.format(o.activities(), Unit.COUNT),
                    Quantities.format(o.launchMs(), Unit.MILLISECONDS), "");
            indent(sb, Text.safe(o.op()), numbers, " ".repeat(numbers.length()));
        }
    }

    private static final int TOP_OPS = 5;

    /** The kernel runs that repeat (docs/analyses.md#sequences), three at most, names shortened. */
    private void sequences(StringBuilder sb, Breakdown b) {
        if (b.sequences().isEmpty()) {
            return;
        }
        sb.append('\n');
        indent(sb, "(fusion candidates: the same kernels one after another, again and again)",
                style(BOLD, "Repeated kernel sequences") + " ", "  ");
        for (int i = 0; i < Math.min(3, b.sequences().size()); i++) {
            Breakdown.SequenceStat q = b.sequences().get(i);
            List<String> names = KernelNames.shorten(q.kernels().stream().map(Text::safe).toList(), 40);
            indent(sb, Quantities.format(q.totalMs(), Unit.MILLISECONDS) + " in " + Quantities.format(q.count(),
                    Unit.COUNT) + " runs of " + q.kernels().size() + " kernels: " + String.join(" > ", names), "  ",
                    "    ");
        }
    }

    /** Wraps text to the width: the first line after {@code first}, the others after {@code rest}. */
    private void indent(StringBuilder sb, String text, String first, String rest) {
        List<String> lines = Text.wrap(text, width - Text.visible(first), width - Text.visible(rest));
        for (int i = 0; i < lines.size(); i++) {
            sb.append(i == 0 ? first : rest).append(lines.get(i)).append('\n');
        }
    }

    private String style(String code, String s) {
        return colour ? code + s + RESET : s;
    }
}
