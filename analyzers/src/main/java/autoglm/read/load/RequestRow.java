package autoglm.read.load;

import autoglm.model.load.LoadRequest;
import autoglm.util.CsvCells.CountCell;
import autoglm.util.CsvCells.DecimalCell;
import autoglm.util.CsvCells.FlagCell;
import autoglm.util.CsvCells.IntCell;
import autoglm.util.CsvCells.TextCell;
import autoglm.util.SafeText;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One row of a load run's requests.csv and baseline.csv (docs/formats.md#load-runs): a {@link LoadRequest} as the
 * client measured it, warm-up requests included and marked. Times in ms on the client's monotonic clock since the
 * load's start; counts empty when unknown; server text one line and never a spreadsheet formula.
 */
@JsonPropertyOrder({"index", "session", "step", "warmup", "scheduled_ms", "sent_ms", "first_token_ms", "first_text_ms",
    "thinking_end_ms", "end_ms", "prompt_tokens", "completion_tokens", "tokens_estimated", "cached_tokens",
    "image_tokens_est", "repeated_prefix_tokens_est", "prompt_tokens_est", "status", "http_status", "error", "ttft_ms",
    "tpot_ms", "e2el_ms", "client_wait_ms", "chunk_ms", "text_chunks", "usage_refused"})
public record RequestRow(
        @JsonProperty("index") @IntCell int index,
        @JsonProperty("session") @IntCell int session,
        @JsonProperty("step") @IntCell int step,
        @JsonProperty("warmup") @FlagCell boolean warmup,
        @JsonProperty("scheduled_ms") @DecimalCell double scheduledMs,
        @JsonProperty("sent_ms") @DecimalCell double sentMs,
        @JsonProperty("first_token_ms") @DecimalCell double firstMs,
        @JsonProperty("first_text_ms") @DecimalCell double firstTextMs,
        @JsonProperty("thinking_end_ms") @DecimalCell double thinkingEndMs,
        @JsonProperty("end_ms") @DecimalCell double endMs,
        @JsonProperty("prompt_tokens") @CountCell long promptTokens,
        @JsonProperty("completion_tokens") @CountCell long completionTokens,
        @JsonProperty("tokens_estimated") @FlagCell boolean estimatedTokens,
        @JsonProperty("cached_tokens") @CountCell long cachedTokens,
        @JsonProperty("image_tokens_est") @CountCell long imageTokens,
        @JsonProperty("repeated_prefix_tokens_est") @CountCell long repeatedPrefixTokens,
        @JsonProperty("prompt_tokens_est") @CountCell long promptTokensEst,
        @JsonProperty("status") String status,
        @JsonProperty("http_status") @IntCell int httpStatus,
        @JsonProperty("error") @TextCell String error,
        @JsonProperty("ttft_ms") @DecimalCell double ttftMs,
        @JsonProperty("tpot_ms") @DecimalCell double tpotMs,
        @JsonProperty("e2el_ms") @DecimalCell double e2elMs,
        @JsonProperty("client_wait_ms") @DecimalCell double clientWaitMs,
        @JsonProperty("chunk_ms") String chunkMs,
        @JsonProperty("text_chunks") @IntCell int textChunks,
        @JsonProperty("usage_refused") @TextCell String usageRefused) {

    /** The columns every requests.csv has: a run folder lacking one is refused. */
    public static final List<String> REQUIRED = List.of("index", "session", "step", "warmup", "scheduled_ms",
            "sent_ms", "first_token_ms", "thinking_end_ms", "end_ms", "prompt_tokens", "completion_tokens",
            "tokens_estimated", "cached_tokens", "image_tokens_est", "repeated_prefix_tokens_est", "prompt_tokens_est",
            "status", "http_status", "error", "ttft_ms", "tpot_ms", "e2el_ms", "client_wait_ms", "chunk_ms");
    /**
     * Written since TTFT is vLLM's bench serve's (the first chunk with choices): the first chunk that carried text and
     * how many did. A requests.csv without them is older: its chunk_ms holds only the chunks that carried text, so
     * first_text_ms reads as first_token_ms and text_chunks as chunk_ms's count (docs/formats.md).
     */
    public static final List<String> TEXT_COLUMNS = List.of("first_text_ms", "text_chunks");

    public static RequestRow of(LoadRequest r) {
        return new RequestRow(r.index(), r.session(), r.step(), r.warmup(), r.scheduledMs(), r.sentMs(), r.firstMs(),
                r.firstTextMs(), r.thinkingEndMs(), r.endMs(), r.promptTokens(), r.completionTokens(),
                r.estimatedTokens(), r.cachedTokens(), r.imageTokens(), r.repeatedPrefixTokens(), r.promptTokensEst(),
                cell(r.status()), r.httpStatus(), r.error() == null ? null : cell(r.error()), r.ttftMs(), r.tpotMs(),
                r.e2elMs(), r.clientWaitMs(), Arrays.stream(r.chunkMs()).mapToObj(c -> String.format(Locale.ROOT,
                        "%.3f", c)).collect(Collectors.joining(" ")), r.textChunks(),
                r.usageRefused() == null ? null : cell(r.usageRefused()));
    }

    /**
     * The request back. {@code older}: the file lacks {@link #TEXT_COLUMNS} (its chunks all carried text). The usage
     * is checked again as it is read, as when it was measured.
     */
    public LoadRequest request(boolean older) {
        double[] chunks = chunkMs == null || chunkMs.isBlank() ? new double[0]
                : Arrays.stream(chunkMs.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
        return new LoadRequest(index, session, step, warmup, scheduledMs, sentMs, firstMs,
                older ? firstMs : firstTextMs, thinkingEndMs, endMs, promptTokens, completionTokens, estimatedTokens,
                cachedTokens, imageTokens, repeatedPrefixTokens, promptTokensEst, status == null ? "" : status,
                httpStatus, error, chunks, older ? chunks.length : textChunks).withUsageRefused(usageRefused);
    }

    /** Server text in a cell: one line, and never read as a formula by a spreadsheet. */
    static String cell(String s) {
        String one = SafeText.oneLine(s);
        return !one.isEmpty() && "=+-@".indexOf(one.charAt(0)) >= 0 ? "'" + one : one;
    }
}
