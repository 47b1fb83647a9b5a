package autoglm.report;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Parameter;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.RuleDefinition;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;

/** The rule catalogue as JSON, for tools. */
final class RulesJsonReport implements RulesReport {
    @Override
    public void write(RuleCatalogue catalogue, Writer out) throws IOException {
        try (JsonGenerator g = JsonFactory.builder().disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET).build()
                .createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeArrayFieldStart("rules");
            for (RuleDefinition r : catalogue.rules()) {
                g.writeStartObject();
                g.writeStringField("id", r.id());
                g.writeStringField("family", r.family());
                g.writeStringField("title", r.title());
                g.writeStringField("topic", r.topic());
                g.writeArrayFieldStart("requires");
                for (String m : r.requires()) {
                    g.writeString(m);
                }
                g.writeEndArray();
                g.writeStringField("applies", r.applies() == null ? null : r.applies().source());
                g.writeObjectFieldStart("score");
                g.writeStringField("metric", r.scoreMetric().source());
                g.writeStringField("zero", r.scoreZero().source());
                g.writeStringField("info", r.scoreInfo().source());
                g.writeStringField("warning", r.scoreWarning().source());
                g.writeEndObject();
                g.writeArrayFieldStart("thresholds");
                for (Parameter p : r.thresholds()) {
                    parameter(g, p);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("counts");
                for (autoglm.rules.CountGate c : r.counts()) {
                    g.writeStartObject();
                    g.writeStringField("of", c.of());
                    g.writeStringField("n", c.source());
                    g.writeStringField("min", c.min());
                    g.writeStringField("full", c.full());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeStringField("uncounted", r.uncounted());
                g.writeStringField("gain", r.gainFormula() == null ? null : r.gainFormula().source());
                g.writeStringField("gainBasis", r.gainBasis());
                g.writeStringField("gainBase", r.gainBase() == null ? null : r.gainBase().key());
                g.writeStringField("gainBound", r.gainBound() == null ? null : r.gainBound().source());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("analysisSettings");
            for (Parameter p : AnalysisSettings.ALL) {
                parameter(g, p);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    private static void parameter(JsonGenerator g, Parameter p) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", p.name());
        g.writeStringField("unit", p.unit().key());
        g.writeNumberField("default", p.defaultValue());
        g.writeStringField("description", p.description());
        g.writeEndObject();
    }
}
