package autoglm.read.load;

import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadSettings;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * load.json of a load run (docs/formats.md#load-runs), the one declaration its writer and its reader use: the
 * settings, how long the load ran, whether it ran to the end and the failed scrapes by reason. A number that does
 * not exist is null. Read strictly (autoglm.util.StrictBinding: an unknown key is refused); a key written only by
 * later versions ({@code timeout_ms}) may be absent and reads as unknown (NaN).
 */
@JsonPropertyOrder({"schema", "settings", "duration_ms", "complete", "scrape_errors"})
public record LoadJson(
        @JsonProperty("schema") Integer schema,
        @JsonProperty("settings") Settings settings,
        @JsonProperty("duration_ms") Double durationMs,
        @JsonProperty("complete") Boolean complete,
        @JsonProperty("scrape_errors") Map<String, Long> scrapeErrors) {
    public static final int SCHEMA = 1;

    /** The settings the load ran with. */
    @JsonPropertyOrder({"url", "model", "api", "workload", "profile", "target_rate", "concurrency", "burstiness",
        "sessions", "steps", "seed", "warmup", "image_width", "image_height", "slo_ms", "timeout_ms", "metrics_url",
        "serve_command", "started_epoch_ms"})
    public record Settings(
            @JsonProperty("url") String url,
            @JsonProperty("model") String model,
            @JsonProperty("api") String api,
            @JsonProperty("workload") String workload,
            @JsonProperty("profile") String profile,
            @JsonProperty("target_rate") Double targetRate,
            @JsonProperty("concurrency") Integer concurrency,
            @JsonProperty("burstiness") Double burstiness,
            @JsonProperty("sessions") Integer sessions,
            @JsonProperty("steps") Integer steps,
            @JsonProperty("seed") Long seed,
            @JsonProperty("warmup") Integer warmup,
            @JsonProperty("image_width") Integer imageWidth,
            @JsonProperty("image_height") Integer imageHeight,
            @JsonProperty("slo_ms") Slo sloMs,
            @JsonProperty("timeout_ms") Double timeoutMs,
            @JsonProperty("metrics_url") String metricsUrl,
            @JsonProperty("serve_command") List<String> serveCommand,
            @JsonProperty("started_epoch_ms") Long startedEpochMs) {
    }

    /** The SLOs in ms; null where none was set. */
    @JsonPropertyOrder({"ttft", "tpot", "e2el"})
    public record Slo(@JsonProperty("ttft") Double ttft, @JsonProperty("tpot") Double tpot,
            @JsonProperty("e2el") Double e2el) {
    }

    public static LoadJson of(LoadRecording r) {
        LoadSettings s = r.settings();
        return new LoadJson(SCHEMA, new Settings(s.url(), s.model(), s.api(), s.workload(), s.profile(),
                orNull(s.targetRate()), s.concurrency(), s.burstiness(), s.sessions(), s.steps(), s.seed(), s.warmup(),
                s.imageWidth(), s.imageHeight(), new Slo(orNull(s.sloTtftMs()), orNull(s.sloTpotMs()),
                        orNull(s.sloE2elMs())), orNull(s.timeoutMs()), s.metricsUrl(), s.serveCommand(),
                s.startedEpochMs()), r.durationMs(), r.complete(), new LinkedHashMap<>(r.scrapeErrors()));
    }

    /** The settings back; a value absent or null reads as the default the writer never writes (empty, 0, NaN). */
    public LoadSettings toSettings() {
        Settings s = settings;
        Slo slo = s.sloMs() == null ? new Slo(null, null, null) : s.sloMs();
        return new LoadSettings(text(s.url(), ""), text(s.model(), ""), text(s.api(), "chat"), text(s.workload(), ""),
                text(s.profile(), ""), num(s.targetRate()), whole(s.concurrency()),
                s.burstiness() == null ? 1 : s.burstiness(), whole(s.sessions()), whole(s.steps()),
                s.seed() == null ? 0 : s.seed(), whole(s.warmup()), whole(s.imageWidth()), whole(s.imageHeight()),
                num(slo.ttft()), num(slo.tpot()), num(slo.e2el()), text(s.metricsUrl(), ""),
                s.serveCommand() == null ? List.of() : s.serveCommand(),
                s.startedEpochMs() == null ? 0 : s.startedEpochMs(), num(s.timeoutMs()));
    }

    public double toDurationMs() {
        return num(durationMs);
    }

    public boolean toComplete() {
        return complete != null && complete;
    }

    public Map<String, Long> toScrapeErrors() {
        return scrapeErrors == null ? Map.of() : scrapeErrors;
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static double num(Double v) {
        return v == null ? Double.NaN : v;
    }

    private static int whole(Integer v) {
        return v == null ? 0 : v;
    }

    private static String text(String v, String absent) {
        return v == null ? absent : v;
    }
}
