package autoglm.diagnose;

import autoglm.model.load.LoadRecording;
import autoglm.model.load.ScrapeAttempt;
import autoglm.model.trace.DataLoss;
import java.util.Map;

/**
 * What a load run measured and did not analyse (docs/load.md#limits): scrapes of the server's /metrics that failed,
 * by reason (a timeout, a page too large, ...), malformed lines on the pages, the samples of series no analysis reads
 * (left out of every scrape, only counted), the values of the pages refused as impossible (docs/analyses.md, "What is
 * refused"), the requests whose usage was refused, and the requests a signal cut short (interrupted: not the
 * server's failures, not measurements).
 */
final class LoadLosses {
    static final String MALFORMED_LINES = "malformed lines";
    static final String SERIES_TWICE = "series given twice on a page (every copy refused)";

    private LoadLosses() {
    }

    static DataLoss of(LoadRecording rec) {
        DataLoss loss = DataLoss.empty();
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(rec.scrapeErrors()).entrySet()) {
            loss = e.getKey().equals(MALFORMED_LINES)
                    ? loss.with(DataLoss.Group.MALFORMED, "malformed lines on the server's /metrics pages", e.getValue())
                    : e.getKey().equals(SERIES_TWICE)
                    ? loss.with(DataLoss.Group.MALFORMED, "samples of series given twice on the server's /metrics pages "
                            + "(every copy refused)", e.getValue())
                    : loss.with(DataLoss.Group.PROBE, "scrapes of the server's /metrics that failed: " + e.getKey(),
                            e.getValue());
        }
        for (Map.Entry<String, Long> e : autoglm.analyse.load.ServerMetricsAnalysis.refused(rec.scrapes()).entrySet()) {
            loss = loss.with(DataLoss.Group.MALFORMED, e.getKey(), e.getValue());
        }
        Map<String, Long> usage = new java.util.TreeMap<>();
        for (autoglm.model.load.LoadRequest r : rec.measured()) {
            if (r.usageRefused() != null) {
                usage.merge(r.usageRefused(), 1L, Long::sum);
            }
        }
        for (Map.Entry<String, Long> e : usage.entrySet()) {
            loss = loss.with(DataLoss.Group.MALFORMED, "requests whose usage was refused (their text chunks counted "
                    + "instead): " + e.getKey(), e.getValue());
        }
        long leftOut = rec.scrapeLog().stream().filter(ScrapeAttempt::ok).mapToLong(ScrapeAttempt::leftOut).sum();
        loss = loss.with(DataLoss.Group.SKIPPED, "samples of the server's /metrics that no analysis reads (left out of "
                + "the scrapes, counted)", leftOut);
        loss = loss.with(DataLoss.Group.EXCLUDED, "requests cut short by a signal (interrupted: not the server's "
                + "failures)", rec.interrupted().size());
        return loss;
    }
}
