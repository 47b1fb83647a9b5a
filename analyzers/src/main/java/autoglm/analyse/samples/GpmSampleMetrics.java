package autoglm.analyse.samples;

import autoglm.analyse.Metrics;
import autoglm.analyse.TimeWeighted;
import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.RunInfo;
import autoglm.model.run.RunRecording;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/** Metrics of the GPM samples (gpm.csv) over the active window, time-weighted. */
public final class GpmSampleMetrics {
    private GpmSampleMetrics() {
    }

    public static void gpmMetrics(Metrics.Builder out, RunRecording rec, List<Integer> used, double from, double to,
            RunInfo info) {
        Map<Integer, List<GpmSample>> byGpu = new TreeMap<>();
        for (GpmSample s : rec.gpm()) {
            if (used.contains(s.gpu())) {
                byGpu.computeIfAbsent(s.gpu(), k -> new ArrayList<>()).add(s);
            }
        }
        double link = Double.NaN;
        Map<Integer, Double> links = new LinkedHashMap<>();
        for (GpuInfo g : info.gpus()) {
            if (used.contains(g.index())) {
                links.put(g.index(), g.pcieLinkGBs());
                link = Double.isNaN(link) ? g.pcieLinkGBs() : Math.min(link, g.pcieLinkGBs());
            }
        }
        if (Double.isNaN(link)) {
            out.absent("pcie_link_gbps", "the PCIe link generation and width are unknown");
        } else {
            out.put("pcie_link_gbps", link, links.size());
        }
        if (byGpu.isEmpty()) {
            String names = info.gpus().stream().filter(g -> used.contains(g.index())).map(GpuInfo::name)
                    .distinct().reduce((a, b) -> a + ", " + b).orElse("unknown GPU");
            boolean supported = info.gpus().stream().anyMatch(g -> used.contains(g.index()) && g.gpmSupported());
            String why = supported ? "no GPM samples in this run" : "GPM is not supported on " + names
                    + " (it needs a Hopper or newer GPU and driver)";
            for (String m : SampleAnalyzer.GPM_METRICS) {
                if (!m.startsWith("pcie_")) {
                    out.absent(m, why);
                }
            }
            return;
        }
        gpm(out, "sm_active_pct", byGpu, from, to, GpmSample::smActivePct);
        gpm(out, "sm_occupancy_pct", byGpu, from, to, GpmSample::smOccupancyPct);
        gpm(out, "tensor_active_pct", byGpu, from, to, GpmSample::tensorActivePct);
        gpm(out, "dram_bw_pct", byGpu, from, to, GpmSample::dramBwPct);
        gpm(out, "fp16_active_pct", byGpu, from, to, GpmSample::fp16ActivePct);
        gpm(out, "fp32_active_pct", byGpu, from, to, GpmSample::fp32ActivePct);
        gpm(out, "pcie_tx_gbps", byGpu, from, to, s -> s.pcieTxMibS() * 1.048576 / 1000);
        gpm(out, "pcie_rx_gbps", byGpu, from, to, s -> s.pcieRxMibS() * 1.048576 / 1000);
        if (Double.isNaN(link)) {
            out.absent("pcie_link_pct", "the PCIe link generation and width are unknown");
        } else {
            gpm(out, "pcie_link_pct", byGpu, from, to, s -> {
                Double l = links.get(s.gpu());
                return l == null ? Double.NaN
                        : 100 * Math.max(s.pcieTxMibS(), s.pcieRxMibS()) * 1.048576 / 1000 / l;
            });
        }
    }

    static void gpm(Metrics.Builder out, String name, Map<Integer, List<GpmSample>> byGpu, double from,
            double to, ToDoubleFunction<GpmSample> f) {
        int cap = byGpu.values().stream().mapToInt(List::size).sum();
        TimeWeighted tw = new TimeWeighted(cap);
        for (List<GpmSample> s : byGpu.values()) {
            // each GPM sample already states its own interval: it covers (time - interval, time]
            for (GpmSample g : s) {
                tw.add(f.applyAsDouble(g), g.timeMs() - g.intervalMs(), g.timeMs(), from, to);
            }
        }
        TimeWeighted.Result r = tw.result();
        if (r.isEmpty()) {
            out.absent(name, "no GPM value in the active window");
        } else {
            out.put(name, r.mean(), r.n(), r.spread());
        }
    }
}
