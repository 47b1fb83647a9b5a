package autoglm.cli;

import autoglm.analyse.Quantities;
import autoglm.diagnose.Diagnosis;
import autoglm.record.export.PrometheusExport;
import picocli.CommandLine.Option;

/** autoglm as a Prometheus target (profile, load): where to serve, and how long to go on after the report. */
final class PrometheusOptions {
    @Option(names = "--prometheus-port", paramLabel = "[HOST:]PORT", description = "serve what is measured as it is "
            + "measured (samples, requests), and the findings once diagnosed, to Prometheus at http://HOST:PORT/metrics "
            + "(HOST 127.0.0.1 unless given; 0.0.0.0 for every interface); off by default (docs/fleet.md)")
    String port;

    @Option(names = "--prometheus-linger", paramLabel = "DURATION", defaultValue = "0s", description = "with "
            + "--prometheus-port: keep serving this long after the diagnosis, so that Prometheus scrapes the findings "
            + "(at least one scrape interval; default 0s)")
    String linger;

    @Option(names = "--prometheus-final-scrapes", paramLabel = "N", defaultValue = "0", description = "with "
            + "--prometheus-port: after the diagnosis, keep serving until N more scrapes have been answered, so that "
            + "Prometheus holds the final values (it stores each scrape before the next: of N, N - 1 are stored for "
            + "certain); --prometheus-linger then bounds the wait (60s when not given; default 0: no wait)")
    int finalScrapes;

    /** How long a wait for the final scrapes may take when --prometheus-linger is not given. */
    static final long FINAL_SCRAPES_BOUND_MS = 60_000;

    /** The linger and the final scrapes as given: one line and exit 2 before anything starts when they are bad. */
    void check() {
        Durations.millis("--prometheus-linger", linger);
        if (finalScrapes < 0) {
            throw new autoglm.util.BadInputException("--prometheus-final-scrapes " + finalScrapes
                    + ": expected a number of scrapes, 0 or more");
        }
    }

    /** The endpoint, started and announced, or null without --prometheus-port; the linger is checked first. */
    PrometheusExport start(Io io, String run) {
        check();
        if (port == null) {
            return null;
        }
        PrometheusExport export = PrometheusExport.start(port, run);
        io.say("serving Prometheus at " + export.url());
        return export;
    }

    /** Serves the findings and lingers as asked; nothing without an endpoint. */
    void finish(Io io, PrometheusExport export, Diagnosis diagnosis) throws InterruptedException {
        if (export == null) {
            return;
        }
        export.findings(diagnosis.findings());
        double ms = Durations.millis("--prometheus-linger", linger);
        if (finalScrapes > 0) {
            long bound = ms > 0 ? (long) ms : FINAL_SCRAPES_BOUND_MS;
            io.say("serving the findings to Prometheus until " + finalScrapes + " more "
                    + (finalScrapes == 1 ? "scrape is" : "scrapes are") + " answered (at most " + Quantities.format(bound / 1000.0,
                            autoglm.analyse.Unit.SECONDS) + ")");
            long got = export.awaitScrapes(finalScrapes, bound);
            if (got < finalScrapes) {
                io.say("only " + got + " of the " + finalScrapes + " final scrapes came within "
                        + Quantities.format(bound / 1000.0, autoglm.analyse.Unit.SECONDS) + ": Prometheus may not hold "
                        + "the final values (is it scraping " + export.url() + "?)");
            }
        } else if (ms > 0) {
            io.say("serving the findings to Prometheus for " + linger + " more");
            Thread.sleep((long) ms);
        }
    }
}
