package autoglm.analyse.samples;

import autoglm.analyse.Stats;
import autoglm.model.run.GpuSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Which GPUs a run used and its active window (docs/analyses.md#samples): the rules of SampleAnalyzer. */
final class ActiveWindow {
    private ActiveWindow() {
    }

    /** Used memory growth that marks a GPU in use without utilization: a heuristic of ours (docs/analyses.md). */
    static final double GROWTH_BYTES = 256.0 * 1024 * 1024;

    /** The GPUs the command used, by the first rule that finds any (see the class comment). */
    static List<Integer> usedGpus(Map<Integer, List<GpuSample>> byGpu) {
        List<Integer> out = new ArrayList<>();
        for (Map.Entry<Integer, List<GpuSample>> e : byGpu.entrySet()) {
            if (e.getValue().stream().anyMatch(s -> s.procMemBytes() > 0 || s.procSmPct() > 0)) {
                out.add(e.getKey());
            }
        }
        if (out.isEmpty()) {
            for (Map.Entry<Integer, List<GpuSample>> e : byGpu.entrySet()) {
                if (e.getValue().stream().anyMatch(s -> s.utilPct() > 0)) {
                    out.add(e.getKey());
                }
            }
        }
        if (out.isEmpty()) {
            for (Map.Entry<Integer, List<GpuSample>> e : byGpu.entrySet()) {
                double first = Double.NaN;
                double max = Double.NaN;
                for (GpuSample s : e.getValue()) {
                    if (!Double.isNaN(s.memUsedBytes())) {
                        first = Double.isNaN(first) ? s.memUsedBytes() : first;
                        max = Double.isNaN(max) ? s.memUsedBytes() : Math.max(max, s.memUsedBytes());
                    }
                }
                if (max - first >= GROWTH_BYTES) {
                    out.add(e.getKey());
                }
            }
        }
        return out;
    }

    /** {start, end} of the active window over the used GPUs; the whole sampled span when none was ever busy. */
    static double[] window(Map<Integer, List<GpuSample>> byGpu, List<Integer> used, double interval) {
        double start = Double.POSITIVE_INFINITY;
        double end = Double.NEGATIVE_INFINITY;
        double first = Double.POSITIVE_INFINITY;
        double last = Double.NEGATIVE_INFINITY;
        for (int g : used) {
            List<GpuSample> s = byGpu.get(g);
            first = Math.min(first, s.get(0).timeMs() - interval);
            last = Math.max(last, s.get(s.size() - 1).timeMs());
            for (int i = 0; i < s.size(); i++) {
                if (s.get(i).utilPct() > 0) {
                    start = Math.min(start, i == 0 ? s.get(i).timeMs() - interval : s.get(i - 1).timeMs());
                    end = Math.max(end, s.get(i).timeMs());
                }
            }
        }
        return start <= end ? new double[] {start, end} : new double[] {first, last};
    }

    /** The configured interval, else the median spacing of the samples. */
    static double nominal(double configured, double[] times) {
        if (configured > 0) {
            return configured;
        }
        if (times.length < 2) {
            return 100;
        }
        double[] d = new double[times.length - 1];
        for (int i = 1; i < times.length; i++) {
            d[i - 1] = times[i] - times[i - 1];
        }
        return Math.max(1, Stats.median(d, d.length));
    }
}
