package autoglm.verify;

import autoglm.analyse.Stats;
import autoglm.analyse.WelchTest;
import autoglm.model.load.LoadRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the server's profiler cost ({@code load --server-profile}, docs/load.md): the measured requests that ran wholly
 * inside the profiling window against those wholly outside it, by time per output token (TPOT: it does not depend on
 * how long the answers were), with the counts, spreads and Welch's p. Outside means before the window opened or after
 * the server had written its trace (writing it is a cost of its own); a request that straddles either edge is in
 * neither. Times are the load's own milliseconds (requests.csv's clock).
 */
public record ProfilerCost(Side inside, Side outside, double slowdownPct, WelchTest test) {

    /** One side: its requests' mean and sample standard deviation of TPOT, in ms, and how many. */
    public record Side(double meanMs, double sdMs, int n) {
        static Side of(List<Double> v) {
            double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
            return new Side(Arrays.stream(a).average().orElse(Double.NaN), Stats.stdev(a, a.length), a.length);
        }
    }

    /** The requests' cost of the window from {@code startMs} to {@code stopMs}, the trace written by {@code writtenMs}. */
    public static ProfilerCost of(List<LoadRequest> requests, double startMs, double stopMs, double writtenMs) {
        List<Double> in = new ArrayList<>();
        List<Double> out = new ArrayList<>();
        for (LoadRequest r : requests) {
            double tpot = r.tpotMs();
            if (r.warmup() || !r.ok() || Double.isNaN(tpot)) {
                continue;
            }
            if (r.sentMs() >= startMs && r.endMs() <= stopMs) {
                in.add(tpot);
            } else if (r.endMs() < startMs || r.sentMs() > writtenMs) {
                out.add(tpot);
            }
        }
        Side a = Side.of(in);
        Side b = Side.of(out);
        WelchTest t = a.n() < 2 || b.n() < 2 ? WelchTest.notApplicable("fewer than two requests on a side")
                : WelchTest.welch(b.meanMs(), b.sdMs(), b.n(), a.meanMs(), a.sdMs(), a.n());
        return new ProfilerCost(a, b, 100 * (a.meanMs() / b.meanMs() - 1), t);
    }

    /** The metrics this cost gives a load run's diagnosis (docs/load.md#--server-profile-n). */
    public static final java.util.List<String> METRICS = autoglm.analyse.MetricFamily.SERVER_PROFILE.names();

    /** The cost as metrics: the slowdown, each side's mean TPOT with its n and standard deviation, Welch's p. */
    public autoglm.analyse.Metrics metrics() {
        autoglm.analyse.Metrics.Builder b = new autoglm.analyse.Metrics.Builder();
        side(b, "server_profile_tpot_inside_ms", inside, "no measured request ran wholly inside the window");
        side(b, "server_profile_tpot_outside_ms", outside, "no measured request ran wholly outside the window");
        if (Double.isNaN(slowdownPct)) {
            b.absent("server_profile_cost_pct", "no requests on one side of the window to compare");
        } else {
            b.put("server_profile_cost_pct", slowdownPct, inside.n() + outside.n());
        }
        if (test.applicable()) {
            b.put("server_profile_cost_p", test.p(), inside.n() + outside.n());
        } else {
            b.absent("server_profile_cost_p", test.reason());
        }
        return b.build();
    }

    private static void side(autoglm.analyse.Metrics.Builder b, String name, Side s, String none) {
        if (s.n() == 0) {
            b.absent(name, none);
        } else {
            b.put(name, s.meanMs(), s.n(), new autoglm.analyse.Spread(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, s.sdMs()));
        }
    }

    /** {@code d} with this cost among its metrics, so that the JSON and HTML reports carry it. */
    public autoglm.diagnose.Diagnosis attachTo(autoglm.diagnose.Diagnosis d) {
        return new autoglm.diagnose.Diagnosis(d.tool(), d.version(), d.inputs(), d.metrics().with(metrics(), METRICS),
                d.findings(), d.dataLoss(), d.run(), d.verifications(), d.overrides(), d.ranks(), d.fleet(), d.served());
    }
}
