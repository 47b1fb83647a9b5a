package autoglm.read.load;

import autoglm.model.load.ScrapeAttempt;
import autoglm.util.CsvCells.LongCell;
import autoglm.util.CsvCells.MillisCell;
import autoglm.util.SafeText;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One row of scrapes.csv (docs/formats.md#load-runs): a scrape of the server's /metrics, failed ones included: when it
 * began and what it cost the client (ms, 3 decimals), its outcome (one line), the series kept and left out.
 */
@JsonPropertyOrder({"t_ms", "duration_ms", "outcome", "series_kept", "series_left_out"})
public record ScrapeRow(
        @JsonProperty("t_ms") @MillisCell double tMs,
        @JsonProperty("duration_ms") @MillisCell double durationMs,
        @JsonProperty("outcome") String outcome,
        @JsonProperty("series_kept") @LongCell long kept,
        @JsonProperty("series_left_out") @LongCell long leftOut) {

    public static ScrapeRow of(ScrapeAttempt a) {
        return new ScrapeRow(a.tMs(), a.durationMs(), SafeText.oneLine(a.outcome()), a.kept(), a.leftOut());
    }

    /** The scrape back; a time that is not finite or a cost that is not a finite non-negative number is refused. */
    public ScrapeAttempt attempt() {
        if (!Double.isFinite(tMs) || !(durationMs >= 0) || Double.isInfinite(durationMs)) {
            throw new IllegalArgumentException("not a time");
        }
        return new ScrapeAttempt(tMs, durationMs, outcome, kept, leftOut);
    }
}
