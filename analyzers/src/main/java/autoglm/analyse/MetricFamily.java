package autoglm.analyse;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The families of metrics: the metrics one analysis computes from one kind of data, and so present or absent
 * together. Each metric of the {@link MetricCatalog} names its family there (a few belong to two); the analyses take
 * their lists of names from here, never write them again. {@link #whenAbsent} is the reason every metric of the
 * family is given when the input has none of its data, where that reason does not depend on the input.
 */
public enum MetricFamily {
    TRACE("Trace: iterations and host", "analyses.md#metrics", null),
    TRACE_GPU("Trace: GPU activity", "analyses.md#metrics", null),
    TRACE_INPUT_GROWTH("Trace: input growth", "analyses.md#metrics", null),
    RANKS("Ranks", "analyses.md#ranks", Why.ONE_RANK),
    FLEET("Fleet: replicas", "fleet.md#diagnosing-a-fleet-from-prometheus", null),
    FLEET_IMBALANCE("Fleet: request imbalance", "fleet.md#diagnosing-a-fleet-from-prometheus", null),
    FLEET_IDLE("Fleet: idle replicas", "fleet.md#diagnosing-a-fleet-from-prometheus", null),
    FLEET_STRAGGLER("Fleet: straggler replica", "fleet.md#diagnosing-a-fleet-from-prometheus", null),
    FLEET_GPU("Fleet: GPU throttling", "fleet.md#gpus", null),
    SAMPLES("Samples: the run", "analyses.md#samples", Why.NO_SAMPLES),
    SAMPLES_GPU("Samples: GPU (NVML)", "analyses.md#samples", Why.NO_SAMPLES),
    SAMPLES_GPM("Samples: GPU performance metrics (GPM)", "analyses.md#samples", Why.NO_SAMPLES),
    SAMPLES_HOST("Samples: host", "analyses.md#samples", Why.NO_SAMPLES),
    WORKLOAD("Workload", "analyses.md#workload", Why.NO_WORKLOAD),
    LOAD("Load run", "analyses.md#load-runs", Why.NO_LOAD),
    LOAD_SESSIONS("Load run: sessions and turns", "analyses.md#load-runs", Why.NO_LOAD),
    LOAD_SCRAPE_COST("Load run: the cost of scraping /metrics", "analyses.md#load-runs", Why.NO_LOAD),
    LOAD_LATENCY_SHARES("Load run: latency shares", "analyses.md#request-latency", Why.NO_LOAD),
    SERVER("Server metrics", "analyses.md#server-metrics", Why.NO_LOAD),
    QUEUE_EVIDENCE("Queue evidence", "analyses.md#queue-evidence", Why.NO_LOAD),
    SERVER_PROFILE("Server profiler cost", "load.md#--server-profile-n", null),
    SERVED("Served steps", "analyses.md#served-steps", Why.NOT_SERVED);

    /** The reasons, as constants: an enum constant cannot name a static field of its own enum declared after it. */
    private static final class Why {
        static final String ONE_RANK = "one trace: these compare the ranks of a job (give several rank files, "
                + "or their folder)";
        static final String NO_SAMPLES = "a trace carries no NVML or host samples (autoglm profile records them)";
        static final String NO_WORKLOAD = "no workload events: autoglm profile --model runs the autoglm workload, "
                + "which reports them";
        static final String NO_LOAD = "not a load run: autoglm load measures a serving endpoint";
        static final String NOT_SERVED = "not a load run with the server's kernel recordings (load --serve "
                + "--kernels) or profiler trace (--server-profile)";
    }

    private final String title;
    private final String doc;
    private final String whenAbsent;

    MetricFamily(String title, String doc, String whenAbsent) {
        this.title = title;
        this.doc = doc;
        this.whenAbsent = whenAbsent;
    }

    /** The family's heading in docs/metrics.md. */
    public String title() {
        return title;
    }

    /** Where its analysis is documented: a file of docs/ with its anchor. */
    public String doc() {
        return doc;
    }

    /** The reason its metrics are absent when the input has none of its data; null where the analysis says why. */
    public String whenAbsent() {
        return whenAbsent;
    }

    /** Its metrics, in catalogue order (those it shares with another family included). */
    public List<String> names() {
        return List.copyOf(names(this));
    }

    /** The metrics of all these families, in catalogue order (a new set each call). */
    public static Set<String> names(MetricFamily... families) {
        Set<MetricFamily> of = Set.of(families);
        Set<String> names = new LinkedHashSet<>();
        for (MetricCatalog.Definition d : MetricCatalog.all().values()) {
            if (d.families().stream().anyMatch(of::contains)) {
                names.add(d.name());
            }
        }
        return names;
    }
}
