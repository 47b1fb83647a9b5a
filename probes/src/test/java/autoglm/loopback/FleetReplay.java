package autoglm.loopback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import autoglm.Fixtures;
import autoglm.Needs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;

/**
 * A fleet of serving replicas and GPU exporters recorded in testdata, replayed into Debian's Prometheus:
 * tools/fleet_replay.py writes the recordings as OpenMetrics and prints what it computes from them by the docs'
 * definitions ({@link #expected}, with the window {@code start_s}..{@code end_s}); promtool backfills them; Prometheus
 * serves them, scraping nothing. The one set-up of every fleet test (FleetReplayTest, ResultRoundTripTest,
 * LibraryParityTest, LibraryApiTest). Stopped on close.
 */
public final class FleetReplay implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What tools/fleet_replay.py computes from the recordings (testdata/expected/fleet-replay.json). */
    public final JsonNode expected;
    public final LoopbackPrometheus prometheus;

    private FleetReplay(JsonNode expected, LoopbackPrometheus prometheus) {
        this.expected = expected;
        this.prometheus = prometheus;
    }

    /** The replay, its files under {@code dir}. */
    public static FleetReplay start(Path dir) throws Exception {
        Path promtool = Needs.tool("promtool", "Debian: apt-get install prometheus");
        Path om = dir.resolve("fleet.om");
        Process tool = new ProcessBuilder(Needs.python3(), Fixtures.root().resolve("tools/fleet_replay.py").toString(),
                om.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // the whole output read before it is parsed: Jackson closes the stream after the JSON value, and the script's
        // last newline then met a closed pipe (BrokenPipeError, exit 1) on some runs
        JsonNode expected = JSON.readTree(tool.getInputStream().readAllBytes());
        assertEquals(0, tool.waitFor(), "tools/fleet_replay.py");
        Process fill = new ProcessBuilder(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", om.toString(),
                dir.resolve("data").toString()).redirectErrorStream(true).start();
        String filled = new String(fill.getInputStream().readAllBytes());
        assertEquals(0, fill.waitFor(), filled);
        return new FleetReplay(expected, LoopbackPrometheus.serving(dir, dir.resolve("data")));
    }

    /** Prometheus's HTTP API base, http://127.0.0.1:PORT. */
    public String api() {
        return prometheus.api;
    }

    /** The window's start, unix seconds, as the script printed it. */
    public String startS() {
        return expected.get("start_s").asText();
    }

    /** The window's end, unix seconds, as the script printed it. */
    public String endS() {
        return expected.get("end_s").asText();
    }

    @Override
    public void close() {
        prometheus.close();
    }
}
