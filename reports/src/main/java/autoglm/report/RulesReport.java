package autoglm.report;

import autoglm.rules.RuleCatalogue;
import java.io.IOException;
import java.io.Writer;

/** One listing format of the rule catalogue ({@code autoglm rules}). */
public interface RulesReport {
    void write(RuleCatalogue catalogue, Writer out) throws IOException;

    static RulesReport text() {
        return new RulesTextReport();
    }

    static RulesReport markdown() {
        return new RulesMarkdownReport();
    }

    static RulesReport json() {
        return new RulesJsonReport();
    }
}
