package autoglm.read.prometheus;

import autoglm.util.BadInputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus's HTTP API, read (prometheus.io/docs/prometheus/latest/querying/api): {@code /api/v1/query_range},
 * whose answer is a matrix of series, each its labels and [unix seconds, "value"] pairs. What the server refuses
 * (a bad selector, too many points) comes back as its own error in one line; an address that is not a Prometheus
 * says so. Values are Prometheus's strings read as doubles ("NaN", "+Inf" included).
 */
public final class PrometheusApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One series of a range query: its labels (the metric's name under {@code __name__}) and its points. */
    public record Series(Map<String, String> labels, double[] timesMs, double[] values) {
        public String name() {
            return labels.get("__name__");
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public PrometheusApi(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            this.base = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--prometheus " + url + ": not a URL");
        }
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))
                || base.getHost() == null) {
            throw new BadInputException("--prometheus " + url + ": not an http(s) URL");
        }
    }

    /** {@code query} evaluated from {@code startMs} to {@code endMs} every {@code stepMs}. */
    public List<Series> queryRange(String query, double startMs, double endMs, double stepMs) {
        String q = "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&start=" + seconds(startMs) + "&end="
                + seconds(endMs) + "&step=" + seconds(stepMs);
        JsonNode data = get("/api/v1/query_range?" + q);
        if (!"matrix".equals(data.path("resultType").asText())) {
            throw new BadInputException("--prometheus " + base + ": query_range answered a "
                    + data.path("resultType").asText("?") + ", not a matrix");
        }
        List<Series> out = new ArrayList<>();
        for (JsonNode s : data.path("result")) {
            Map<String, String> labels = new LinkedHashMap<>();
            s.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            JsonNode values = s.path("values");
            double[] t = new double[values.size()];
            double[] v = new double[values.size()];
            for (int i = 0; i < values.size(); i++) {
                t[i] = values.get(i).get(0).asDouble() * 1000;
                v[i] = value(values.get(i).get(1).asText());
            }
            out.add(new Series(labels, t, v));
        }
        return out;
    }

    private static String seconds(double ms) {
        return java.math.BigDecimal.valueOf(ms / 1000).stripTrailingZeros().toPlainString();
    }

    private static double value(String s) {
        switch (s) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.parseDouble(s);
        }
    }

    private JsonNode get(String pathAndQuery) {
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(60))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BadInputException("--prometheus " + base + ": cannot reach it (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInputException("--prometheus " + base + ": interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.has("status")) {
            throw new BadInputException("--prometheus " + base + ": not Prometheus's HTTP API (HTTP " + r.statusCode()
                    + ", no JSON status)");
        }
        if (!"success".equals(body.get("status").asText())) {
            throw new BadInputException("--prometheus " + base + ": Prometheus refused the query: "
                    + body.path("errorType").asText("error") + ": " + body.path("error").asText("(no reason given)"));
        }
        return body.get("data");
    }
}
