package autoglm.cli;

import autoglm.util.BadInputException;
import picocli.CommandLine.Option;

/** What {@code diagnose --prometheus} reads: which Prometheus, which replicas, over which window (docs/fleet.md). */
final class FleetOptions {
    @Option(names = "--prometheus", paramLabel = "URL", description = "diagnose a fleet of serving replicas read back "
            + "from this Prometheus (its HTTP API) instead of files: the endpoint rules on each replica, the fleet rules "
            + "across them (docs/fleet.md)")
    String prometheus;

    @Option(names = "--since", paramLabel = "DURATION", description = "with --prometheus: the window ending now "
            + "(default 1h)")
    String since;

    @Option(names = "--start", paramLabel = "TIME", description = "with --prometheus: the window's start, RFC 3339 "
            + "(2026-11-28T14:00:00Z) or unix seconds")
    String start;

    @Option(names = "--end", paramLabel = "TIME", description = "with --prometheus: the window's end (default now)")
    String end;

    @Option(names = "--selector", paramLabel = "{LABEL=VALUE,...}", defaultValue = "", description = "with "
            + "--prometheus: which replicas, as label matchers (for example {job=\"vllm\"}); default all")
    String selector;

    @Option(names = "--gpu-selector", paramLabel = "{LABEL=VALUE,...}", defaultValue = "", description = "with "
            + "--prometheus: which GPU exporters (DCGM exporter, autoglm), as label matchers (for example "
            + "{job=\"dcgm-exporter\"}); default all")
    String gpuSelector;

    @Option(names = "--step", paramLabel = "DURATION", defaultValue = "15s", description = "with --prometheus: one "
            + "page of each replica every DURATION (default 15s, a usual scrape interval)")
    String step;

    @Option(names = "--prometheus-timeout", paramLabel = "DURATION", defaultValue = "60s", description = "with "
            + "--prometheus: the longest one query's whole answer may take, headers and body (default 60s); past it "
            + "the diagnosis stops with exit 2")
    String timeout;

    /** The deadline of one query's whole answer, in ms. */
    long timeoutMs() {
        double ms = Durations.millis("--prometheus-timeout", timeout);
        if (!(ms >= 1) || ms > 86_400_000) {
            throw new BadInputException("--prometheus-timeout " + timeout + ": expected a duration from 1ms to 24h");
        }
        return (long) ms;
    }

    /** Which Prometheus, which replicas and GPU exporters, over which window: {@code nowMs} being now. */
    autoglm.diagnose.Diagnoser.FleetWhere where(double nowMs) {
        if (since != null && start != null) {
            throw new BadInputException("--since and --start both give the window's start: give one");
        }
        double endMs = end == null ? nowMs : time("--end", end);
        double startMs = start != null ? time("--start", start)
                : endMs - Durations.millis("--since", since == null ? "1h" : since);
        double stepMs = Durations.millis("--step", step);
        if (!(endMs > startMs) || !(stepMs > 0)) {
            throw new BadInputException("--prometheus: the window must end after it starts, and --step be positive");
        }
        return new autoglm.diagnose.Diagnoser.FleetWhere(prometheus, selector, gpuSelector, startMs, endMs, stepMs);
    }

    /** RFC 3339 (2026-11-28T14:00:00Z, or with an offset) or unix seconds, in unix milliseconds. */
    static double time(String option, String text) {
        try {
            return Double.parseDouble(text) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (java.time.format.DateTimeParseException e) {
                throw new BadInputException(option + " " + text + ": expected RFC 3339 (2026-11-28T14:00:00Z) or unix "
                        + "seconds");
            }
        }
    }
}
