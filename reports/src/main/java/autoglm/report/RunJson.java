package autoglm.report;

import autoglm.analyse.RunAnalysis;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.RunInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;

/** The "run" object of the JSON report: run.json's facts and the analysis window (docs/formats.md). */
final class RunJson {
    private RunJson() {
    }

    static void write(JsonGenerator g, RunAnalysis run) throws IOException {
        RunInfo info = run.recording().info();
        g.writeStartObject();
        g.writeStringField("path", run.recording().path());
        g.writeStringField("name", info.name());
        g.writeArrayFieldStart("command");
        for (String c : info.command()) {
            g.writeString(c);
        }
        g.writeEndArray();
        g.writeStringField("status", info.status());
        g.writeBooleanField("complete", info.complete());
        if (info.exitCode() == null) {
            g.writeNullField("exitCode");
        } else {
            g.writeNumberField("exitCode", info.exitCode());
        }
        g.writeStringField("note", info.note());
        g.writeStringField("started", Instant.ofEpochMilli(info.startedMs()).toString());
        g.writeStringField("ended", info.endedMs() > 0 ? Instant.ofEpochMilli(info.endedMs()).toString() : null);
        g.writeObjectFieldStart("host");
        g.writeStringField("hostname", info.host().hostname());
        g.writeStringField("os", info.host().os());
        g.writeStringField("cpu", info.host().cpu());
        g.writeNumberField("logicalCores", info.host().logicalCores());
        g.writeNumberField("memoryBytes", info.host().memoryBytes());
        g.writeEndObject();
        g.writeObjectFieldStart("nvml");
        g.writeBooleanField("available", info.nvml().available());
        g.writeStringField("reason", info.nvml().reason());
        g.writeStringField("driverVersion", info.nvml().driverVersion());
        g.writeStringField("cudaDriverVersion", info.nvml().cudaDriverVersion());
        g.writeEndObject();
        g.writeArrayFieldStart("gpus");
        for (GpuInfo gi : info.gpus()) {
            g.writeStartObject();
            g.writeNumberField("index", gi.index());
            g.writeStringField("name", gi.name());
            g.writeStringField("uuid", gi.uuid());
            JsonReport.number(g, "memoryTotalBytes", gi.memoryTotalBytes());
            g.writeStringField("computeCapability", gi.computeCapability());
            g.writeBooleanField("gpmSupported", gi.gpmSupported());
            g.writeBooleanField("used", run.gpusUsed().contains(gi.index()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("settings");
        JsonReport.number(g, "intervalMs", info.settings().intervalMs());
        JsonReport.number(g, "gpmIntervalMs", info.settings().gpmIntervalMs());
        JsonReport.number(g, "hostIntervalMs", info.settings().hostIntervalMs());
        g.writeEndObject();
        g.writeObjectFieldStart("samples");
        g.writeNumberField("gpu", run.recording().gpu().size());
        g.writeNumberField("gpm", run.recording().gpm().size());
        g.writeNumberField("host", run.recording().host().size());
        g.writeEndObject();
        g.writeObjectFieldStart("window");
        JsonReport.number(g, "startUnixMs", run.windowStartMs());
        JsonReport.number(g, "endUnixMs", run.windowEndMs());
        g.writeEndObject();
        if (info.overhead() == null) {
            g.writeNullField("samplerCpuPctOfOneCore");
        } else {
            JsonReport.number(g, "samplerCpuPctOfOneCore", info.overhead().cpuPctOfOneCore());
        }
        g.writeEndObject();
    }
}
