package autoglm.analyse.samples;

import autoglm.analyse.Metrics;
import autoglm.analyse.TimeWeighted;
import autoglm.model.run.HostSample;
import autoglm.model.run.RunInfo;
import autoglm.model.run.RunRecording;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Metrics of the host samples (host.csv) over the active window, time-weighted. */
final class HostSampleMetrics {
    private HostSampleMetrics() {
    }

    static void hostMetrics(Metrics.Builder out, RunRecording rec, double from, double to, RunInfo info) {
        List<HostSample> h = rec.host();
        if (h.isEmpty()) {
            out.absentAll("no host samples in this run", SampleAnalyzer.HOST_METRICS);
            return;
        }
        double interval = ActiveWindow.nominal(info.settings().hostIntervalMs(), h.stream().mapToDouble(HostSample::timeMs).toArray());
        double[] t = new double[h.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = h.get(i).timeMs();
        }
        host(out, "host_cpu_pct", h, t, interval, from, to, HostSample::cpuPct);
        host(out, "host_proc_cpu_pct", h, t, interval, from, to, HostSample::procCpuPct);
        host(out, "host_busiest_thread_pct", h, t, interval, from, to, HostSample::busiestThreadPct);
        Map<String, Double> byName = new LinkedHashMap<>();
        double rss = Double.NaN;
        for (int i = 0; i < h.size(); i++) {
            HostSample s = h.get(i);
            double w = TimeWeighted.overlap(i == 0 ? t[i] - interval : t[i - 1], t[i], from, to);
            if (w > 0 && s.busiestThread() != null) {
                byName.merge(s.busiestThread(), w, Double::sum);
            }
            if (!Double.isNaN(s.procRssBytes())) {
                rss = Double.isNaN(rss) ? s.procRssBytes() : Math.max(rss, s.procRssBytes());
            }
        }
        String busiest = byName.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        if (busiest == null) {
            out.absent("host_busiest_thread", "no thread readings in the window");
        } else {
            out.text("host_busiest_thread", busiest, byName.size());
        }
        if (Double.isNaN(rss)) {
            out.absent("host_rss_peak_bytes", "no memory readings of the process tree");
        } else {
            out.put("host_rss_peak_bytes", rss, h.size());
        }
    }

    static void host(Metrics.Builder out, String name, List<HostSample> h, double[] t, double interval,
            double from, double to, ToDoubleFunction<HostSample> f) {
        double[] v = new double[h.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(h.get(i));
        }
        TimeWeighted.Result r = new TimeWeighted(v.length).addSeries(t, v, v.length, interval, from, to).result();
        if (r.isEmpty()) {
            out.absent(name, "no host reading in the window");
        } else {
            out.put(name, r.mean(), r.n(), r.spread());
        }
    }
}
