package autoglm.cli;

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

    /** The endpoint, started and announced, or null without --prometheus-port; the linger is checked first. */
    PrometheusExport start(Io io, String run) {
        Durations.millis("--prometheus-linger", linger);
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
        if (ms > 0) {
            io.say("serving the findings to Prometheus for " + linger + " more");
            Thread.sleep((long) ms);
        }
    }
}
