package autoglm;

import autoglm.analyse.AnalysisSettings;
import autoglm.diagnose.Diagnoser;
import autoglm.result.ResultSummary;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.ThresholdOverrides;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Fixture traces diagnosed once per test run, and the independent tables of tools/diff_check.py. */
public final class Results {
    private static final Map<String, ResultSummary> CACHE = new HashMap<>();

    private Results() {
    }

    public static synchronized ResultSummary of(String trace) {
        return CACHE.computeIfAbsent(trace, t -> ResultSummary.of(t, new Diagnoser(RuleCatalogue.bundled(),
                ThresholdOverrides.none(), AnalysisSettings.defaults()).diagnose(List.of(Fixtures.trace(t)))));
    }

    /** testdata/expected/diff.json: what tools/diff_check.py computed from the raw JSON. */
    public static JsonNode independent(String trace) throws IOException {
        return Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/diff.json").toFile()).get(trace);
    }
}
