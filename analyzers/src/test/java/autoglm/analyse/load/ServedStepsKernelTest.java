package autoglm.analyse.load;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metrics;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.trace.TraceAnalyzer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import autoglm.Fixtures;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadSettings;
import autoglm.model.load.Scrape;
import autoglm.read.cupti.CuptiLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The served steps' kernel figures on real GPU kernels: the H100 CUPTI recording of eager batch-1 decode
 * (testdata/cupti; its 31 kernel passes) as the server's timeline. It was not recorded under a load, so the load
 * around it is made here and says so: one scrape, before the first kernel, of a running batch of 1 (the recording's
 * batch, fixtures README), no requests. Kernels per step, step time and the GPU's busy share of a step are the medians
 * tools/cupti_check.py computes from the raw CSV (testdata/expected/cupti-31passes.json).
 */
class ServedStepsKernelTest {
    @Test
    void kernelsStepTimeAndBusyShareOfEachPassAsTheCheckerCountsThem() throws Exception {
        JsonNode x = Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/cupti-31passes.json").toFile());
        TraceAnalysis t = new TraceAnalyzer(AnalysisSettings.defaults()).analyze(CuptiLoader.load(List.of(
                Fixtures.root().resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz"))).model());
        long epochMs = x.get("first_kernel_ns").asLong() / 1_000_000 - 1000;
        LoadSettings settings = new LoadSettings("", "glm8", "chat", "synthetic", "sync", Double.NaN, 1, 1, 1, 1, 0, 0,
                0, 0, Double.NaN, Double.NaN, Double.NaN, "", List.of(), epochMs);
        LoadRecording load = new LoadRecording(settings, List.of(), List.of(new Scrape(0, Map.of(
                autoglm.model.load.SeriesKey.of("vllm:num_requests_running", Map.of("model_name", "glm8")), 1.0))), Map.of(), 2000, true);
        ServedSteps.Result r = ServedSteps.of(t, load);
        assertEquals(null, r.reason());
        assertEquals(x.get("passes").asInt(), r.steps().size());
        assertEquals(1, r.byBatch().size());
        ServedSteps.ByBatch b = r.byBatch().get(0);
        assertEquals(1, b.batch());
        assertEquals(x.get("passes").asInt(), b.steps());
        assertEquals(x.get("kernels_per_step_median").asDouble(), b.kernels(), 1e-9);
        assertEquals(x.get("step_time_ms_median").asDouble(), b.stepMs(), 1e-6);
        assertEquals(x.get("step_busy_pct_median").asDouble(), b.busyPct(), 1e-6);
        Metrics m = ServedSteps.metrics(r, load);
        assertEquals(x.get("step_busy_pct_median").asDouble(), m.get("served_busy_pct_low_batch").value(), 1e-6);
        assertEquals("the server ran one batch size only (1) for 3 steps or more",
                m.get("served_busy_pct_high_batch").reason());
    }
}
