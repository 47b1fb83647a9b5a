package autoglm.read.run;

import autoglm.model.run.GpuInfo;
import autoglm.model.run.RunInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes and reads run.json (documented in docs/formats.md). Writes go to a temporary file, then move into place. */
public final class RunInfoJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunInfoJson() {
    }

    /**
     * Replaces run.json atomically (autoglm.util.SafeFiles). When that fails on a full disk, an existing
     * run.json is rewritten in place instead: its old blocks are freed first, so the final state of a run
     * still reaches the disk where a temporary copy no longer fits.
     */
    public static void write(RunInfo r, Path file) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(toJson(r));
        try {
            autoglm.util.SafeFiles.write(file, out -> out.write(bytes));
        } catch (IOException e) {
            if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            Files.write(file, bytes, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
    }

    static ObjectNode toJson(RunInfo r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", r.schema());
        o.put("name", r.name());
        ArrayNode cmd = o.putArray("command");
        r.command().forEach(cmd::add);
        o.put("workingDir", r.workingDir());
        o.put("started", Instant.ofEpochMilli(r.startedMs()).toString());
        o.put("startedUnixMs", r.startedMs());
        if (r.endedMs() > 0) {
            o.put("ended", Instant.ofEpochMilli(r.endedMs()).toString());
            o.put("endedUnixMs", r.endedMs());
        } else {
            o.putNull("ended");
            o.putNull("endedUnixMs");
        }
        o.put("status", r.status());
        o.put("complete", r.complete());
        if (r.exitCode() == null) {
            o.putNull("exitCode");
        } else {
            o.put("exitCode", r.exitCode());
        }
        o.put("note", r.note());
        ObjectNode h = o.putObject("host");
        h.put("hostname", r.host().hostname());
        h.put("os", r.host().os());
        h.put("cpu", r.host().cpu());
        h.put("logicalCores", r.host().logicalCores());
        h.put("memoryBytes", r.host().memoryBytes());
        ObjectNode n = o.putObject("nvml");
        n.put("available", r.nvml().available());
        n.put("reason", r.nvml().reason());
        n.put("driverVersion", r.nvml().driverVersion());
        n.put("nvmlVersion", r.nvml().nvmlVersion());
        n.put("cudaDriverVersion", r.nvml().cudaDriverVersion());
        ArrayNode gpus = o.putArray("gpus");
        for (GpuInfo g : r.gpus()) {
            ObjectNode gn = gpus.addObject();
            gn.put("index", g.index());
            gn.put("name", g.name());
            gn.put("uuid", g.uuid());
            number(gn, "memoryTotalBytes", g.memoryTotalBytes());
            gn.put("computeCapability", g.computeCapability());
            gn.put("pcieGeneration", g.pcieGeneration());
            gn.put("pcieWidth", g.pcieWidth());
            number(gn, "pcieLinkGBs", g.pcieLinkGBs());
            number(gn, "powerLimitW", g.powerLimitW());
            number(gn, "maxSmClockMhz", g.maxSmClockMhz());
            gn.put("gpmSupported", g.gpmSupported());
        }
        ObjectNode s = o.putObject("settings");
        number(s, "intervalMs", r.settings().intervalMs());
        number(s, "gpmIntervalMs", r.settings().gpmIntervalMs());
        number(s, "hostIntervalMs", r.settings().hostIntervalMs());
        s.put("kernels", r.settings().kernels());
        ObjectNode loss = o.putObject("dataLoss");
        r.dataLoss().forEach(loss::put);
        if (r.overhead() == null) {
            o.putNull("overhead");
        } else {
            ObjectNode ov = o.putObject("overhead");
            number(ov, "samplerCpuMs", r.overhead().samplerCpuMs());
            number(ov, "wallMs", r.overhead().wallMs());
            number(ov, "samplerCpuPctOfOneCore", r.overhead().cpuPctOfOneCore());
            ov.put("gpuSamples", r.overhead().gpuSamples());
            ov.put("gpmSamples", r.overhead().gpmSamples());
            ov.put("hostSamples", r.overhead().hostSamples());
        }
        return o;
    }

    public static RunInfo read(Path file) throws IOException {
        JsonNode o = JSON.readTree(file.toFile());
        if (o == null || !o.isObject() || !o.has("schema") || !o.has("command")) {
            throw new IllegalArgumentException("not an autoglm run.json (no schema or command)");
        }
        int schema = o.get("schema").asInt();
        if (schema > RunInfo.SCHEMA) {
            throw new IllegalArgumentException("run.json schema " + schema + " is newer than this autoglm reads ("
                    + RunInfo.SCHEMA + ")");
        }
        List<String> command = new ArrayList<>();
        o.get("command").forEach(c -> command.add(c.asText()));
        JsonNode h = o.path("host");
        RunInfo.Host host = new RunInfo.Host(text(h, "hostname"), text(h, "os"), text(h, "cpu"),
                h.path("logicalCores").asInt(0), h.path("memoryBytes").asLong(0));
        JsonNode n = o.path("nvml");
        RunInfo.Nvml nvml = new RunInfo.Nvml(n.path("available").asBoolean(false), text(n, "reason"),
                text(n, "driverVersion"), text(n, "nvmlVersion"), text(n, "cudaDriverVersion"));
        List<GpuInfo> gpus = new ArrayList<>();
        for (JsonNode g : o.path("gpus")) {
            gpus.add(new GpuInfo(g.path("index").asInt(), text(g, "name"), text(g, "uuid"), num(g, "memoryTotalBytes"),
                    text(g, "computeCapability"), g.path("pcieGeneration").asInt(0), g.path("pcieWidth").asInt(0),
                    num(g, "pcieLinkGBs"), num(g, "powerLimitW"), num(g, "maxSmClockMhz"),
                    g.path("gpmSupported").asBoolean(false)));
        }
        JsonNode s = o.path("settings");
        RunInfo.Settings settings = new RunInfo.Settings(num(s, "intervalMs"), num(s, "gpmIntervalMs"),
                num(s, "hostIntervalMs"), s.path("kernels").asBoolean(false));
        Map<String, Long> loss = new LinkedHashMap<>();
        o.path("dataLoss").fields().forEachRemaining(e -> loss.put(e.getKey(), e.getValue().asLong()));
        JsonNode ov = o.path("overhead");
        RunInfo.Overhead overhead = ov.isObject() ? new RunInfo.Overhead(num(ov, "samplerCpuMs"), num(ov, "wallMs"),
                ov.path("gpuSamples").asLong(), ov.path("gpmSamples").asLong(), ov.path("hostSamples").asLong()) : null;
        JsonNode exit = o.get("exitCode");
        return new RunInfo(schema, text(o, "name"), command, text(o, "workingDir"), o.path("startedUnixMs").asLong(0),
                o.path("endedUnixMs").asLong(0), text(o, "status"), o.path("complete").asBoolean(false),
                exit == null || exit.isNull() ? null : exit.asInt(), text(o, "note"), host, nvml, gpus, settings, loss,
                overhead);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static double num(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }
}
