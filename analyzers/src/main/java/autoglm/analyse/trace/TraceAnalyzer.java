package autoglm.analyse.trace;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.TraceModel;

/** Runs every analysis on a trace model. Separate stages, as in HTA: reader, model, analyses. */
public final class TraceAnalyzer {
    private final AnalysisSettings settings;

    public TraceAnalyzer(AnalysisSettings settings) {
        this.settings = settings;
    }

    /** Events of Meta's MTIA accelerator (categories mtia_*), which the reader skips as unknown categories. */
    static long mtiaEvents(TraceModel model) {
        long n = 0;
        for (java.util.Map.Entry<String, Long> e : model.dataLoss().get(DataLoss.Group.SKIPPED).entrySet()) {
            if (e.getKey().contains("category 'mtia")) {
                n += e.getValue();
            }
        }
        return n;
    }

    public TraceAnalysis analyze(TraceModel model) {
        Window window = Window.of(model);
        Context c = new Context(model, window, settings);
        Metrics.Builder out = new Metrics.Builder();
        StepAnalysis.run(c, out);
        Breakdown breakdown = Breakdown.empty();
        if (c.hasGpu()) {
            TemporalAnalysis.run(c, out);
            java.util.List<Breakdown.StreamStat> streams = IdleAnalysis.run(c, out);
            LaunchAnalysis.run(c, out);
            QueueAnalysis.run(c, out);
            Breakdown kernels = KernelAnalysis.run(c, out);
            breakdown = new Breakdown(kernels.kernels(), kernels.categories(), kernels.types(),
                    TransferAnalysis.run(c, out), streams, kernels.kernelCount(), kernels.kernelTimeMs(),
                    OpAttribution.run(c), KernelSequences.run(c));
        } else {
            long mtia = mtiaEvents(model);
            String reason = model.gpu().size() == 0 && mtia > 0
                    ? "the trace is from an MTIA device (" + mtia + " events of its mtia_* categories): this release "
                            + "reads NVIDIA and AMD GPU activity only, MTIA devices are not supported"
                    : model.gpu().size() == 0
                    ? "the trace has no GPU activity (no kernel, memcpy or memset events)"
                    : "no GPU activity belongs to the analysed iterations";
            out.absentAll(reason, MetricFamily.TRACE_GPU.names());
        }
        HostAnalysis.run(c, out);
        InputGrowthAnalysis.run(c, out);

        DataLoss loss = model.dataLoss()
                .with(DataLoss.Group.EXCLUDED, "incomplete last step", window.droppedStep() == null ? 0 : 1)
                .with(DataLoss.Group.EXCLUDED, "GPU activities launched outside the analysed iterations",
                        window.rowsOutside())
                .with(DataLoss.Group.EXCLUDED, "GPU activities without launch call left out of the iterations",
                        window.rowsWithoutLaunch())
                .with(DataLoss.Group.EXCLUDED, "GPU activities on other devices than the busiest",
                        otherDeviceRows(model, window));
        return new TraceAnalysis(model, window, out.build(), breakdown, loss);
    }

    private static long otherDeviceRows(TraceModel model, Window window) {
        long n = 0;
        for (int r = 0; r < model.gpu().size(); r++) {
            if (window.contains(r) && model.gpu().device(r) != window.device()) {
                n++;
            }
        }
        return n;
    }
}
