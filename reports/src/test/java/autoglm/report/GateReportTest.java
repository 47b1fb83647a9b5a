package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.Results;
import autoglm.gate.Gate;
import autoglm.gate.GateCheck;
import autoglm.gate.GateResult;
import autoglm.gate.GateThresholds;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class GateReportTest {
    private static GateResult regressed() {
        return Gate.evaluate(Results.of(Fixtures.DECODE_KV), Results.of(Fixtures.DECODE_NO_KV), GateThresholds.defaults());
    }

    private static String junit(GateResult r) throws Exception {
        StringWriter w = new StringWriter();
        new GateJunitReport().write(r, w);
        return w.toString();
    }

    @Test
    void theJunitXmlIsValidAndNamesEachFailedMetric() throws Exception {
        GateResult r = regressed();
        String xml = junit(r);
        SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(GateReportTest.class.getResource("/junit.xsd"))
                .newValidator().validate(new StreamSource(new StringReader(xml)));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(xml)));
        List<String> failed = new ArrayList<>();
        NodeList cases = doc.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            if (c.getElementsByTagName("failure").getLength() == 1) {
                failed.add(c.getAttribute("classname") + ":" + c.getAttribute("name"));
                String message = ((Element) c.getElementsByTagName("failure").item(0)).getAttribute("message");
                assertTrue(message.contains(c.getAttribute("name")), message);
            }
        }
        List<String> expected = new ArrayList<>();
        for (GateCheck c : r.checks()) {
            if (c.failed()) {
                expected.add("autoglm.gate.metrics:" + c.threshold().key());
            }
        }
        r.findings().stream().filter(f -> f.failed()).forEach(f -> expected.add("autoglm.gate.findings:" + f.rule()));
        // step_time_ms: within noise by Welch, but its median moved past the limit too
        assertEquals(List.of("autoglm.gate.metrics:step_time_ms", "autoglm.gate.metrics:p99_step_time_ms",
                "autoglm.gate.findings:no-kv-cache"), expected);
        assertEquals(expected, failed);
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertEquals(Integer.toString(cases.getLength()), suite.getAttribute("tests"));
        assertEquals("3", suite.getAttribute("failures"));
        assertEquals(Long.toString(r.count(GateCheck.Status.SKIPPED)), suite.getAttribute("skipped"));
    }

    @Test
    void aPassingGateHasNoFailureElement() throws Exception {
        String xml = junit(Gate.evaluate(Results.of(Fixtures.DECODE_KV), Results.of(Fixtures.DECODE_KV),
                GateThresholds.defaults()));
        assertFalse(xml.contains("<failure"), xml);
        assertTrue(xml.contains("failures=\"0\""));
    }

    @Test
    void markdownAndTextSayFailAndName() throws Exception {
        GateResult r = regressed();
        StringWriter md = new StringWriter();
        new GateMarkdownReport().write(r, md);
        assertTrue(md.toString().startsWith("### autoglm gate: FAIL\n"), md.toString());
        assertTrue(md.toString().contains("| **fail** | p99\\_step\\_time\\_ms |"), md.toString());
        StringWriter text = new StringWriter();
        new GateTextReport().write(r, text);
        assertTrue(text.toString().contains("\nFAIL: 3 metrics passed, 2 failed, 0 missing from the current result, "
                + "0 bad values, 0 past the limit within noise, 9 skipped; 1 finding failed\n"), text.toString());
    }

    @Test
    void anIncompleteRunAMissingMetricAndABadValueAreNamedInEveryFormat() throws Exception {
        autoglm.result.ResultSummary a = Results.of(Fixtures.DECODE_KV);
        java.util.Map<String, autoglm.analyse.Metric> m = new java.util.LinkedHashMap<>(a.metrics());
        m.put("step_time_ms", autoglm.analyse.Metric.of("step_time_ms", autoglm.analyse.Unit.MILLISECONDS, Double.NaN,
                7, autoglm.analyse.Spread.NONE));
        m.remove("gpu_busy_pct");
        autoglm.result.ResultSummary cur = new autoglm.result.ResultSummary("cur", m, a.findings(), a.kernels(),
                a.kernelsNote(), a.iterations(), new autoglm.result.ResultSummary.RunState("interrupted", false,
                        "autoglm got SIGINT"));
        GateResult r = Gate.evaluate(a, cur, GateThresholds.defaults());
        assertFalse(r.passed());
        String xml = junit(r);
        SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(GateReportTest.class.getResource("/junit.xsd"))
                .newValidator().validate(new StreamSource(new StringReader(xml)));
        assertTrue(xml.contains("type=\"incomplete\""), xml);
        assertTrue(xml.contains("message=\"the current run is incomplete (interrupted: autoglm got SIGINT)\""), xml);
        assertTrue(xml.contains("message=\"gpu_busy_pct is missing: in the baseline but not in the current result\""), xml);
        assertTrue(xml.contains("message=\"step_time_ms is bad: the current value is NaN, not a finite number\""), xml);
        assertTrue(xml.contains("failures=\"4\""), xml);
        StringWriter md = new StringWriter();
        new GateMarkdownReport().write(r, md);
        assertTrue(md.toString().contains("**fail**: the current run is incomplete (interrupted"), md.toString());
        assertTrue(md.toString().contains("| **missing** | gpu\\_busy\\_pct |"), md.toString());
        assertTrue(md.toString().contains("| **bad** | step\\_time\\_ms |"), md.toString());
        StringWriter text = new StringWriter();
        new GateTextReport().write(r, text);
        assertTrue(text.toString().contains("  run        interrupted (INCOMPLETE)\n"), text.toString());
        assertTrue(text.toString().contains("; the current run is incomplete\n"), text.toString());
        assertTrue(text.toString().contains("1 missing from the current result, 2 bad values"), text.toString());
    }
}
