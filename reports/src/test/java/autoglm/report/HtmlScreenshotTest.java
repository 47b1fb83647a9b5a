package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.charts.ChartBuilder;
import autoglm.read.workload.WorkloadEvents;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The HTML report as Chromium renders it: the header's device line, each chart's axis titles with units, the log
 * axis in readable units, the top-kernels bars labelled with kernel names, read back from the DOM Chromium dumps.
 * The screenshots are kept in target/screenshots/ for a person to look at.
 */
class HtmlScreenshotTest {
    private static final Path SHOTS = Path.of("target/screenshots");

    private static Path html(String name, Diagnosis d, autoglm.model.workload.WorkloadLog workload) throws Exception {
        StringWriter w = new StringWriter();
        new HtmlReport(ChartBuilder.of(d, workload)).write(d, w);
        Files.createDirectories(SHOTS);
        Path f = SHOTS.resolve(name + ".html");
        Files.writeString(f, w.toString(), StandardCharsets.UTF_8);
        return f.toAbsolutePath();
    }

    /** The rendered DOM, and a screenshot beside the file. */
    private static String render(Path html, int height) throws Exception {
        Path work = Files.createTempDirectory(SHOTS, "chromium");
        Path png = html.resolveSibling(html.getFileName().toString().replace(".html", ".png"));
        Chromium.run(html, work, "--window-size=1400," + height, "--screenshot=" + png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1400, img.getWidth());
        return Chromium.run(html, work, "--dump-dom");
    }

    /** The text of each chart's SVG, by chart id. */
    private static Map<String, List<String>> chartTexts(String dom) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher svg = Pattern.compile("(?s)<svg[^>]*id=\"chart-([^\"]+)\".*?</svg>").matcher(dom);
        while (svg.find()) {
            List<String> texts = new ArrayList<>();
            Matcher t = Pattern.compile("(?s)<text[^>]*>(.*?)</text>").matcher(svg.group());
            while (t.find()) {
                texts.add(t.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"));
            }
            out.put(svg.group(1), texts);
        }
        return out;
    }

    /** The header rows, label to value. */
    private static Map<String, String> header(String dom) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher dl = Pattern.compile("(?s)<dl class=\"header\">(.*?)</dl>").matcher(dom);
        assertTrue(dl.find(), "a header");
        Matcher row = Pattern.compile("(?s)<dt>(.*?)</dt><dd>(.*?)</dd>").matcher(dl.group(1));
        while (row.find()) {
            out.putIfAbsent(row.group(1), row.group(2).replace("&nbsp;", " ").replace("\u00a0", " "));
        }
        return out;
    }

    /** The kernel with the most total time, summed straight from the trace's JSON (not through the model). */
    private static String topKernel(Path trace) throws Exception {
        Map<String, Double> total = new HashMap<>();
        for (JsonNode e : Fixtures.read(trace).get("traceEvents")) {
            if ("kernel".equals(e.path("cat").asText()) && "X".equals(e.path("ph").asText())) {
                total.merge(e.path("name").asText(), e.path("dur").asDouble(), Double::sum);
            }
        }
        return total.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    @Test
    void aTraceReportNamesItsDeviceTitlesItsAxesAndLabelsItsBars() throws Exception {
        Path trace = Fixtures.trace(Fixtures.DECODE8);
        Diagnosis d = Diagnoser.withDefaults().diagnose(List.of(trace));
        String dom = render(html("trace", d, WorkloadEvents.read(Fixtures.workloadEvents("mixed-lengths"))), 4200);

        Map<String, String> h = header(dom);
        // the trace's deviceProperties: NVIDIA H100 80GB HBM3, totalGlobalMem 85,029,158,912 B, 9.0, 132 SMs
        assertEquals("NVIDIA H100 80GB HBM3, 79.2 GiB, compute capability 9.0, 132 SMs", h.get("device"));
        assertTrue(h.get("recorded with").startsWith("CUDA runtime "), h.toString());
        assertTrue(h.get("software").startsWith("autoglm "), h.toString());
        assertTrue(h.get("date").matches("20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC"), h.toString());

        Map<String, List<String>> charts = chartTexts(dom);
        assertEquals(List.of("gpu-busy", "launch-queue", "copy-bandwidth", "step-times", "kernel-gaps", "decode-steps",
                "ttft", "e2e", "top-kernels"), List.copyOf(charts.keySet()));
        assertTrue(charts.get("launch-queue").contains("launches waiting"));
        // the example's only stream: at most 8 launches waiting (launch-bound decode), as launch_queue_max says
        assertTrue(charts.get("launch-queue").contains("Launch queue per stream (device 0; at most "
                + (int) d.metrics().get("launch_queue_max").value() + ")"), charts.get("launch-queue").toString());
        assertTrue(charts.get("copy-bandwidth").contains("bandwidth, GB/s"));
        assertTrue(charts.get("gpu-busy").contains("time from the first GPU activity of the window, ms"));
        assertTrue(charts.get("gpu-busy").contains("busy, %"));
        assertTrue(charts.get("step-times").contains("iteration time (CPU side), ms"));
        assertTrue(charts.get("step-times").contains("count of iterations"));
        assertTrue(charts.get("decode-steps").contains("decode step time, ms"));
        assertTrue(charts.get("ttft").contains("time to first token, ms"));
        assertTrue(charts.get("e2e").contains("count of requests"));

        // the log axis: decades in units, never 10^x or exponents
        List<String> gaps = charts.get("kernel-gaps");
        List<String> ticks = gaps.stream().filter(t -> t.matches("[0-9.]+ (ns|us|ms|s)")).toList();
        assertTrue(ticks.containsAll(List.of("1 us", "10 us", "100 us", "1 ms")), gaps.toString());
        assertFalse(gaps.stream().anyMatch(t -> t.contains("^") || t.matches(".*[0-9]E-?[0-9].*")), gaps.toString());

        // the bars: rank and short name, the first the kernel with the most time in the trace
        List<String> bars = charts.get("top-kernels").stream().filter(t -> t.matches("#[0-9]+ .+")).toList();
        assertEquals(10, bars.size(), charts.get("top-kernels").toString());
        String top = topKernel(trace);
        assertTrue(bars.get(0).startsWith("#1 " + top.substring(0, 12)), bars.get(0) + " vs " + top);
        assertEquals(bars.size(), bars.stream().distinct().count(), "distinct labels");
        assertTrue(charts.get("top-kernels").contains("total time, ms"));

        // the spread under a histogram of 8 samples quotes no p99 and no p95
        assertTrue(dom.contains("8 iterations: forward passes (top-level aten::embedding calls); n = 8; p50 "), dom);
        assertFalse(Pattern.compile("n = 8; [^<]*p9[59]").matcher(dom).find(), "no tail percentile of 8 samples");
    }

    @Test
    void aRocmTraceNamesItsDeviceAsRocm() throws Exception {
        Path trace = Fixtures.root().resolve("testdata/hta/mi250_minitoy_train_ROCm6_2_kineto.json.gz");
        Diagnosis d = Diagnoser.withDefaults().diagnose(List.of(trace));
        Map<String, String> h = header(render(html("rocm", d, null), 2400));
        // deviceProperties: AMD Radeon Graphics, 68,702,699,520 B, computeMajor 9 (gfx90a), 104 compute units
        assertEquals("AMD Radeon Graphics (ROCm), 64.0 GiB, 104 compute units", h.get("device"));
        assertTrue(h.get("recorded with").startsWith("ROCm"), h.toString());
    }

    @Test
    void aRunReportShadesTheStartUpAndNamesTheDriver() throws Exception {
        Diagnosis d = Diagnoser.withDefaults().diagnose(List.of(Fixtures.root().resolve("testdata/runs/h100-replay")));
        String dom = render(html("run", d, null), 2600);
        Map<String, String> h = header(dom);
        assertEquals("NVIDIA 580 (recorded), CUDA 13.0", h.get("driver"));
        assertTrue(h.get("GPU 0").startsWith("NVIDIA H100 80GB HBM3, GPU-recorded, 79.6 GiB"), h.toString());
        Map<String, List<String>> charts = chartTexts(dom);
        for (String id : List.of("gpu-util", "gpm-activity", "gpu-memory", "gpu-power")) {
            assertTrue(charts.get(id).contains("time since the command started, s"), id);
            assertTrue(charts.get(id).contains("start-up"), id + ": the left-out start-up is shaded and labelled");
        }
        assertTrue(charts.get("gpu-memory").contains("memory, GiB"));
        assertTrue(charts.get("gpu-power").contains("power, W"));
        assertTrue(dom.contains("shaded: the start-up and tail, left out of the statistics"));
    }

    @Test
    void aLoadReportDrawsItsRequestsBesideTheServersBatchOnOneAxis() throws Exception {
        Path folder = Fixtures.root().resolve("testdata/load/agent-glm-tiny");
        Diagnosis d = Diagnoser.withDefaults().diagnose(List.of(folder));
        autoglm.model.load.LoadRecording load = autoglm.read.load.LoadFiles.read(folder, new HashMap<>());
        StringWriter w = new StringWriter();
        new HtmlReport(ChartBuilder.of(d, null, load)).write(d, w);
        Files.createDirectories(SHOTS);
        Path f = SHOTS.resolve("load.html");
        Files.writeString(f, w.toString(), StandardCharsets.UTF_8);
        String dom = render(f.toAbsolutePath(), 3000);
        Map<String, List<String>> charts = chartTexts(dom);
        assertEquals("load-timeline", charts.keySet().iterator().next(), "the timeline comes first");
        List<String> texts = charts.get("load-timeline");
        for (String t : List.of("Requests and the server's batch on one time axis", "time since the load started, s",
                "request lane", "server, requests", "to first token", "first token to end", "warm-up", "running (batch)",
                "waiting")) {
            assertTrue(texts.contains(t), t + " in " + texts);
        }
        // glm-tiny ran on the CPU: no GPU lines, and no failed request, so neither is drawn nor in the legend
        assertFalse(texts.contains("GPU, %"), texts.toString());
        assertFalse(texts.contains("failed"), texts.toString());
        assertTrue(dom.contains("13 requests of the load, the server's /metrics (n = 13)"),
                "the caption names the sources");
    }
}
