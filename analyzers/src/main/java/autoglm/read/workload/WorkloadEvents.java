package autoglm.read.workload;

import autoglm.util.BadInputException;
import autoglm.model.workload.WorkloadLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the workload's event stream (events.jsonl, one JSON object per line; docs/workload.md#events)
 * line by line into a {@link WorkloadLog}. A line that is not a JSON object (the last one, cut by a kill)
 * is counted, not fatal; a stream from a newer schema, or with no start event, is bad input.
 */
public final class WorkloadEvents {
    /** The file name in a run folder. */
    public static final String FILE = "events.jsonl";
    public static final int SCHEMA = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkloadEvents() {
    }

    public static boolean present(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE));
    }

    public static WorkloadLog read(Path file) {
        WorkloadLog.Start start = null;
        WorkloadLog.Fit fit = null;
        double load = Double.NaN;
        WorkloadLog.Warmup warmup = null;
        WorkloadLog.Bandwidth bandwidth = null;
        List<WorkloadLog.Step> steps = new ArrayList<>();
        List<WorkloadLog.Request> requests = new ArrayList<>();
        List<WorkloadLog.Compile> compiles = new ArrayList<>();
        WorkloadLog.Memory memory = null;
        WorkloadLog.End end = null;
        WorkloadLog.Error error = null;
        long malformed = 0;
        long unknown = 0;
        autoglm.util.InputFiles.requireRegular(file.toString(), file);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode e;
                try {
                    e = JSON.readTree(line);
                } catch (IOException ex) {
                    malformed++;
                    continue;
                }
                if (e == null || !e.isObject() || !e.path("event").isTextual()) {
                    malformed++;
                    continue;
                }
                double t = num(e, "t");
                switch (e.get("event").asText()) {
                    case "start" -> {
                        int schema = e.path("schema").asInt(-1);
                        if (schema != SCHEMA) {
                            throw new BadInputException(file + ": workload events of schema " + schema
                                    + "; this autoglm reads schema " + SCHEMA);
                        }
                        start = start(e, t);
                    }
                    case "fit" -> fit = new WorkloadLog.Fit(num(e, "need_bytes"), num(e, "free_bytes"),
                            num(e, "weights_bytes"), num(e, "kv_bytes"), e.path("basis").asText(""));
                    case "load" -> load = num(e, "ms");
                    case "warmup" -> warmup = new WorkloadLog.Warmup(t, num(e, "ms"), e.path("batches").asInt());
                    case "bandwidth" -> bandwidth = new WorkloadLog.Bandwidth(num(e, "gbps"), e.path("method").asText(""));
                    case "step" -> steps.add(new WorkloadLog.Step(t, "prefill".equals(e.path("phase").asText()),
                            e.path("batch").asInt(), e.path("real_tokens").asLong(), e.path("padded_tokens").asLong(),
                            num(e, "ms"), num(e, "input_wait_ms"), e.path("kv_len").asLong(), e.path("turn").asInt(),
                            e.path("queue").asInt(), e.path("warmup").asBoolean(), e.path("cached").asLong(),
                            e.path("kv_tokens").asLong(-1), e.path("image_tokens").asLong(), num(e, "vision_ms")));
                    case "request" -> requests.add(new WorkloadLog.Request(t, e.path("id").asInt(), e.path("turn").asInt(),
                            e.path("prompt_tokens").asLong(), e.path("output_tokens").asLong(), num(e, "ttft_ms"),
                            num(e, "tpot_ms"), num(e, "e2e_ms"), num(e, "kv_bytes"), num(e, "queue_ms"),
                            e.path("cached_tokens").asLong(), e.path("image_tokens").asLong()));
                    case "compile" -> compiles.add(new WorkloadLog.Compile(t, num(e, "ms"), e.path("what").asText(""),
                            e.path("shape").asText(""), e.path("warmup").asBoolean()));
                    case "memory" -> memory = new WorkloadLog.Memory(num(e, "peak_bytes"), num(e, "total_bytes"),
                            e.path("kind").asText(""));
                    case "end" -> end = new WorkloadLog.End(t, e.path("status").asText(""), num(e, "wall_ms"),
                            e.path("signal").asText(null));
                    case "error" -> error = new WorkloadLog.Error(t, e.path("message").asText(""), e.path("where").asText(""));
                    default -> unknown++;
                }
            }
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (start == null && error != null) {
            throw new BadInputException("the workload stopped before it started: " + error.message());
        }
        if (start == null) {
            throw new BadInputException(file + ": no start event: not an autoglm workload event stream"
                    + (malformed > 0 ? " (" + malformed + " lines are not JSON)" : ""));
        }
        return new WorkloadLog(start, fit, load, warmup, bandwidth, List.copyOf(steps), List.copyOf(requests),
                List.copyOf(compiles), memory, end, error, malformed, unknown);
    }

    private static WorkloadLog.Start start(JsonNode e, double t) {
        JsonNode m = e.path("model");
        Map<String, String> knobs = new LinkedHashMap<>();
        e.path("knobs").fields().forEachRemaining(k -> knobs.put(k.getKey(), k.getValue().asText()));
        return new WorkloadLog.Start(t, m.path("name").asText("?"), m.path("source").asText(""), m.path("layers").asInt(),
                m.path("params").asLong(), num(m, "weight_bytes"), num(m, "embedding_bytes"), num(m, "kv_bytes_per_token"),
                e.path("device").asText(""), e.path("device_name").asText(""), e.path("dtype").asText(""),
                e.path("compute_capability").isTextual() ? e.get("compute_capability").asText() : null,
                e.path("scenario").isTextual() ? e.get("scenario").asText() : null, Map.copyOf(knobs),
                e.path("env").path("torch").asText(""));
    }

    private static double num(JsonNode e, String field) {
        JsonNode v = e.get(field);
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }
}
