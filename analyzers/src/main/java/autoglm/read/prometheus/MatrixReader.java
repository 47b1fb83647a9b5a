package autoglm.read.prometheus;

import autoglm.util.BadInputException;
import autoglm.util.SafeText;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One answer of Prometheus's {@code query_range}, read as it streams (Jackson's JsonParser, no tree of the whole
 * answer): {@code {"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {...}, "values":
 * [[t, "v"], ...]}, ...]}}}, or {@code {"status": "error", "errorType": ..., "error": ...}}. The points of the series
 * kept go into primitive arrays; past {@link PrometheusApi#MAX_SERIES_PER_QUERY} series or
 * {@link PrometheusApi#MAX_SAMPLES_PER_QUERY} samples a series is read past, its samples counted as left out. Any
 * departure from the API's shape is a {@link BadInputException}: one line, naming what is wrong.
 */
final class MatrixReader {
    /** The longest string (a label value, an error message) read from an answer. */
    static final int MAX_STRING_CHARS = 1 << 20;
    private static final int MESSAGE_CHARS = 300;
    private static final JsonFactory JSON = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
            .maxStringLength(MAX_STRING_CHARS).build()).build();

    private final String where;
    private final int httpStatus;
    private final Predicate<String> keep;
    private final List<PrometheusApi.Series> series = new ArrayList<>();
    private long samples;
    private long left;
    private double[] t = new double[256];
    private double[] v = new double[256];

    MatrixReader(String where, int httpStatus, Predicate<String> keep) {
        this.where = where;
        this.httpStatus = httpStatus;
        this.keep = keep;
    }

    PrometheusApi.Answer read(InputStream in) throws IOException {
        boolean status = false;
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notApi();
            }
            String state = null;
            String errorType = null;
            String error = null;
            String resultType = null;
            boolean data = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "status" -> {
                        state = text(p, value);
                        status = true;
                    }
                    case "errorType" -> errorType = text(p, value);
                    case "error" -> error = text(p, value);
                    case "data" -> {
                        if (value == JsonToken.START_OBJECT) {
                            data = true;
                            resultType = data(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (state == null) {
                throw notApi();
            }
            if (!"success".equals(state)) {
                throw new BadInputException(where + ": Prometheus refused the query: " + cut(errorType == null ? "error"
                        : errorType) + ": " + cut(error == null ? "(no reason given)" : error));
            }
            if (!data) {
                throw bad("the answer has no data object");
            }
            if (!"matrix".equals(resultType)) {
                throw new BadInputException(where + ": query_range answered a " + cut(resultType == null ? "?"
                        : resultType) + ", not a matrix");
            }
        } catch (JsonProcessingException e) {
            if (!status) {
                throw notApi();
            }
            throw bad("the answer is not valid JSON (" + cut(String.valueOf(e.getOriginalMessage())) + ")");
        }
        return new PrometheusApi.Answer(List.copyOf(series), left == 0 ? Map.of() : Map.of(PrometheusApi.CUT, left));
    }

    /** The data object, read to its end; returns its resultType. */
    private String data(JsonParser p) throws IOException {
        String resultType = null;
        boolean result = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("resultType")) {
                resultType = text(p, value);
            } else if (field.equals("result")) {
                if (value != JsonToken.START_ARRAY) {
                    throw bad("data.result is not an array");
                }
                result = true;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() != JsonToken.START_OBJECT) {
                        throw bad("an item of data.result is not a series object");
                    }
                    series(p);
                }
            } else {
                p.skipChildren();
            }
        }
        if (!result && "matrix".equals(resultType)) {
            throw bad("data has no result array");
        }
        return resultType;
    }

    /** One series object, read to its end: kept, or read past and counted. */
    private void series(JsonParser p) throws IOException {
        Map<String, String> labels = null;
        int n = -1;
        boolean stored = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("metric")) {
                if (value != JsonToken.START_OBJECT) {
                    throw bad("a series' metric is not an object");
                }
                labels = labels(p);
            } else if (field.equals("values")) {
                if (value != JsonToken.START_ARRAY) {
                    throw bad("a series' values are not an array");
                }
                // stored unless the series is known to be unwanted or past the series limit (its metric may come
                // after its values); the samples limit bounds what is stored
                stored = series.size() < PrometheusApi.MAX_SERIES_PER_QUERY && (labels == null
                        || labels.containsKey("__name__") && keep.test(labels.get("__name__")));
                n = points(p, stored ? PrometheusApi.MAX_SAMPLES_PER_QUERY - samples : 0);
            } else {
                p.skipChildren();
            }
        }
        if (labels == null) {
            throw bad("a series has no metric object");
        }
        String name = labels.get("__name__");
        if (name == null) {
            throw bad("a series' metric has no __name__");
        }
        if (n < 0 || !keep.test(name)) {
            return;
        }
        if (!stored || series.size() >= PrometheusApi.MAX_SERIES_PER_QUERY
                || samples + n > PrometheusApi.MAX_SAMPLES_PER_QUERY) {
            left += n;
            return;
        }
        series.add(new PrometheusApi.Series(Collections.unmodifiableMap(labels), Arrays.copyOf(t, n),
                Arrays.copyOf(v, n)));
        samples += n;
    }

    private Map<String, String> labels(JsonParser p) throws IOException {
        Map<String, String> labels = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String label = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw bad("label " + cut(label) + " of a series is not a string");
            }
            labels.put(label, p.getText());
        }
        return labels;
    }

    /** The [t, "v"] pairs of a series, the first {@code room} of them stored; returns how many there were. */
    private int points(JsonParser p, long room) throws IOException {
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw bad("a point of a series is not a [time, value] pair");
            }
            JsonToken tt = p.nextToken();
            if (tt == JsonToken.END_ARRAY) {
                throw bad("a point of a series is empty");
            }
            if (tt != JsonToken.VALUE_NUMBER_INT && tt != JsonToken.VALUE_NUMBER_FLOAT) {
                throw bad("a point's time is not a number");
            }
            double ms = p.getDoubleValue() * 1000;
            if (!Double.isFinite(ms)) {
                throw bad("a point's time is not a finite number");
            }
            JsonToken vt = p.nextToken();
            double value;
            if (vt == JsonToken.END_ARRAY) {
                throw bad("a point [t] has no value");
            } else if (vt == JsonToken.VALUE_STRING) {
                value = value(p.getText());
            } else if (vt == JsonToken.VALUE_NUMBER_INT || vt == JsonToken.VALUE_NUMBER_FLOAT) {
                value = p.getDoubleValue();
            } else {
                throw bad("a point's value is " + (vt == JsonToken.VALUE_NULL ? "null" : "not a string")
                        + ", not a number in a string");
            }
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw bad("a point has more than a time and a value");
            }
            if (n < room) {
                if (n == t.length) {
                    int grown = (int) Math.min(room, 2L * t.length);
                    t = Arrays.copyOf(t, grown);
                    v = Arrays.copyOf(v, grown);
                }
                t[n] = ms;
                v[n] = value;
            }
            if (n == Integer.MAX_VALUE) {
                throw bad("a series has more points than can be counted");
            }
            n++;
        }
        return n;
    }

    /** A value as Prometheus writes it: a decimal, NaN, +Inf or -Inf; anything else is a bad answer. */
    private double value(String s) {
        try {
            return Exposition.value(s);
        } catch (NumberFormatException e) {
            throw bad("a point's value '" + cut(s.length() > 40 ? s.substring(0, 40) + "..." : s) + "' is not a number");
        }
    }

    private String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return value == JsonToken.VALUE_NULL ? null : "?";
    }

    private BadInputException notApi() {
        return new BadInputException(where + ": not Prometheus's HTTP API (HTTP " + httpStatus + ", no JSON status)");
    }

    private BadInputException bad(String what) {
        return new BadInputException(where + ": not a query_range answer: " + what);
    }

    private static String cut(String s) {
        String one = SafeText.oneLine(s);
        return one.length() > MESSAGE_CHARS ? one.substring(0, MESSAGE_CHARS - 3) + "..." : one;
    }
}
