package autoglm.analyse;

import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.trace.TraceAnalyzer;
import autoglm.Fixtures;
import autoglm.read.TraceLoader;
import java.util.HashMap;
import java.util.Map;

/** Analyses of the fixtures, each computed once per test run. */
public final class Analyses {
    private static final Map<String, TraceAnalysis> CACHE = new HashMap<>();

    private Analyses() {
    }

    public static synchronized TraceAnalysis of(String fixture) {
        return CACHE.computeIfAbsent(fixture, f -> new TraceAnalyzer(AnalysisSettings.defaults())
                .analyze(TraceLoader.load(Fixtures.trace(f))));
    }

    static double value(String fixture, String metric) {
        Metric m = of(fixture).metrics().get(metric);
        if (!m.present()) {
            throw new AssertionError(metric + " is absent: " + m.reason());
        }
        return m.value();
    }
}
