package autoglm.read.prometheus;

import autoglm.model.load.Scrape;
import autoglm.model.load.SeriesKey;
import autoglm.util.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

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
        return servers(api, selector, startMs, endMs, stepMs, new LinkedHashMap<>(), name -> true);
    }

    /**
     * The same, keeping only the series whose name {@code names} accepts (those the analyses read), and counting in
     * {@code refused} (reason: samples) what was left out past the query's limits and the points refused
     * ({@link Points}: outside the window, a time given twice, one series given twice with different values).
     */
    public static List<Instance> servers(PrometheusApi api, String selector, double startMs, double endMs,
            double stepMs, Map<String, Long> refused, Predicate<String> names) {
        String query = "{__name__=~\"" + SERVER_NAMES + "\"" + matchers(selector) + "}";
        PrometheusApi.Answer answer = api.range(query, startMs, endMs, stepMs, names);
        answer.left().forEach((k, v) -> refused.merge(k, v, Long::sum));
        Map<String, Map<SeriesKey, List<Points.Of>>> byInstance = new TreeMap<>();
        Map<String, String> jobs = new LinkedHashMap<>();
        Map<String, String> models = new LinkedHashMap<>();
        for (PrometheusApi.Series s : answer.series()) {
            String instance = s.labels().getOrDefault("instance", "");
            jobs.putIfAbsent(instance, s.labels().getOrDefault("job", ""));
            String model = s.labels().get("model_name");
            if (model != null && !model.isEmpty()) {
                models.putIfAbsent(instance, model);
            }
            byInstance.computeIfAbsent(instance, k -> new LinkedHashMap<>()).computeIfAbsent(key(s.labels()),
                    k -> new ArrayList<>()).add(Points.checked(s.timesMs(), s.values(), startMs, endMs, refused));
        }
        List<Instance> out = new ArrayList<>();
        for (Map.Entry<String, Map<SeriesKey, List<Points.Of>>> e : byInstance.entrySet()) {
            out.add(new Instance(e.getKey(), jobs.get(e.getKey()), models.getOrDefault(e.getKey(), ""),
                    pages(e.getValue(), refused)));
        }
        return out;
    }

    /**
     * One instance's series as the pages a scrape would have given, one per distinct time: each page built on its own
     * from an index of the points by page, so that no more than the pages and that index are held at once.
     */
    private static List<Scrape> pages(Map<SeriesKey, List<Points.Of>> byKey, Map<String, Long> refused) {
        List<SeriesKey> keys = new ArrayList<>(byKey.keySet());
        List<Points.Of> series = new ArrayList<>();
        int total = 0;
        for (SeriesKey k : keys) {
            Points.Of p = Points.merged(byKey.get(k), refused);
            series.add(p);
            total += p.size();
        }
        double[] all = new double[total];
        int k = 0;
        for (Points.Of p : series) {
            System.arraycopy(p.t(), 0, all, k, p.size());
            k += p.size();
        }
        java.util.Arrays.sort(all);
        int distinct = 0;
        for (int i = 0; i < all.length; i++) {
            if (i == 0 || all[i] != all[i - 1]) {
                all[distinct++] = all[i];
            }
        }
        double[] times = java.util.Arrays.copyOf(all, distinct);
        // every point as (series, index), grouped by page: a counting sort on the page of each
        int[] start = new int[distinct + 1];
        for (Points.Of p : series) {
            for (double t : p.t()) {
                start[java.util.Arrays.binarySearch(times, t) + 1]++;
            }
        }
        for (int i = 0; i < distinct; i++) {
            start[i + 1] += start[i];
        }
        long[] byPage = new long[total];
        int[] fill = java.util.Arrays.copyOf(start, distinct);
        for (int s = 0; s < series.size(); s++) {
            double[] t = series.get(s).t();
            for (int i = 0; i < t.length; i++) {
                byPage[fill[java.util.Arrays.binarySearch(times, t[i])]++] = (long) s << 32 | i;
            }
        }
        List<Scrape> scrapes = new ArrayList<>(distinct);
        for (int page = 0; page < distinct; page++) {
            Map<SeriesKey, Double> samples = new java.util.HashMap<>();
            for (int j = start[page]; j < start[page + 1]; j++) {
                int s = (int) (byPage[j] >>> 32);
                int i = (int) byPage[j];
                samples.put(keys.get(s), series.get(s).v()[i]);
            }
            scrapes.add(new Scrape(times[page], samples));
        }
        return scrapes;
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
