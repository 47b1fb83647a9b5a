package autoglm.read.prometheus;

import autoglm.model.load.Scrape;
import autoglm.model.load.SeriesKey;
import autoglm.util.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fleet's serving replicas read back from Prometheus: every vLLM, SGLang, TGI and llama.cpp series of the window,
 * by instance, as the pages a scrape of that instance would have given at each step (so that the analysis of
 * {@code autoglm load}'s own scrapes runs on them unchanged: ServerMetricsAnalysis).
 */
public final class FleetReader {
    /** The names of the serving engines' own metrics. */
    public static final String SERVER_NAMES = "vllm:.+|sglang:.+|tgi_.+|llamacpp:.+";

    /**
     * One replica: its {@code instance} and {@code job} labels, the model it serves (its series' {@code model_name}
     * label, as vLLM and SGLang publish it; empty when none says) and its pages, in time order.
     */
    public record Instance(String instance, String job, String model, List<Scrape> scrapes) {
    }

    private FleetReader() {
    }

    /**
     * The replicas {@code selector} picks ("{job=\"vllm\"}", or empty for all) from {@code startMs} to {@code endMs},
     * one page every {@code stepMs}; in the order of their instance names.
     */
    public static List<Instance> servers(PrometheusApi api, String selector, double startMs, double endMs,
            double stepMs) {
        String query = "{__name__=~\"" + SERVER_NAMES + "\"" + matchers(selector) + "}";
        Map<String, Map<Double, Map<SeriesKey, Double>>> pages = new TreeMap<>();
        Map<String, String> jobs = new LinkedHashMap<>();
        Map<String, String> models = new LinkedHashMap<>();
        for (PrometheusApi.Series s : api.queryRange(query, startMs, endMs, stepMs)) {
            String instance = s.labels().getOrDefault("instance", "");
            jobs.putIfAbsent(instance, s.labels().getOrDefault("job", ""));
            String model = s.labels().get("model_name");
            if (model != null && !model.isEmpty()) {
                models.putIfAbsent(instance, model);
            }
            SeriesKey key = key(s.labels());
            Map<Double, Map<SeriesKey, Double>> byTime = pages.computeIfAbsent(instance, k -> new TreeMap<>());
            for (int i = 0; i < s.timesMs().length; i++) {
                byTime.computeIfAbsent(s.timesMs()[i], k -> new LinkedHashMap<>()).put(key, s.values()[i]);
            }
        }
        List<Instance> out = new ArrayList<>();
        for (Map.Entry<String, Map<Double, Map<SeriesKey, Double>>> e : pages.entrySet()) {
            List<Scrape> scrapes = new ArrayList<>();
            e.getValue().forEach((t, series) -> scrapes.add(new Scrape(t, series)));
            out.add(new Instance(e.getKey(), jobs.get(e.getKey()), models.getOrDefault(e.getKey(), ""), scrapes));
        }
        return out;
    }

    /** The selector's matchers, after a comma, to join with the name's: {@code {job="vllm"}} gives {@code ,job="vllm"}. */
    static String matchers(String selector) {
        String s = selector == null ? "" : selector.trim();
        if (s.isEmpty() || s.equals("{}")) {
            return "";
        }
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new BadInputException("--selector takes label matchers in braces, such as {job=\"vllm\"}, not '"
                    + selector + "'");
        }
        return "," + s.substring(1, s.length() - 1);
    }

    /** The series as the server's page named it: its name and labels, without instance and job. */
    static SeriesKey key(Map<String, String> labels) {
        Map<String, String> rest = new TreeMap<>(labels);
        rest.remove("__name__");
        rest.remove("instance");
        rest.remove("job");
        return SeriesKey.of(labels.get("__name__"), rest);
    }
}
