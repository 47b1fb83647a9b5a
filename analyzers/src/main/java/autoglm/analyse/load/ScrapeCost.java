package autoglm.analyse.load;

import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.ScrapeAttempt;
import java.util.List;

/**
 * What scraping the server's /metrics cost the load client (docs/analyses.md#load-runs): the time each scrape took to
 * fetch and parse its page, the share of the scraper's span it was busy, and which cause the client-limited rule
 * names when the client fell behind its schedule: the scraper when it was busy at least {@link #NAMED_BUSY_PCT}
 * of the time (its page and its parsing compete with the requests for the client's CPU and memory), else the other
 * causes of a client's lag.
 */
public final class ScrapeCost {
    public static final List<String> NAMES = MetricFamily.LOAD_SCRAPE_COST.names();
    /** From this share of the time busy, the scraper is named as the client's cause of lag. */
    public static final double NAMED_BUSY_PCT = 20;
    static final String OTHER_CAUSES = "CPU, connection setup, encoding images";

    private ScrapeCost() {
    }

    public static Metrics of(LoadRecording rec) {
        Metrics.Builder b = new Metrics.Builder();
        List<ScrapeAttempt> log = rec.scrapeLog();
        if (log.isEmpty()) {
            String why = rec.settings().metricsUrl().isEmpty() ? "server metrics were not scraped (--no-server-metrics)"
                    : "the run has no scrapes.csv (recorded before the scrapes' cost was kept)";
            b.absentAll(why, "load_scrape_ms", "load_scrape_busy_pct");
            b.text("load_client_lag_cause", OTHER_CAUSES + (rec.settings().metricsUrl().isEmpty()
                    ? "; no /metrics scraper ran" : ""), 0);
            return b.build();
        }
        double[] cost = log.stream().mapToDouble(ScrapeAttempt::durationMs).toArray();
        LoadStats s = LoadStats.of(cost);
        b.put("load_scrape_ms", s.mean(), s.n(), s.spread());
        double busy = 0;
        for (double c : cost) {
            busy += c;
        }
        ScrapeAttempt first = log.get(0);
        ScrapeAttempt last = log.get(log.size() - 1);
        double span = last.tMs() + last.durationMs() - first.tMs();
        if (!(span > 0)) {
            b.absent("load_scrape_busy_pct", "the scrapes took no time");
            b.text("load_client_lag_cause", OTHER_CAUSES, log.size());
            return b.build();
        }
        double pct = Math.min(100, 100 * busy / span);
        b.put("load_scrape_busy_pct", pct, log.size());
        String share = Quantities.format(pct, Unit.PERCENT) + " of the time from its first scrape to its last ("
                + Quantities.format(s.mean(), Unit.MILLISECONDS) + " a scrape, " + log.size() + " scrapes)";
        b.text("load_client_lag_cause", pct >= NAMED_BUSY_PCT
                ? "the /metrics scraper: it was busy fetching and parsing the server's page " + share
                        + ", taking the client's CPU and memory from the requests"
                : OTHER_CAUSES + "; not the /metrics scraper, busy " + share, log.size());
        return b.build();
    }
}
