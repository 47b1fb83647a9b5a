package autoglm.report;

import autoglm.gate.FindingCheck;
import autoglm.gate.GateCheck;
import autoglm.gate.GateResult;
import java.io.IOException;
import java.io.Writer;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The gate's verdict as JUnit XML (the Ant/Jenkins format GitHub Actions reporters and GitLab's
 * {@code artifacts:reports:junit} read): one test suite "autoglm gate", one test case per metric (its
 * name is the metric) and per finding above the allowed severity; a failed check is a {@code failure}
 * whose message names the metric, a skipped one is {@code skipped}. Written by StAX, so every string is
 * escaped.
 */
public final class GateJunitReport implements GateReport {
    @Override
    public void write(GateResult r, Writer out) throws IOException {
        try {
            XMLStreamWriter x = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            long failures = r.failedChecks() + r.failedFindings() + (r.incompleteFails() ? 1 : 0);
            long skipped = r.count(GateCheck.Status.SKIPPED);
            int tests = r.checks().size() + r.findings().size() + (r.currentRun() == null ? 0 : 1);
            x.writeStartElement("testsuites");
            counts(x, tests, failures, skipped);
            x.writeCharacters("\n  ");
            x.writeStartElement("testsuite");
            counts(x, tests, failures, skipped);
            x.writeAttribute("time", "0");
            x.writeCharacters("\n    ");
            x.writeStartElement("properties");
            property(x, "baseline", r.baseline());
            property(x, "current", r.current());
            property(x, "thresholds", r.thresholds().source());
            if (r.currentRun() != null) {
                property(x, "current.run.status", r.currentRun().status());
            }
            x.writeEndElement();
            if (r.currentRun() != null) {
                // how the current run ended: a test case of its own, failed when it is incomplete
                x.writeCharacters("\n    ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", "autoglm.gate.run");
                x.writeAttribute("name", "run status");
                x.writeAttribute("time", "0");
                String line = r.currentIncomplete() ? r.incompleteLine() : "the current run is complete ("
                        + r.currentRun().status() + ")";
                x.writeStartElement(r.incompleteFails() ? "failure" : "system-out");
                if (r.incompleteFails()) {
                    x.writeAttribute("message", clean(line));
                    x.writeAttribute("type", "incomplete");
                }
                x.writeCharacters(clean(line));
                x.writeEndElement();
                x.writeEndElement();
            }
            double alpha = r.thresholds().alpha();
            for (GateCheck c : r.checks()) {
                x.writeCharacters("\n    ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", "autoglm.gate.metrics");
                x.writeAttribute("name", c.threshold().key());
                x.writeAttribute("time", "0");
                String line = clean(GateCells.line(c, alpha));
                if (c.failed()) {
                    x.writeStartElement("failure");
                    x.writeAttribute("message", clean(c.status() == GateCheck.Status.FAIL ? c.threshold().key()
                            + " regressed: " + GateCells.change(c) + " against a limit of " + c.threshold().text()
                            : c.threshold().key() + (c.status() == GateCheck.Status.MISSING ? " is missing: " : " is bad: ")
                                    + c.reason()));
                    x.writeAttribute("type", c.status() == GateCheck.Status.FAIL ? "regression"
                            : c.status() == GateCheck.Status.MISSING ? "missing" : "bad-value");
                    x.writeCharacters(line);
                    x.writeEndElement();
                } else if (c.status() == GateCheck.Status.SKIPPED) {
                    x.writeStartElement("skipped");
                    x.writeAttribute("message", clean(c.reason()));
                    x.writeEndElement();
                } else {
                    x.writeStartElement("system-out");
                    x.writeCharacters(line);
                    x.writeEndElement();
                }
                x.writeEndElement();
            }
            for (FindingCheck f : r.findings()) {
                x.writeCharacters("\n    ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", "autoglm.gate.findings");
                x.writeAttribute("name", f.rule());
                x.writeAttribute("time", "0");
                x.writeStartElement(f.failed() ? "failure" : "system-out");
                if (f.failed()) {
                    x.writeAttribute("message", clean("finding " + f.rule() + " is " + f.current().key()
                            + (f.baseline() == null ? ", new" : ", was " + f.baseline().key())));
                    x.writeAttribute("type", "finding");
                }
                x.writeCharacters(clean(GateCells.finding(f)));
                x.writeEndElement();
                x.writeEndElement();
            }
            x.writeCharacters("\n  ");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.flush();
            x.close();
        } catch (XMLStreamException e) {
            // StAX wraps the writer's own failure (a full disk): pass that on as it is
            Throwable cause = e.getNestedException() != null ? e.getNestedException() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot write JUnit XML: " + e.getMessage(), e);
        }
        out.flush();
    }

    private static void counts(XMLStreamWriter x, int tests, long failures, long skipped) throws XMLStreamException {
        x.writeAttribute("name", "autoglm gate");
        x.writeAttribute("tests", Integer.toString(tests));
        x.writeAttribute("failures", Long.toString(failures));
        x.writeAttribute("errors", "0");
        x.writeAttribute("skipped", Long.toString(skipped));
    }

    private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeStartElement("property");
        x.writeAttribute("name", name);
        x.writeAttribute("value", clean(value));
        x.writeEndElement();
    }

    /** XML 1.0 cannot hold most control characters, even escaped: they become U+FFFD. */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                    || Character.isSurrogate(c);
            sb.append(ok ? c : '\ufffd');
        }
        return sb.toString();
    }
}
