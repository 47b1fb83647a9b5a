package autoglm.analyse.load;

import autoglm.analyse.Metrics;
import autoglm.analyse.Stats;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Long server steps against the streams' long gaps (docs/analyses.md, "Served steps"): a step longer than
 * {@value #LONG_STEP_FACTOR} times the median step is a long one (a prefill of whole prompts, next to decode steps of
 * one token each); a gap between two token chunks of a measured request longer than {@value #STALL_FACTOR} times the
 * median gap is a long one (the client's definition, load_itl_stalls_in_prefill_pct). Of the time of the long gaps that
 * lie within the server's timeline, the share during which a long step ran beside another request is the stalling
 * the server's own steps explain (weighted by time: a 300 ms freeze inside a prefill counts for more than a 15 ms blip
 * of a busy client). A long step counts only where at least two requests were running at its start, by the client's
 * count (sent, not ended) or the server's last scrape of its running batch: with one request in flight, a long step
 * is that request's own (its prefill, or a step the machine slowed) and stalls no other stream.
 */
final class ServedStalls {
    static final double LONG_STEP_FACTOR = 3;
    static final double STALL_FACTOR = 3;

    private ServedStalls() {
    }

    static void metrics(Metrics.Builder b, ServedSteps.Result r, LoadRecording load) {
        List<ServedSteps.Step> steps = r.steps();
        double[] ms = steps.stream().mapToDouble(ServedSteps.Step::ms).toArray();
        double median = Stats.median(ms, ms.length);
        List<ServedSteps.Step> longSteps = steps.stream().filter(s -> s.ms() > LONG_STEP_FACTOR * median).toList();
        String none = "no server step longer than " + (int) LONG_STEP_FACTOR + "x the median step";
        double all = java.util.Arrays.stream(ms).sum();
        if (longSteps.isEmpty()) {
            b.absentAll(none, "served_long_step_ms", "served_long_step_factor", "served_long_steps_beside",
                    "served_itl_gaps_in_long_steps_pct");
            b.put("served_long_step_time_pct", 0, steps.size());
            return;
        }
        double[] lm = longSteps.stream().mapToDouble(ServedSteps.Step::ms).toArray();
        b.put("served_long_step_ms", Stats.median(lm, lm.length), lm.length, Stats.spread(lm, lm.length));
        b.put("served_long_step_factor", Stats.median(lm, lm.length) / median, lm.length);
        b.put("served_long_step_time_pct", 100 * java.util.Arrays.stream(lm).sum() / all, steps.size());
        List<LoadRequest> ok = load.measured().stream().filter(LoadRequest::ok).toList();
        List<Double> gaps = new ArrayList<>();
        for (LoadRequest q : ok) {
            double[] c = q.chunkMs();
            for (int i = 1; i < c.length; i++) {
                gaps.add(c[i] - c[i - 1]);
            }
        }
        // the long steps that ran beside another request: only those can freeze another stream
        List<ServedSteps.Step> shared = longSteps.stream().filter(ServedStalls::beside).toList();
        b.put("served_long_steps_beside", shared.size(), longSteps.size());
        double[] g = gaps.stream().mapToDouble(Double::doubleValue).toArray();
        if (g.length < 2 || !(Stats.median(g, g.length) > 0)) {
            b.absent("served_itl_gaps_in_long_steps_pct", "fewer than two gaps between tokens, or a median gap of 0");
            return;
        }
        double p50 = Stats.median(g, g.length);
        double epochMs = load.settings().startedEpochMs();
        double from = steps.get(0).startNs() / 1e6 - epochMs;
        double to = steps.get(steps.size() - 1).endNs() / 1e6 - epochMs;
        long stalls = 0;
        double stallNs = 0;
        double overlapNs = 0;
        for (LoadRequest q : ok) {
            double[] c = q.chunkMs();
            for (int i = 1; i < c.length; i++) {
                if (c[i] - c[i - 1] <= STALL_FACTOR * p50 || c[i - 1] < from || c[i] > to) {
                    continue;
                }
                stalls++;
                double a = (epochMs + c[i - 1]) * 1e6;
                double e = (epochMs + c[i]) * 1e6;
                stallNs += e - a;
                for (ServedSteps.Step s : shared) { // steps follow one another: their overlaps add up
                    overlapNs += Math.max(0, Math.min(e, s.endNs()) - Math.max(a, s.startNs()));
                }
            }
        }
        if (stalls == 0) {
            b.absent("served_itl_gaps_in_long_steps_pct", "no gap above " + (int) STALL_FACTOR + "x the median within "
                    + "the server's timeline");
        } else {
            b.put("served_itl_gaps_in_long_steps_pct", 100.0 * overlapNs / stallNs, stalls);
        }
    }

    /** Whether a step began with two requests or more running: the client's in flight, or the server's batch. */
    static boolean beside(ServedSteps.Step s) {
        return s.inFlight() >= 2 || (!Double.isNaN(s.batch()) && s.batch() >= 2);
    }
}
