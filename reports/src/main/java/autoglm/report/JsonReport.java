package autoglm.report;

import autoglm.analyse.Breakdown;
import autoglm.analyse.Metric;
import autoglm.analyse.Metrics;
import autoglm.analyse.Spread;
import autoglm.analyse.TraceAnalysis;
import autoglm.analyse.Window;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.InputDiagnosis;
import autoglm.rules.Finding;
import autoglm.rules.Gain;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.TraceSource;
import autoglm.model.trace.DeviceProperties;
import autoglm.model.trace.TraceHeader;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable diagnosis, schema version 1, documented in docs/formats.md. Numbers that could
 * not be computed are null and carry a reason. Field order is stable.
 */
public final class JsonReport implements Report {
    public static final int SCHEMA = 1;
    private static final JsonFactory JSON = JsonFactory.builder().disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    @Override
    public void write(Diagnosis d, Writer out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("tool", d.tool());
            g.writeStringField("version", d.version());
            g.writeNumberField("schema", SCHEMA);
            // the --set overrides in force: name -> value as given
            g.writeObjectFieldStart("overrides");
            for (Map.Entry<String, String> e : d.overrides().entrySet()) {
                g.writeNumberField(e.getKey(), Double.parseDouble(e.getValue()));
            }
            g.writeEndObject();
            g.writeArrayFieldStart("inputs");
            for (InputDiagnosis in : d.inputs()) {
                input(g, in, d.inputs().size() > 1);
            }
            g.writeEndArray();
            g.writeFieldName("run");
            if (d.run() == null) {
                g.writeNull();
            } else {
                RunJson.write(g, d.run());
            }
            g.writeFieldName("metrics");
            metrics(g, d.metrics());
            g.writeStringField("findingsOrder", autoglm.rules.Ranking.DESCRIPTION);
            g.writeFieldName("findings");
            findings(g, d.findings());
            g.writeFieldName("gainOverlaps");
            overlaps(g, d.findings());
            if (d.inputs().size() == 1) {
                g.writeFieldName("breakdown");
                breakdown(g, d.inputs().get(0).analysis().breakdown());
            }
            if (d.ranks() != null) {
                g.writeFieldName("ranks");
                RanksJson.write(g, d.ranks());
            }
            if (d.fleet() != null) {
                g.writeFieldName("fleet");
                fleet(g, d.fleet());
            }
            if (d.served() != null) {
                g.writeFieldName("served");
                served(g, d.served());
            }
            g.writeFieldName("dataLoss");
            dataLoss(g, d.dataLoss());
            g.writeArrayFieldStart("verify");
            for (autoglm.diagnose.Verification v : d.verifications()) {
                verification(g, v);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    private void input(JsonGenerator g, InputDiagnosis in, boolean several) throws IOException {
        TraceAnalysis a = in.analysis();
        TraceSource src = a.model().source();
        TraceHeader h = a.model().header();
        g.writeStartObject();
        g.writeStringField("path", src.path());
        g.writeStringField("format", src.gzip() ? "gzip" : TraceSource.KINETO.equals(src.format()) ? "json" : "cupti");
        g.writeNumberField("fileBytes", src.fileBytes());
        g.writeNumberField("jsonBytes", src.jsonBytes());
        g.writeNumberField("events", src.events());
        if (h.rank() == null) {
            g.writeNullField("rank");
        } else {
            g.writeNumberField("rank", h.rank());
        }
        g.writeStringField("timeBase", h.baseTimeNanoseconds() == null ? "absolute" : "baseTimeNanoseconds");
        g.writeStringField("displayTimeUnit", h.displayTimeUnit());
        g.writeArrayFieldStart("devices");
        for (DeviceProperties dp : h.devices()) {
            g.writeStartObject();
            g.writeNumberField("id", dp.id());
            g.writeStringField("name", dp.name());
            g.writeStringField("computeCapability", dp.computeCapability());
            g.writeNumberField("sms", dp.numSms());
            g.writeNumberField("memoryBytes", dp.totalGlobalMem());
            g.writeEndObject();
        }
        g.writeEndArray();
        Window w = a.window();
        g.writeObjectFieldStart("iterations");
        g.writeStringField("basis", w.basis().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        g.writeNumberField("count", w.iterations());
        g.writeStringField("dropped", w.droppedStep());
        g.writeNumberField("device", w.device());
        if (w.anchor() != null) {
            g.writeStringField("anchor", w.anchor());
        }
        g.writeEndObject();
        if (several) {
            g.writeFieldName("metrics");
            metrics(g, a.metrics());
            g.writeFieldName("findings");
            findings(g, in.findings());
            g.writeFieldName("dataLoss");
            dataLoss(g, a.dataLoss());
        }
        g.writeEndObject();
    }

    /** A load run's server steps by batch (docs/formats.md): where they come from, and per batch the medians. */
    private static void served(JsonGenerator g, autoglm.analyse.ServedSteps.Result r) throws IOException {
        g.writeStartObject();
        if (r.present()) {
            g.writeStringField("basis", r.basis());
            g.writeNumberField("steps", r.steps().size());
            g.writeNumberField("unmatched", r.unmatched());
            g.writeArrayFieldStart("byBatch");
            for (autoglm.analyse.ServedSteps.ByBatch b : r.byBatch()) {
                g.writeStartObject();
                g.writeNumberField("batch", b.batch());
                g.writeNumberField("steps", b.steps());
                finite(g, "stepMs", b.stepMs());
                finite(g, "kernels", b.kernels());
                finite(g, "busyPct", b.busyPct());
                finite(g, "notOnGpuMs", b.overheadMs());
                finite(g, "inFlight", b.inFlight());
                g.writeEndObject();
            }
            g.writeEndArray();
        } else {
            g.writeStringField("reason", r.reason());
        }
        g.writeEndObject();
    }

    private static void finite(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, v);
        }
    }

    /** The replicas of a fleet diagnosis (docs/formats.md): where and when they were read, each one's metrics and findings. */
    private void fleet(JsonGenerator g, autoglm.diagnose.FleetTable t) throws IOException {
        g.writeStartObject();
        g.writeStringField("prometheus", t.prometheus());
        g.writeStringField("selector", t.selector());
        g.writeStringField("gpuSelector", t.gpuSelector());
        g.writeStringField("start", java.time.Instant.ofEpochMilli((long) t.startMs()).toString());
        g.writeStringField("end", java.time.Instant.ofEpochMilli((long) t.endMs()).toString());
        number(g, "stepS", t.stepMs() / 1000);
        g.writeArrayFieldStart("instances");
        for (autoglm.diagnose.FleetTable.Row r : t.rows()) {
            g.writeStartObject();
            g.writeStringField("instance", r.instance());
            g.writeStringField("job", r.job());
            g.writeStringField("model", r.model());
            number(g, "requests", r.requests());
            g.writeFieldName("metrics");
            metrics(g, r.metrics());
            g.writeFieldName("findings");
            findings(g, r.findings());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("gpuInstances");
        for (autoglm.diagnose.FleetTable.Node n : t.nodes()) {
            g.writeStartObject();
            g.writeStringField("instance", n.instance());
            g.writeStringField("job", n.job());
            g.writeStringField("hostname", n.hostname());
            g.writeStringField("source", n.source());
            g.writeNumberField("gpus", n.gpus());
            g.writeFieldName("metrics");
            metrics(g, n.metrics());
            g.writeFieldName("findings");
            findings(g, n.findings());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void metrics(JsonGenerator g, Metrics metrics) throws IOException {
        g.writeStartObject();
        for (Metric m : metrics.all().values()) {
            g.writeFieldName(m.name());
            metric(g, m);
        }
        g.writeEndObject();
    }

    /** One verified fix: its knobs, status, the re-run's folder, and each compared metric before and after. */
    private void verification(JsonGenerator g, autoglm.diagnose.Verification v) throws IOException {
        g.writeStartObject();
        g.writeStringField("rule", v.rule());
        g.writeObjectFieldStart("knobs");
        for (Map.Entry<String, String> e : v.knobs().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeStringField("status", v.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        g.writeStringField("reason", v.reason());
        g.writeStringField("run", v.run());
        g.writeBooleanField("changesWork", VerifyText.changesWork(v));
        g.writeStringField("workChange", v.workChange());
        g.writeNumberField("runs", v.runs());
        g.writeObjectFieldStart("metrics");
        for (autoglm.diagnose.Verification.Comparison c : v.comparisons()) {
            g.writeObjectFieldStart(c.metric());
            g.writeFieldName("before");
            metric(g, c.before());
            g.writeFieldName("after");
            metric(g, c.after());
            // a factor only where a ratio means something (no signed quantity); the difference always
            number(g, "factor", c.factor());
            number(g, "speedup", c.speedup());
            number(g, "difference", c.difference());
            number(g, "welchP", c.p());
            if (!Double.isNaN(c.p())) {
                g.writeBooleanField("withinNoise", c.withinNoise(autoglm.diagnose.Verification.ALPHA));
            }
            g.writeBooleanField("lowerIsBetter", c.lowerIsBetter());
            g.writeBooleanField("work", VerifyText.WORK.contains(c.metric()));
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private void metric(JsonGenerator g, Metric m) throws IOException {
        g.writeStartObject();
        if (m.isBreakdown()) {
            // the typed parts, and the same as one line (what the terminal report prints)
            g.writeStringField("text", autoglm.analyse.Quantities.format(m));
            g.writeArrayFieldStart("items");
            for (Metric.Item i : m.items()) {
                g.writeStartObject();
                g.writeStringField("label", i.label());
                number(g, "value", i.value());
                g.writeStringField("unit", i.unit().key());
                g.writeEndObject();
            }
            g.writeEndArray();
        } else if (m.isText()) {
            g.writeStringField("text", m.present() ? m.text() : null);
        } else {
            number(g, "value", m.present() ? m.value() : Double.NaN);
            if (m.present() && !Double.isFinite(m.value())) {
                // a bad value (NaN or an overflow in the input): null, flagged, so no reader takes it for absent
                g.writeBooleanField("bad", true);
                g.writeStringField("reason", "not a finite number (" + m.value() + "): a bad value in the input");
            }
        }
        g.writeStringField("unit", m.unit().key());
        if (m.present()) {
            g.writeNumberField("n", m.n());
            Spread s = m.spread();
            if (!s.isEmpty()) {
                number(g, "min", s.min());
                number(g, "p50", s.p50());
                number(g, "p95", s.p95());
                number(g, "p99", s.p99());
                number(g, "max", s.max());
                number(g, "stdev", s.stdev());
            }
        } else {
            g.writeStringField("reason", m.reason());
        }
        g.writeEndObject();
    }

    private void findings(JsonGenerator g, List<Finding> findings) throws IOException {
        g.writeStartArray();
        for (Finding f : findings) {
            g.writeStartObject();
            g.writeStringField("rule", f.rule());
            g.writeStringField("title", f.title());
            g.writeStringField("topic", f.topic());
            g.writeStringField("severity", f.severity().key());
            number(g, "score", Math.round(f.score() * 10) / 10.0);
            g.writeObjectFieldStart("evidence");
            for (Map.Entry<String, Metric> e : f.evidence().entrySet()) {
                g.writeFieldName(e.getKey());
                metric(g, e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("thresholds");
            for (Map.Entry<String, Double> e : f.thresholds().entrySet()) {
                number(g, e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("summary", f.summary());
            g.writeStringField("explanation", f.explanation());
            g.writeStringField("fix", f.fix());
            Gain gain = f.gain();
            g.writeObjectFieldStart("gain");
            g.writeStringField("kind", gain.kind());
            number(g, "percent", gain.percent());
            number(g, "msPerStep", gain.msPerStep());
            g.writeStringField("formula", gain.formula());
            g.writeStringField("basis", gain.basis());
            // what the percent is of, and the share of it the cause takes (the bound the estimate cannot pass)
            g.writeStringField("base", gain.base() == null ? null : gain.base().key());
            g.writeStringField("baseLabel", gain.base() == null ? null : gain.base().label());
            number(g, "bound", gain.bound());
            g.writeStringField("boundFormula", gain.boundFormula());
            g.writeBooleanField("capped", gain.capped());
            g.writeEndObject();
            g.writeStringField("reason", f.reason());
            if (f.counted() != null) {
                autoglm.rules.Counted c = f.counted();
                g.writeObjectFieldStart("count");
                g.writeStringField("of", c.of());
                g.writeStringField("metric", c.source());
                g.writeNumberField("n", c.n());
                number(g, "min", c.min());
                number(g, "full", c.full());
                number(g, "weight", Math.round(c.weight() * 1000) / 1000.0);
                number(g, "unweightedScore", Math.round(c.unweightedScore() * 10) / 10.0);
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Per base with two reported gains or more: the parts, and the combined estimate (docs/formats.md). */
    private void overlaps(JsonGenerator g, List<Finding> findings) throws IOException {
        g.writeStartArray();
        for (autoglm.rules.GainOverlap o : autoglm.rules.GainOverlap.of(findings)) {
            g.writeStartObject();
            g.writeStringField("base", o.base().key());
            g.writeStringField("baseLabel", o.base().label());
            g.writeArrayFieldStart("gains");
            for (autoglm.rules.GainOverlap.Part p : o.parts()) {
                g.writeStartObject();
                g.writeStringField("rule", p.rule());
                g.writeStringField("kind", p.kind());
                number(g, "percent", p.percent());
                g.writeStringField("sameAs", p.sameAs());
                g.writeEndObject();
            }
            g.writeEndArray();
            number(g, "combinedPct", o.combinedPct());
            number(g, "largestPct", o.largestPct());
            number(g, "sumPct", o.sumPct());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void breakdown(JsonGenerator g, Breakdown b) throws IOException {
        g.writeStartObject();
        g.writeNumberField("kernelCount", b.kernelCount());
        number(g, "kernelTimeMs", b.kernelTimeMs());
        g.writeArrayFieldStart("kernels");
        for (Breakdown.KernelStat k : b.kernels()) {
            g.writeStartObject();
            g.writeStringField("name", k.name());
            g.writeStringField("family", k.category());
            g.writeNumberField("count", k.count());
            number(g, "totalMs", k.totalMs());
            number(g, "meanUs", k.meanUs());
            number(g, "minUs", k.minUs());
            number(g, "maxUs", k.maxUs());
            number(g, "stdevUs", k.stdevUs());
            number(g, "sharePct", k.sharePct());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("families");
        for (Breakdown.CategoryStat c : b.categories()) {
            g.writeStartObject();
            g.writeStringField("family", c.category());
            g.writeNumberField("count", c.count());
            number(g, "totalMs", c.totalMs());
            number(g, "sharePct", c.sharePct());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("types");
        for (Breakdown.TypeStat t : b.types()) {
            g.writeStartObject();
            g.writeStringField("type", t.type());
            g.writeNumberField("count", t.count());
            number(g, "totalMs", t.totalMs());
            number(g, "sharePct", t.sharePct());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("streams");
        for (Breakdown.StreamStat st : b.streams()) {
            g.writeStartObject();
            g.writeNumberField("device", st.device());
            g.writeNumberField("stream", st.stream());
            g.writeNumberField("activities", st.activities());
            g.writeNumberField("gaps", st.gaps());
            number(g, "idleMs", st.idleMs());
            number(g, "hostWaitMs", st.hostWaitMs());
            number(g, "kernelWaitMs", st.kernelWaitMs());
            number(g, "otherMs", st.otherMs());
            number(g, "gapP50Us", st.gapP50Us());
            number(g, "gapP99Us", st.gapP99Us());
            number(g, "gapMaxUs", st.gapMaxUs());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("copies");
        for (Breakdown.CopyStat c : b.copies()) {
            g.writeStartObject();
            g.writeStringField("kind", c.kind());
            g.writeNumberField("count", c.count());
            g.writeNumberField("bytes", c.bytes());
            number(g, "totalMs", c.totalMs());
            number(g, "gbps", c.gbps());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("sequences");
        for (Breakdown.SequenceStat q : b.sequences()) {
            g.writeStartObject();
            g.writeArrayFieldStart("kernels");
            for (String k : q.kernels()) {
                g.writeString(k);
            }
            g.writeEndArray();
            g.writeNumberField("count", q.count());
            number(g, "totalMs", q.totalMs());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("ops");
        for (Breakdown.OpStat o : b.ops()) {
            g.writeStartObject();
            g.writeStringField("op", o.op());
            g.writeNumberField("activities", o.activities());
            number(g, "gpuMs", o.gpuMs());
            number(g, "launchMs", o.launchMs());
            number(g, "sharePct", o.sharePct());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void dataLoss(JsonGenerator g, DataLoss loss) throws IOException {
        g.writeStartObject();
        g.writeNumberField("lost", loss.lost());
        for (DataLoss.Group group : DataLoss.Group.values()) {
            g.writeObjectFieldStart(group.key());
            for (Map.Entry<String, Long> e : loss.get(group).entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** A number, or null when it is NaN or infinite. */
    static void number(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, v);
        }
    }
}
