package autoglm.analyse;

import autoglm.model.load.Scrape;
import autoglm.read.prometheus.FleetReader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A fleet of serving replicas read back from Prometheus (docs/fleet.md): each replica's server metrics, as the
 * analysis of {@code autoglm load}'s own scrapes computes them, and across replicas how evenly the requests spread.
 * A replica's requests are the increase of its end-to-end latency histogram's count over the window (requests
 * finished); the imbalance is the busiest replica's requests over the idlest's, the idlest counted as at least one
 * request, so that an idle replica shows as the busiest one's count.
 */
public final class FleetAnalysis {
    public static final String ONE_INSTANCE = "fewer than two serving replicas in the window";

    /** One replica as analysed: its server metrics and the requests it finished in the window (NaN: unknown). */
    public record Replica(String instance, String job, Metrics metrics, double requests) {
    }

    /** The replicas and the fleet's own metrics. */
    public record Result(List<Replica> replicas, Metrics fleet) {
    }

    private FleetAnalysis() {
    }

    public static Set<String> metricNames() {
        return new LinkedHashSet<>(List.of("fleet_instances", "fleet_requests_max", "fleet_requests_min",
                "fleet_requests_mean", "fleet_imbalance_ratio", "fleet_busiest_instance", "fleet_idlest_instance"));
    }

    /** The replicas as read back from Prometheus, each with its pages in time order. */
    public static Result analyze(List<FleetReader.Instance> instances) {
        List<Replica> replicas = new ArrayList<>();
        for (FleetReader.Instance in : instances) {
            Metrics m = ServerMetricsAnalysis.analyze(in.scrapes(), "Prometheus holds no serving metrics of this instance");
            replicas.add(new Replica(in.instance(), in.job(), m, requests(in.scrapes())));
        }
        Metrics.Builder b = new Metrics.Builder();
        b.put("fleet_instances", replicas.size(), replicas.size());
        List<Replica> counted = replicas.stream().filter(r -> !Double.isNaN(r.requests())).toList();
        if (counted.size() < 2) {
            b.absentAll(replicas.size() < 2 ? ONE_INSTANCE
                    : "fewer than two replicas publish an end-to-end latency histogram", "fleet_requests_max",
                    "fleet_requests_min", "fleet_requests_mean", "fleet_imbalance_ratio", "fleet_busiest_instance", "fleet_idlest_instance");
            return new Result(replicas, b.build());
        }
        Replica busiest = counted.get(0);
        Replica idlest = counted.get(0);
        for (Replica r : counted) {
            busiest = r.requests() > busiest.requests() ? r : busiest;
            idlest = r.requests() < idlest.requests() ? r : idlest;
        }
        int n = counted.size();
        b.put("fleet_requests_max", busiest.requests(), n);
        b.put("fleet_requests_min", idlest.requests(), n);
        b.put("fleet_requests_mean", counted.stream().mapToDouble(Replica::requests).average().orElse(Double.NaN), n);
        b.put("fleet_imbalance_ratio", busiest.requests() / Math.max(1, idlest.requests()), n);
        b.text("fleet_busiest_instance", busiest.instance(), n);
        b.text("fleet_idlest_instance", idlest.instance(), n);
        return new Result(replicas, b.build());
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
        for (String base : ServerMetricsAnalysis.E2E) {
            String count = base + "_count";
            java.util.Map<String, Double> last = new java.util.HashMap<>();
            double total = 0;
            boolean seen = false;
            for (int i = 0; i < pages.size(); i++) {
                for (java.util.Map.Entry<String, Double> e : pages.get(i).series().entrySet()) {
                    String k = e.getKey();
                    if (!(k.equals(count) || k.startsWith(count + "{")) || Double.isNaN(e.getValue())) {
                        continue;
                    }
                    seen = true;
                    double before = last.getOrDefault(k, i == 0 ? e.getValue() : 0.0);
                    double v = e.getValue();
                    total += v >= before ? v - before : v; // a reset: the counter started again from 0
                    last.put(k, v);
                }
            }
            if (seen) {
                return total;
            }
        }
        return Double.NaN;
    }
}
