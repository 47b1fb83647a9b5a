package autoglm.report;

import autoglm.analyse.ranks.RankRow;
import autoglm.analyse.ranks.RankTable;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** The per-rank table in the JSON report ({@code ranks}, docs/formats.md): numbers in ms and percent, null for n/a. */
final class RanksJson {
    private RanksJson() {
    }

    static void write(JsonGenerator g, RankTable t) throws IOException {
        g.writeStartObject();
        g.writeStringField("alignment", t.alignment());
        g.writeNumberField("alignedSteps", t.alignedSteps());
        g.writeNumberField("matchedCollectives", t.matchedCollectives());
        if (t.slowest() == null) {
            g.writeNullField("slowest");
        } else {
            g.writeStringField("slowest", t.slowest());
        }
        g.writeArrayFieldStart("rows");
        for (RankRow r : t.rows()) {
            g.writeStartObject();
            g.writeStringField("label", r.label());
            if (r.rank() == null) {
                g.writeNullField("rank");
            } else {
                g.writeNumberField("rank", r.rank());
            }
            g.writeNumberField("steps", r.steps());
            JsonReport.number(g, "stepMs", r.stepMs());
            JsonReport.number(g, "busyPct", r.busyPct());
            JsonReport.number(g, "idleHostWaitPct", r.hostWaitPct());
            JsonReport.number(g, "idleKernelWaitPct", r.kernelWaitPct());
            JsonReport.number(g, "idleOtherPct", r.otherIdlePct());
            JsonReport.number(g, "commPct", r.commPct());
            JsonReport.number(g, "commOverlapPct", r.overlapPct());
            JsonReport.number(g, "computeMsPerStep", r.computeMsPerStep());
            JsonReport.number(g, "commMsPerStep", r.commMsPerStep());
            JsonReport.number(g, "collectiveWaitMsPerStep", r.collectiveWaitMsPerStep());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
