package autoglm.report;

import autoglm.compare.Comparison;
import autoglm.compare.KernelChange;
import autoglm.compare.MetricChange;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.Writer;

/** {@code autoglm compare --format json} (docs/formats.md#compare). */
public final class CompareJsonReport implements ComparisonReport {
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    @Override
    public void write(Comparison c, Writer out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("a", c.a().source());
            g.writeStringField("b", c.b().source());
            g.writeArrayFieldStart("metrics");
            for (MetricChange m : c.metrics()) {
                g.writeStartObject();
                g.writeStringField("metric", m.name());
                g.writeStringField("unit", m.a().unit().key());
                JsonReport.number(g, "a", m.a().value());
                g.writeNumberField("nA", m.a().n());
                JsonReport.number(g, "b", m.b().value());
                g.writeNumberField("nB", m.b().n());
                JsonReport.number(g, "deltaPct", m.deltaPct());
                JsonReport.number(g, "p", m.noise().p());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("kernels");
            g.writeStringField("basis", c.perIteration() ? "per-iteration" : "total");
            g.writeNumberField("iterationsA", c.a().iterations());
            g.writeNumberField("iterationsB", c.b().iterations());
            JsonReport.number(g, "tolerancePct", c.tolerancePct());
            g.writeStringField("note", c.kernelsNote());
            g.writeArrayFieldStart("diff");
            for (KernelChange k : c.kernels()) {
                g.writeStartObject();
                g.writeStringField("name", k.name());
                g.writeStringField("family", k.family());
                g.writeStringField("status", k.status().key());
                g.writeNumberField("countA", k.countA());
                g.writeNumberField("countB", k.countB());
                JsonReport.number(g, "totalMsA", k.totalMsA());
                JsonReport.number(g, "totalMsB", k.totalMsB());
                JsonReport.number(g, "msA", k.perA());
                JsonReport.number(g, "msB", k.perB());
                JsonReport.number(g, "deltaMs", k.deltaMs());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            // the CPU ops and the GPU time each launched (docs/analyses.md#ops), the same basis as the kernels
            g.writeArrayFieldStart("ops");
            for (KernelChange k : c.ops()) {
                g.writeStartObject();
                g.writeStringField("op", k.name());
                g.writeStringField("status", k.status().key());
                g.writeNumberField("activitiesA", k.countA());
                g.writeNumberField("activitiesB", k.countB());
                JsonReport.number(g, "gpuMsA", k.perA());
                JsonReport.number(g, "gpuMsB", k.perB());
                JsonReport.number(g, "deltaMs", k.deltaMs());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }
}
