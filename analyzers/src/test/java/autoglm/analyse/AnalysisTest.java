package autoglm.analyse;

import autoglm.analyse.trace.Breakdown;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.trace.Window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * Analyses on the real traces. Every expected number comes from tools/analysis_check.py (plain Python over the
 * same files, from the definitions in docs/analyses.md; committed as testdata/expected/analysis.json and re-run by
 * ToolsRerunTest): iteration counts, kernel counts, medians and shares in the window, GEMM shares, copies, syncs,
 * input growth and per-stream activity counts. Sums that must be 100 are identities, not expectations.
 */
class AnalysisTest {
    private static com.fasterxml.jackson.databind.JsonNode expected;

    private static com.fasterxml.jackson.databind.JsonNode expected() {
        try {
            if (expected == null) {
                expected = Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/analysis.json").toFile());
            }
            return expected;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** tools/analysis_check.py's figure for a trace. */
    private static double x(String trace, String key) {
        com.fasterxml.jackson.databind.JsonNode v = expected().get(trace).get(key);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }

    @Test
    void stepsAreTheProfilerStepsAndAnIncompleteLastOneIsDropped() {
        assertEquals(x(Fixtures.DECODE_KV, "iterations"), Analyses.value(Fixtures.DECODE_KV, "steps"));
        TraceAnalysis noKv = Analyses.of(Fixtures.DECODE_NO_KV);
        assertEquals(Window.Basis.PROFILER_STEPS, noKv.window().basis());
        assertEquals(x(Fixtures.DECODE_NO_KV, "iterations"), noKv.window().iterations());
        assertTrue(noKv.window().droppedStep().startsWith("ProfilerStep#25 dropped"));
        assertEquals(1L, noKv.dataLoss().get(autoglm.model.trace.DataLoss.Group.EXCLUDED).get("incomplete last step"));
    }

    @Test
    void withoutStepsTheForwardPassesAreTheIterations() {
        TraceAnalysis t = Analyses.of(Fixtures.DECODE8);
        assertEquals(Window.Basis.FORWARD_PASSES, t.window().basis());
        // generate(): one prefill and seven decode forward passes for 8 new tokens
        assertEquals(x(Fixtures.DECODE8, "iterations"), t.window().iterations());
    }

    @Test
    void kernelStatisticsInTheWindow() {
        assertEquals(x(Fixtures.DECODE_KV, "kernels"), Analyses.value(Fixtures.DECODE_KV, "kernels"));
        assertEquals(x(Fixtures.DECODE_KV, "kernel_us"), Analyses.value(Fixtures.DECODE_KV, "kernel_us"), 1e-9);
        assertEquals(x(Fixtures.DECODE_KV, "small_kernel_pct"), Analyses.value(Fixtures.DECODE_KV, "small_kernel_pct"), 1e-9);
        assertEquals(x(Fixtures.DECODE_KV, "occupancy_pct"), Analyses.value(Fixtures.DECODE_KV, "occupancy_pct"), 1e-6);
        assertEquals(x(Fixtures.PREFILL_FP32, "kernels"), Analyses.value(Fixtures.PREFILL_FP32, "kernels"));
        assertEquals(x(Fixtures.PREFILL_FP32, "kernel_us"), Analyses.value(Fixtures.PREFILL_FP32, "kernel_us"), 1e-9);
        assertEquals(x(Fixtures.DECODE_KV, "kernels_per_step"), Analyses.value(Fixtures.DECODE_KV, "kernels_per_step"), 1e-9);
    }

    @Test
    void tensorCoreUseOfGemms() {
        // fp32 without TF32: sm80_xmma_gemm_..._ffma and cutlass simt sgemm kernels
        assertEquals(x(Fixtures.PREFILL_FP32, "simt_gemm_pct"), Analyses.value(Fixtures.PREFILL_FP32, "simt_gemm_pct"), 1e-6);
        assertEquals(x(Fixtures.PREFILL_FP32, "gemm_tensor_core_pct"), Analyses.value(Fixtures.PREFILL_FP32, "gemm_tensor_core_pct"), 1e-9);
        assertEquals(x(Fixtures.PREFILL_BF16, "gemm_tensor_core_pct"), Analyses.value(Fixtures.PREFILL_BF16, "gemm_tensor_core_pct"), 1e-6);
        assertEquals(9.0, Analyses.value(Fixtures.PREFILL_BF16, "compute_capability"), 1e-9);
        assertFalse(Analyses.of(Fixtures.PAGEABLE).metrics().get("simt_gemm_pct").present());
    }

    @Test
    void pageableCopiesAndBlockingCalls() {
        assertEquals(x(Fixtures.PAGEABLE, "pageable_memcpy_count"), Analyses.value(Fixtures.PAGEABLE, "pageable_memcpy_count"));
        assertEquals(x(Fixtures.PAGEABLE, "pageable_memcpy_bytes"), Analyses.value(Fixtures.PAGEABLE, "pageable_memcpy_bytes"));
        assertEquals(x(Fixtures.PAGEABLE, "pageable_memcpy_count") / x(Fixtures.PAGEABLE, "iterations"),
                Analyses.value(Fixtures.PAGEABLE, "pageable_memcpy_per_step"), 1e-9);
        // per step: the pageable cudaMemcpyAsync, .item()'s cudaStreamSynchronize, a cudaDeviceSynchronize
        assertEquals(x(Fixtures.PAGEABLE, "host_syncs_per_step"), Analyses.value(Fixtures.PAGEABLE, "host_syncs_per_step"), 1e-9);
        // a breakdown of typed items (the call and its count), not a sentence
        Metric sync = Analyses.of(Fixtures.PAGEABLE).metrics().get("sync_calls");
        double perCall = x(Fixtures.PAGEABLE, "pageable_memcpy_count");
        assertEquals(java.util.List.of(new Metric.Item("cudaMemcpyAsync (pageable)", perCall, Unit.COUNT),
                new Metric.Item("cudaStreamSynchronize", perCall, Unit.COUNT),
                new Metric.Item("cudaDeviceSynchronize", perCall, Unit.COUNT)), sync.items());
        assertEquals("cudaMemcpyAsync (pageable) x12, cudaStreamSynchronize x12, cudaDeviceSynchronize x12",
                Quantities.format(sync), "as the formatter writes it");
        assertEquals(x(Fixtures.DECODE_KV, "host_syncs_per_step"), Analyses.value(Fixtures.DECODE_KV, "host_syncs_per_step"), 1e-9);
        assertEquals(x(Fixtures.DECODE_NO_KV, "host_syncs_per_step"), Analyses.value(Fixtures.DECODE_NO_KV, "host_syncs_per_step"), 1e-9);
        assertEquals(0, Analyses.value(Fixtures.PREFILL_BF16, "pageable_memcpy_pct"), 1e-9);
    }

    @Test
    void hostBlockedGapsNameTheWorkThatRanInThem() {
        assertTrue(Analyses.value(Fixtures.PAGEABLE, "host_blocked_pct") > 90);
        Metric.Item top = Analyses.of(Fixtures.PAGEABLE).metrics().get("host_blocked_ops").items().get(0);
        assertEquals("aten::randn", top.label());
        assertEquals(Unit.PERCENT, top.unit());
        // cuDNN attention spends ~45 ms per decode step on the host before launching its kernel: launch
        // overhead of an op that launches, not host-blocked work
        assertTrue(Analyses.value(Fixtures.DECODE_KV, "host_blocked_pct") < 1);
        assertEquals(0, Analyses.value(Fixtures.PREFILL_BF16, "host_blocked_pct"), 1e-9);
    }

    @Test
    void inputGrowthIsReadFromInputDims() {
        assertEquals(x(Fixtures.DECODE_NO_KV, "input_growth_steps"), Analyses.value(Fixtures.DECODE_NO_KV, "input_growth_steps"));
        assertEquals(x(Fixtures.DECODE_NO_KV, "input_len_first"), Analyses.value(Fixtures.DECODE_NO_KV, "input_len_first"));
        assertEquals(x(Fixtures.DECODE_NO_KV, "input_len_last"), Analyses.value(Fixtures.DECODE_NO_KV, "input_len_last"));
        assertEquals(x(Fixtures.DECODE_KV, "input_growth_steps"), Analyses.value(Fixtures.DECODE_KV, "input_growth_steps"));
        assertEquals(x(Fixtures.DECODE8, "input_growth_steps"), Analyses.value(Fixtures.DECODE8, "input_growth_steps"));
    }

    @Test
    void kernelBreakdownAddsUp() {
        Breakdown b = Analyses.of(Fixtures.DECODE_KV).breakdown();
        double share = 0;
        for (Breakdown.CategoryStat c : b.categories()) {
            share += c.sharePct();
        }
        assertEquals(100, share, 1e-6);
        assertEquals(x(Fixtures.DECODE_KV, "kernels"), b.kernelCount());
        assertEquals("gemm", b.kernels().get(0).category());
        assertTrue(b.kernels().get(0).totalMs() >= b.kernels().get(1).totalMs());
    }

    @Test
    void perStreamIdleSplitAddsUpToTheIdleShares() {
        TraceAnalysis t = Analyses.of(Fixtures.DECODE_KV);
        assertEquals(1, t.breakdown().streams().size());
        Breakdown.StreamStat st = t.breakdown().streams().get(0);
        assertEquals(7, st.stream());
        assertEquals(expected().get(Fixtures.DECODE_KV).get("stream_activities").get("7").asLong(), st.activities());
        assertEquals(Analyses.value(Fixtures.DECODE_KV, "idle_host_wait_pct"), 100 * st.hostWaitMs() / st.idleMs(), 1e-9);
        double types = 0;
        for (Breakdown.TypeStat ty : t.breakdown().types()) {
            types += ty.sharePct();
        }
        assertEquals(100, types, 1e-9);
        assertEquals("computation", t.breakdown().types().get(0).type());
    }

    @Test
    void everyNumberCarriesItsSampleCount() {
        for (Metric m : Analyses.of(Fixtures.DECODE_KV).metrics().all().values()) {
            if (m.present() && !m.isText() && !m.name().equals("compute_capability")) {
                assertTrue(m.n() >= 0, m.name());
            }
            if (!m.present()) {
                assertFalse(m.reason() == null || m.reason().isBlank(), m.name() + " says why it is absent");
            }
        }
        Metric busy = Analyses.of(Fixtures.DECODE_KV).metrics().get("gpu_busy_pct");
        assertEquals(x(Fixtures.DECODE_KV, "iterations"), busy.n());
        assertTrue(busy.spread().min() <= busy.value() && busy.value() <= busy.spread().max());
    }
}
