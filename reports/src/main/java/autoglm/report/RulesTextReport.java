package autoglm.report;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Parameter;
import autoglm.analyse.Quantities;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.RuleDefinition;
import java.io.IOException;
import java.io.Writer;

/** The rule catalogue for a terminal. */
final class RulesTextReport implements RulesReport {
    @Override
    public void write(RuleCatalogue catalogue, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(catalogue.rules().size()).append(" rules; override a threshold with --set RULE.THRESHOLD=VALUE\n");
        for (RuleDefinition r : catalogue.rules()) {
            sb.append('\n').append(r.id()).append("  [").append(r.family()).append("]  ").append(r.title()).append('\n');
            sb.append("    needs     ").append(String.join(", ", r.requires())).append('\n');
            if (r.applies() != null) {
                sb.append("    applies   ").append(r.applies().source()).append('\n');
            }
            sb.append("    score     ").append(r.scoreMetric().source()).append(": 0 at ").append(r.scoreZero().source())
                    .append(", 25 (info) at ").append(r.scoreInfo().source()).append(", 75 (warning) at ")
                    .append(r.scoreWarning().source()).append('\n');
            for (autoglm.rules.CountGate c : r.counts()) {
                sb.append("    counts    ").append(c.of()).append(" (").append(c.source()).append("): not applicable below ")
                        .append(setting(r, c.min())).append(", full weight from ").append(setting(r, c.full())).append('\n');
            }
            if (r.uncounted() != null) {
                sb.append("    counts    none: ").append(r.uncounted()).append('\n');
            }
            for (Parameter p : r.thresholds()) {
                sb.append("    ").append(String.format("%-24s", r.id() + "." + p.name()).trim()).append(" = ")
                        .append(Quantities.setting(p.defaultValue(), p.unit())).append("  ").append(p.description())
                        .append('\n');
            }
            sb.append("    gain      ").append((r.gainFormula() == null ? "not estimated: " + r.gainBasis()
                    : r.gainFormula().source() + " % of " + r.gainBase().label() + ", at most " + r.gainBound().source()))
                    .append('\n');
        }
        sb.append("\nanalysis settings; override with --set analysis.NAME=VALUE\n");
        for (Parameter p : AnalysisSettings.ALL) {
            sb.append("    analysis.").append(p.name()).append(" = ").append(Quantities.setting(p.defaultValue(), p.unit()))
                    .append("  ").append(p.description()).append('\n');
        }
        // rule files come from --rules DIR: titles, formulas and file names may hold control characters
        out.write(Text.safeLines(sb.toString()));
        out.flush();
    }

    /** "min_long_gaps = 5". */
    static String setting(RuleDefinition r, String threshold) {
        Parameter p = r.threshold(threshold);
        return threshold + " = " + Quantities.setting(p.defaultValue(), p.unit());
    }
}
