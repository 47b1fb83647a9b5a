package autoglm.model.workload;

import java.util.List;
import java.util.Map;

/**
 * The events of one workload run (docs/workload.md#events), typed. Numbers the workload did not report
 * are NaN; {@code end} is null when the workload was killed before it could write one, {@code error} is
 * null unless it failed. {@code malformed} counts lines that were not JSON objects (a line cut by a kill),
 * {@code unknown} events of kinds this version does not know.
 */
public record WorkloadLog(Start start, Fit fit, double loadMs, Warmup warmup, Bandwidth bandwidth, List<Step> steps,
        List<Request> requests, List<Compile> compiles, Memory memory, End end, Error error, long malformed,
        long unknown) {

    /** The start event: the model, where and how it runs, the knobs in effect. */
    public record Start(double t, String model, String source, int layers, long params, double weightBytes,
            double embeddingBytes, double kvBytesPerToken, String device, String deviceName, String dtype,
            String computeCapability, String scenario, Map<String, String> knobs, String torch) {
        public String knob(String name) {
            return knobs.get(name);
        }
    }

    public record Fit(double needBytes, double freeBytes, double weightsBytes, double kvBytes, String basis) {
    }

    public record Warmup(double t, double ms, int batches) {
    }

    public record Bandwidth(double gbps, String method) {
    }

    /**
     * One prefill or decode step of a batch. {@code cachedTokens}: prompt tokens whose keys and values a prefill
     * reused (the prefix cache); {@code kvTokens}: keys a decode step's rows really hold (-1 when the workload did not
     * say: older event streams); {@code imageTokens} and {@code visionMs}: a prefill's image tokens and the vision
     * tower's share of its time.
     */
    public record Step(double t, boolean prefill, int batch, long realTokens, long paddedTokens, double ms,
            double inputWaitMs, long kvLen, int turn, int queue, boolean warmup, long cachedTokens, long kvTokens,
            long imageTokens, double visionMs) {
    }

    /**
     * One request (one turn of a conversation) served. Times count from its arrival: {@code queueMs} is the wait
     * before its batch started (NaN in older event streams, whose times counted from the batch's start).
     */
    public record Request(double t, int id, int turn, long promptTokens, long outputTokens, double ttftMs,
            double tpotMs, double e2eMs, double kvBytes, double queueMs, long cachedTokens, long imageTokens) {
    }

    public record Compile(double t, double ms, String what, String shape, boolean warmup) {
    }

    public record Memory(double peakBytes, double totalBytes, String kind) {
    }

    /** status: ok or interrupted. */
    public record End(double t, String status, double wallMs, String signal) {
    }

    public record Error(double t, String message, String where) {
    }

    public List<Step> measured() {
        return steps.stream().filter(s -> !s.warmup()).toList();
    }
}
