package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.AnalysisSettings;
import autoglm.diagnose.charts.ChartBuilder;
import autoglm.diagnose.charts.ChartSet;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.ThresholdOverrides;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report: self-contained, its charts drawn in headless Chromium, untrusted names escaped. */
class HtmlReportTest {
    private static final String SCRIPT = "<script>alert(1)</script>";

    @TempDir
    Path tmp;

    private static Diagnoser diagnoser() {
        return new Diagnoser(RuleCatalogue.bundled(), ThresholdOverrides.none(), AnalysisSettings.defaults());
    }

    private Path write(Diagnosis d, String name) throws Exception {
        StringWriter w = new StringWriter();
        new HtmlReport(ChartBuilder.of(d, null)).write(d, w);
        Path f = tmp.resolve(name);
        Files.writeString(f, w.toString(), StandardCharsets.UTF_8);
        return f;
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void selfContainedWithOneSvgPerChart() throws Exception {
        Diagnosis d = diagnoser().diagnose(List.of(Fixtures.trace(Fixtures.DECODE_KV)));
        ChartSet charts = ChartBuilder.of(d, null);
        assertEquals(6, charts.size(), "busy over time, launch queue, copy bandwidth, iteration times, gaps, top kernels");
        String html = Files.readString(write(d, "r.html"));
        assertEquals(charts.size(), count(html, "<svg "));
        assertFalse(html.contains("<script"), "no script at all");
        assertFalse(html.contains("http://") && !html.contains("http://www.w3.org"), "no network");
        assertFalse(html.matches("(?s).*(src|href)=\"https?:.*"), "nothing fetched");
        assertTrue(html.contains("Content-Security-Policy"));
        assertTrue(html.contains("launch-bound"));
    }

    @Test
    void chromiumRendersTheChartsOfAFixtureTrace() throws Exception {
        Diagnosis d = diagnoser().diagnose(List.of(Fixtures.trace(Fixtures.DECODE_KV)));
        Path html = write(d, "report.html");
        Path png = tmp.resolve("shot.png");
        Chromium.run(html, tmp, "--window-size=1400,4200", "--screenshot=" + png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1400, img.getWidth());
        // the first series of every chart is drawn in SvgCharts.FIRST: count its pixels in the screenshot
        int rgb = SvgCharts.FIRST.getRGB() & 0xffffff;
        long drawn = 0;
        int firstRow = -1;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) {
                    drawn++;
                    firstRow = firstRow < 0 ? y : firstRow;
                }
            }
        }
        // the bars of the histograms and the top kernels alone cover far more than this
        assertTrue(drawn > 20_000, "chart pixels in the screenshot: " + drawn);
        assertTrue(firstRow > 200, "the charts come after the findings, at row " + firstRow);
    }

    @Test
    void aKernelNamedScriptIsEscapedTextInTheRenderedPage() throws Exception {
        ObjectNode t = Fixtures.read(Fixtures.DECODE_KV);
        for (JsonNode e : t.get("traceEvents")) {
            if (e.path("cat").asText().equals("kernel")) {
                ((ObjectNode) e).put("name", SCRIPT);
            }
        }
        Diagnosis d = diagnoser().diagnose(List.of(Fixtures.write(t, tmp.resolve("hostile.json.gz"))));
        Path html = write(d, "hostile.html");
        String source = Files.readString(html);
        assertFalse(source.contains(SCRIPT));
        assertTrue(source.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        String dom = Chromium.run(html, tmp, "--dump-dom");
        assertEquals(0, count(dom.toLowerCase(java.util.Locale.ROOT), "<script"), "no script element in the DOM");
        assertTrue(dom.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"), "the name is text in the table");
    }
}
