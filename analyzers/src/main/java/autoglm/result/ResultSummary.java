package autoglm.result;

import autoglm.analyse.trace.Breakdown;
import autoglm.analyse.Metric;
import autoglm.diagnose.Diagnosis;
import autoglm.rules.Finding;
import autoglm.rules.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What gate and compare need of one result, however it was given: a diagnosis made here (a trace or a
 * run folder) or the JSON that diagnose or profile wrote. {@code kernels} is every kernel name of the
 * analysed window (empty, with {@code kernelsNote} saying why, when the result has no kernel table), and
 * {@code iterations} the iterations that window held (0 when unknown).
 */
public record ResultSummary(String source, Map<String, Metric> metrics, List<FindingRef> findings,
        List<Breakdown.KernelStat> kernels, String kernelsNote, int iterations, RunState run,
        List<Breakdown.OpStat> ops) {

    public ResultSummary(String source, Map<String, Metric> metrics, List<FindingRef> findings,
            List<Breakdown.KernelStat> kernels, String kernelsNote, int iterations, RunState run) {
        this(source, metrics, findings, kernels, kernelsNote, iterations, run, List.of());
    }

    /**
     * How the profiled run behind a result ended: run.json's status ("exited", "failed", "interrupted",
     * "running"), whether it is complete, and its note. Null for a trace or recording, which has no run.
     */
    public record RunState(String status, boolean complete, String note) {
    }

    public ResultSummary(String source, Map<String, Metric> metrics, List<FindingRef> findings,
            List<Breakdown.KernelStat> kernels, String kernelsNote, int iterations) {
        this(source, metrics, findings, kernels, kernelsNote, iterations, null);
    }

    /** Whether a run behind this result did not end cleanly (false for a trace). */
    public boolean incomplete() {
        return run != null && !run.complete();
    }

    /** A finding reduced to what the gate judges: its rule, severity, title and summary. */
    public record FindingRef(String rule, Severity severity, String title, String summary) {
    }

    public static ResultSummary of(String source, Diagnosis d) {
        Map<String, Metric> metrics = new LinkedHashMap<>(d.metrics().all());
        List<FindingRef> findings = new ArrayList<>();
        for (Finding f : d.findings()) {
            findings.add(new FindingRef(f.rule(), f.severity(), f.title(), f.summary()));
        }
        List<Breakdown.KernelStat> kernels = List.of();
        List<Breakdown.OpStat> ops = List.of();
        String note = null;
        int iterations = 0;
        if (d.inputs().size() == 1) {
            kernels = d.inputs().get(0).analysis().breakdown().kernels();
            ops = d.inputs().get(0).analysis().breakdown().ops();
            iterations = d.inputs().get(0).analysis().window().iterations();
        } else if (d.inputs().isEmpty()) {
            note = "no kernel recording or trace in this result";
        } else {
            note = "several ranks: compare one rank's trace at a time";
        }
        RunState run = d.run() == null ? null : new RunState(d.run().recording().info().status(),
                d.run().recording().info().complete(), d.run().recording().info().note());
        return new ResultSummary(source, metrics, List.copyOf(findings), kernels, note, iterations, run, ops);
    }

    public Metric metric(String name) {
        return metrics.get(name);
    }

    /** The finding of a rule, or null. */
    public FindingRef finding(String rule) {
        for (FindingRef f : findings) {
            if (f.rule().equals(rule)) {
                return f;
            }
        }
        return null;
    }
}
