package autoglm.report;

import autoglm.analyse.Metric;
import autoglm.analyse.Quantities;
import autoglm.diagnose.Diagnosis;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A rate sweep (load --profile sweep:K, docs/load.md#profiles) as one table, one row per stage as GuideLLM prints
 * it: the profile, the rate asked and achieved, requests, TTFT mean and p99, ITL p99, E2EL p99, output throughput
 * and goodput; or the same as JSON. Every number comes computed in the stages' diagnoses.
 */
public final class SweepText {
    /** One stage: its profile, its run folder's name, its diagnosis. */
    public record Stage(String profile, String run, Diagnosis diagnosis) {
    }

    private static final String[][] COLUMNS = {{"target", "load_target_rate", ""}, {"req/s", "load_request_rate", ""},
        {"ok", "load_completed", ""}, {"TTFT", "load_ttft_ms", ""}, {"TTFT p99", "load_ttft_ms", "p99"},
        {"ITL p99", "load_itl_ms", "p99"}, {"E2EL p99", "load_e2el_ms", "p99"}, {"out tok/s", "load_output_throughput", ""},
        {"goodput", "load_goodput", ""}};

    private SweepText() {
    }

    public static List<String> lines(List<Stage> stages) {
        List<String> out = new ArrayList<>();
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-22s", "profile"));
        for (String[] c : COLUMNS) {
            head.append(String.format(Locale.ROOT, " %12s", c[0]));
        }
        out.add(head.toString());
        for (Stage s : stages) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-22s", Text.clip(Text.safe(s.profile()), 22)));
            for (String[] c : COLUMNS) {
                row.append(String.format(Locale.ROOT, " %12s", cell(s.diagnosis().metrics().get(c[1]), c[2])));
            }
            out.add(row.toString());
        }
        return out;
    }

    private static String cell(Metric m, String stat) {
        if (!m.present()) {
            return "n/a";
        }
        if (stat.isEmpty()) {
            return Quantities.format(m);
        }
        Double v = m.spread().get(stat);
        return v == null || v.isNaN() ? "n/a" : Quantities.format(v, m.unit());
    }

    public static void json(List<Stage> stages, Writer w) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        ObjectNode o = json.createObjectNode();
        ArrayNode arr = o.putArray("sweep");
        for (Stage s : stages) {
            ObjectNode st = arr.addObject();
            st.put("profile", s.profile());
            st.put("run", s.run());
            ObjectNode ms = st.putObject("metrics");
            for (String[] c : COLUMNS) {
                Metric m = s.diagnosis().metrics().get(c[1]);
                String key = c[2].isEmpty() ? c[1] : c[1] + "." + c[2];
                double v = !m.present() ? Double.NaN : c[2].isEmpty() ? m.value() : m.spread().get(c[2]);
                if (Double.isNaN(v)) {
                    ms.putNull(key);
                } else {
                    ms.put(key, v);
                }
            }
        }
        json.writeValue(w, o);
        w.write('\n');
    }
}
