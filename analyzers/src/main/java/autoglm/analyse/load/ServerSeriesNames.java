package autoglm.analyse.load;

import java.util.HashSet;
import java.util.Set;

/**
 * The sample names of a server's /metrics page that some analysis reads ({@link ServerMetricsAnalysis}'s candidate
 * lists, which {@link ServerGauges}, {@link QueueEvidence}, {@link ServedSteps}, the fleet and the charts read too):
 * {@code autoglm load} keeps these series of each scrape and only counts the others (docs/load.md#limits), so that
 * a page of a million unrelated series costs no memory. Made from the lists themselves: a name added there is kept.
 */
public final class ServerSeriesNames {
    private static final Set<String> USED = used();

    private ServerSeriesNames() {
    }

    private static Set<String> used() {
        Set<String> s = new HashSet<>();
        String[][] plain = {ServerMetricsAnalysis.RUNNING, ServerMetricsAnalysis.WAITING, ServerMetricsAnalysis.KV,
            ServerMetricsAnalysis.PREEMPTIONS, ServerMetricsAnalysis.PREFIX_QUERIES, ServerMetricsAnalysis.PREFIX_HITS,
            ServerMetricsAnalysis.PROMPT_TOKENS, ServerMetricsAnalysis.CACHED_TOKENS,
            {ServerMetricsAnalysis.RETRACTED_GAUGE, ServerMetricsAnalysis.CACHE_CONFIG}};
        for (String[] names : plain) {
            s.addAll(Set.of(names));
        }
        String[][] histograms = {ServerMetricsAnalysis.TTFT, ServerMetricsAnalysis.E2E, ServerMetricsAnalysis.QUEUE,
            ServerMetricsAnalysis.PREFILL, ServerMetricsAnalysis.DECODE, ServerMetricsAnalysis.ITL};
        for (String[] names : histograms) {
            for (String base : names) {
                s.add(base + "_bucket");
                s.add(base + "_count");
                s.add(base + "_sum");
            }
        }
        return Set.copyOf(s);
    }

    /** Whether an analysis reads the sample {@code name} (a series' name as on the page, before its labels). */
    public static boolean uses(String name) {
        return USED.contains(name);
    }

    /**
     * Whether an analysis reads a sample of the family {@code family}, as a {@code # TYPE} or {@code # HELP} line names
     * it (a histogram's base name; a counter with or without its {@code _total}).
     */
    public static boolean usesFamily(String family) {
        return uses(family) || uses(family + "_total") || uses(family + "_bucket");
    }
}
