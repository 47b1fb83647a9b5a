package autoglm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The real H100 traces the tests run on (copied from ../shared/fixtures into testdata/ and examples/),
 * and helpers that derive variants of them (other timestamp styles, no GPU events, ...).
 */
public final class Fixtures {
    public static final String DATALOADER = "A-dataloader-stall.trace.json.gz";
    public static final String DECODE_KV = "A-decode-eager-kvcache.trace.json.gz";
    public static final String DECODE_NO_KV = "A-decode-no-kvcache.trace.json.gz";
    public static final String PAGEABLE = "A-pageable-memcpy-sync.trace.json.gz";
    public static final String PREFILL_BF16 = "A-prefill-bf16-bs16.trace.json.gz";
    public static final String PREFILL_FP32 = "A-prefill-fp32-no-tf32.trace.json.gz";
    public static final String PREFILL_PADDED = "A-prefill-padded-to-2048.trace.json.gz";
    /** The 50 MB (uncompressed) example: full 40-layer generate, no ProfilerStep annotations. */
    public static final String DECODE8 = "glm4-9b-h100-eager-bs1-decode8.trace.json.gz";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An event stream the workload wrote (glm-tiny on CPU): testdata/workload/glm-tiny-NAME.jsonl. */
    public static Path workloadEvents(String name) {
        return root().resolve("testdata/workload/glm-tiny-" + name + ".jsonl");
    }

    private Fixtures() {
    }

    /** The repository root (system property autoglm.root, else found upwards from the working directory). */
    public static Path root() {
        String prop = System.getProperty("autoglm.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "testdata"))) {
            return Path.of(prop);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository's testdata/ folder");
        }
        return p;
    }

    public static Path trace(String name) {
        Path t = root().resolve("testdata/traces").resolve(name);
        if (Files.exists(t)) {
            return t;
        }
        return root().resolve("examples").resolve(name);
    }

    public static ObjectNode read(Path trace) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(trace))) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    public static ObjectNode read(String name) throws IOException {
        return read(trace(name));
    }

    /** Writes a trace (gzipped when the name ends in .gz). */
    public static Path write(JsonNode trace, Path file) throws IOException {
        try (OutputStream out = file.toString().endsWith(".gz")
                ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            JSON.writeValue(out, trace);
        }
        return file;
    }

    /** A copy of the trace without the events matching {@code drop}. */
    public static ObjectNode without(ObjectNode trace, Predicate<JsonNode> drop) {
        ObjectNode copy = trace.deepCopy();
        ArrayNode kept = JSON.createArrayNode();
        for (JsonNode e : trace.get("traceEvents")) {
            if (!drop.test(e)) {
                kept.add(e);
            }
        }
        copy.set("traceEvents", kept);
        return copy;
    }

    public static boolean isGpuActivity(JsonNode e) {
        String cat = e.path("cat").asText();
        return cat.equals("kernel") || cat.equals("gpu_memcpy") || cat.equals("gpu_memset");
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
