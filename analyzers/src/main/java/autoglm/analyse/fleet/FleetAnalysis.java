package autoglm.analyse.fleet;

import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.analyse.Stats;
import autoglm.analyse.load.QueueEvidence;
import autoglm.analyse.load.ServerMetricsAnalysis;
import autoglm.analyse.load.ServerSeries;
import autoglm.model.load.Scrape;
import autoglm.read.prometheus.FleetReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A fleet of serving replicas read back from Prometheus (docs/fleet.md): each replica's server metrics, as the
 * analysis of {@code autoglm load}'s own scrapes computes them, and across the replicas behind one model name how
 * evenly the requests spread, which replicas served nothing, and which one decodes much slower than its peers.
 * A replica's requests are the increase of its end-to-end latency histogram's count over the window (requests
 * finished). Replicas are compared only with those serving the same model ({@code model_name}); where several
 * models are served, each fleet metric is that of the model where it is worst, named in {@code fleet_*_model}.
 */
public final class FleetAnalysis {
    public static final String ONE_INSTANCE = "fewer than two serving replicas of one model in the window";

    /** One replica as analysed: its server metrics and the requests it finished in the window (NaN: unknown). */
    public record Replica(String instance, String job, String model, Metrics metrics, double requests) {
        boolean counted() {
            return !Double.isNaN(requests);
        }
    }

    /** The replicas and the fleet's own metrics. */
    public record Result(List<Replica> replicas, Metrics fleet) {
    }

    private static final List<String> IMBALANCE = MetricFamily.FLEET_IMBALANCE.names();
    private static final List<String> IDLE = MetricFamily.FLEET_IDLE.names();
    private static final List<String> STRAGGLER = MetricFamily.FLEET_STRAGGLER.names();

    private FleetAnalysis() {
    }

    public static Set<String> metricNames() {
        return MetricFamily.names(MetricFamily.FLEET, MetricFamily.FLEET_IMBALANCE, MetricFamily.FLEET_IDLE,
                MetricFamily.FLEET_STRAGGLER);
    }

    /** The replicas as read back from Prometheus, each with its pages in time order. */
    public static Result analyze(List<FleetReader.Instance> instances) {
        List<Replica> replicas = new ArrayList<>();
        for (FleetReader.Instance in : instances) {
            Metrics server = ServerMetricsAnalysis.analyze(in.scrapes(),
                    "Prometheus holds no serving metrics of this instance");
            Metrics m = server.with(QueueEvidence.ofServer(server), QueueEvidence.NAMES);
            replicas.add(new Replica(in.instance(), in.job(), in.model(), m, requests(in.scrapes())));
        }
        Map<String, List<Replica>> byModel = new TreeMap<>();
        for (Replica r : replicas) {
            byModel.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(r);
        }
        Metrics.Builder b = new Metrics.Builder();
        b.put("fleet_instances", replicas.size(), replicas.size());
        b.put("fleet_models", byModel.size(), replicas.size());
        imbalance(b, byModel);
        idle(b, byModel);
        straggler(b, byModel);
        return new Result(replicas, b.build());
    }

    /**
     * The busiest serving replica's requests over the idlest serving one's, in the model where that is highest.
     * Replicas that finished nothing are left to {@link #idle}: the imbalance is among those that serve.
     */
    private static void imbalance(Metrics.Builder b, Map<String, List<Replica>> byModel) {
        double worst = Double.NaN;
        for (Map.Entry<String, List<Replica>> e : byModel.entrySet()) {
            List<Replica> serving = e.getValue().stream().filter(r -> r.counted() && r.requests() > 0).toList();
            if (serving.size() < 2) {
                continue;
            }
            Replica busiest = serving.get(0);
            Replica idlest = serving.get(0);
            for (Replica r : serving) {
                busiest = r.requests() > busiest.requests() ? r : busiest;
                idlest = r.requests() < idlest.requests() ? r : idlest;
            }
            double ratio = busiest.requests() / idlest.requests();
            if (!(ratio <= worst)) {
                worst = ratio;
                int n = serving.size();
                b.put("fleet_requests_max", busiest.requests(), n);
                b.put("fleet_requests_min", idlest.requests(), n);
                b.put("fleet_requests_mean", serving.stream().mapToDouble(Replica::requests).average().orElse(Double.NaN), n);
                // its count is the requests the split is of: 8 against 2 of 10 can be chance, 80 against 20 is not
                b.put("fleet_imbalance_ratio", ratio, Math.round(serving.stream().mapToDouble(Replica::requests).sum()));
                b.text("fleet_busiest_instance", busiest.instance(), n);
                b.text("fleet_idlest_instance", idlest.instance(), n);
                b.text("fleet_imbalance_model", model(e.getKey()), n);
            }
        }
        if (Double.isNaN(worst)) {
            b.absentAll(ONE_INSTANCE + " that finished requests (and publish an end-to-end latency histogram)",
                    IMBALANCE);
        }
    }

    /** Replicas that finished no request while another replica of their model finished some. */
    private static void idle(Metrics.Builder b, Map<String, List<Replica>> byModel) {
        List<String> idle = new ArrayList<>();
        int compared = 0;
        double finished = 0;
        for (List<Replica> group : byModel.values()) {
            List<Replica> counted = group.stream().filter(Replica::counted).toList();
            if (counted.size() < 2 || counted.stream().noneMatch(r -> r.requests() > 0)) {
                continue;
            }
            compared += counted.size();
            finished += counted.stream().mapToDouble(Replica::requests).sum();
            counted.stream().filter(r -> r.requests() == 0).forEach(r -> idle.add(r.instance()));
        }
        if (compared == 0) {
            b.absentAll(ONE_INSTANCE + " with requests finished in the window", IDLE);
            return;
        }
        b.put("fleet_idle_instances", idle.size(), compared);
        // its count is the requests the others finished: a given one of two replicas gets none of 5 by chance 3% of the time
        b.put("fleet_idle_pct", 100.0 * idle.size() / compared, Math.round(finished));
        b.text("fleet_idle_names", idle.isEmpty() ? "none" : String.join(", ", idle), compared);
    }

    /** The replica whose mean inter-token latency is highest against the median of its model's other replicas. */
    private static void straggler(Metrics.Builder b, Map<String, List<Replica>> byModel) {
        double worst = Double.NaN;
        for (Map.Entry<String, List<Replica>> e : byModel.entrySet()) {
            List<Replica> timed = e.getValue().stream().filter(r -> r.metrics().get("server_itl_ms").present()
                    && r.metrics().get("server_itl_ms").n() > 0).toList();
            if (timed.size() < 2) {
                continue;
            }
            Replica slowest = timed.get(0);
            for (Replica r : timed) {
                slowest = itl(r) > itl(slowest) ? r : slowest;
            }
            Replica s = slowest;
            double[] rest = timed.stream().filter(r -> r != s).mapToDouble(FleetAnalysis::itl).toArray();
            double others = Stats.median(rest, rest.length);
            double ratio = itl(s) / others;
            if (others > 0 && !(ratio <= worst)) {
                worst = ratio;
                int n = timed.size();
                b.put("fleet_straggler_ratio", ratio, n);
                b.text("fleet_straggler_instance", s.instance(), n);
                b.put("fleet_straggler_itl_ms", itl(s), s.metrics().get("server_itl_ms").n());
                b.put("fleet_others_itl_ms", others, n - 1);
                b.text("fleet_straggler_model", model(e.getKey()), n);
            }
        }
        if (Double.isNaN(worst)) {
            b.absentAll(ONE_INSTANCE + " with an inter-token latency histogram that counted tokens", STRAGGLER);
        }
    }

    private static double itl(Replica r) {
        return r.metrics().get("server_itl_ms").value();
    }

    private static String model(String name) {
        return name.isEmpty() ? "(no model_name label)" : name;
    }

    /**
     * Requests finished in the window: the increase of the end-to-end histogram's count, summed over its series,
     * resets survived. A series that first appears after the instance's first page (servers publish a labelled
     * histogram once it has an observation) counts from 0, as a counter that starts. NaN without such a histogram
     * or with fewer than two pages.
     */
    static double requests(List<Scrape> pages) {
        if (pages.size() < 2) {
            return Double.NaN;
        }
        ServerSeries s = new ServerSeries(pages);
        for (String base : ServerMetricsAnalysis.E2E) {
            if (s.find(base + "_count") != null) {
                return s.increase(base + "_count");
            }
        }
        return Double.NaN;
    }
}
