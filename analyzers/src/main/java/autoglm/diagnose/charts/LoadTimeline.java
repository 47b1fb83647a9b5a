package autoglm.diagnose.charts;

import java.util.List;

/**
 * The timeline of a load run (docs/load.md#timeline), all on one axis, seconds since the load started: each request
 * as a bar from its send through its first token to its end, on the first lane free at its send (so overlapping
 * requests each get a lane); below it the server's running batch and queue from its /metrics; below that the GPU:
 * NVML utilization and, with {@code --kernels}, the share of time any recorded kernel, copy or memset ran.
 */
public record LoadTimeline(List<Span> requests, int lanes, List<Series> server, List<Series> gpu, String source,
        long n) {
    /** One request: its lane and its send, first token (NaN when none came) and end, seconds since the load started. */
    public record Span(int lane, double sentS, double firstS, double endS, boolean ok, boolean warmup) {
    }

    public static final String ID = "load-timeline";

    /** What the chart shows, the GPU named only when there are GPU lines. */
    public String title() {
        List<String> parts = new java.util.ArrayList<>(List.of("Requests"));
        if (!server.isEmpty()) {
            parts.add("the server's batch");
        }
        if (!gpu.isEmpty()) {
            parts.add("the GPU");
        }
        String last = parts.remove(parts.size() - 1);
        return (parts.isEmpty() ? last : String.join(", ", parts) + " and " + last) + " on one time axis";
    }
    public static final String X_LABEL = "time since the load started, s";
}
