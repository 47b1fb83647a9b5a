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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import autoglm.util.StrictBinding;
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
        if (o.get("schema").isInt() && o.get("schema").asInt() > RunInfo.SCHEMA) {
            throw new IllegalArgumentException("run.json schema " + o.get("schema").asInt()
                    + " is newer than this autoglm reads (" + RunInfo.SCHEMA + ")");
        }
        RunJsonSpec r;
        try {
            r = StrictBinding.bind(o, RunJsonSpec.class);
        } catch (StrictBinding.Problem p) {
            throw new IllegalArgumentException(p.located());
        }
        if (r.command() == null || r.schema() == null) {
            throw new IllegalArgumentException("not an autoglm run.json (no schema or command)");
        }
        RunJsonSpec.Host h = r.host() != null ? r.host() : new RunJsonSpec.Host(null, null, null, null, null);
        RunInfo.Host host = new RunInfo.Host(h.hostname(), h.os(), h.cpu(), or(h.logicalCores(), 0),
                or(h.memoryBytes(), 0L));
        RunJsonSpec.Nvml n = r.nvml() != null ? r.nvml() : new RunJsonSpec.Nvml(null, null, null, null, null);
        RunInfo.Nvml nvml = new RunInfo.Nvml(or(n.available(), false), n.reason(), n.driverVersion(), n.nvmlVersion(),
                n.cudaDriverVersion());
        List<GpuInfo> gpus = new ArrayList<>();
        for (RunJsonSpec.Gpu g : r.gpus() == null ? List.<RunJsonSpec.Gpu>of() : r.gpus()) {
            gpus.add(new GpuInfo(or(g.index(), 0), g.name(), g.uuid(), nan(g.memoryTotalBytes()), g.computeCapability(),
                    or(g.pcieGeneration(), 0), or(g.pcieWidth(), 0), nan(g.pcieLinkGBs()), nan(g.powerLimitW()),
                    nan(g.maxSmClockMhz()), or(g.gpmSupported(), false)));
        }
        RunJsonSpec.Settings s = r.settings() != null ? r.settings() : new RunJsonSpec.Settings(null, null, null, null);
        RunInfo.Settings settings = new RunInfo.Settings(nan(s.intervalMs()), nan(s.gpmIntervalMs()),
                nan(s.hostIntervalMs()), or(s.kernels(), false));
        Map<String, Long> loss = new LinkedHashMap<>();
        if (r.dataLoss() != null) {
            r.dataLoss().forEach((k, v) -> loss.put(k, or(v, 0L)));
        }
        RunJsonSpec.Overhead ov = r.overhead();
        RunInfo.Overhead overhead = ov == null ? null : new RunInfo.Overhead(nan(ov.samplerCpuMs()), nan(ov.wallMs()),
                or(ov.gpuSamples(), 0L), or(ov.gpmSamples(), 0L), or(ov.hostSamples(), 0L));
        return new RunInfo(r.schema(), r.name(), List.copyOf(r.command()), r.workingDir(), or(r.startedUnixMs(), 0L),
                or(r.endedUnixMs(), 0L), r.status(), or(r.complete(), false), r.exitCode(), r.note(), host, nvml, gpus,
                settings, loss, overhead);
    }

    private static <T> T or(T v, T otherwise) {
        return v == null ? otherwise : v;
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }
}
