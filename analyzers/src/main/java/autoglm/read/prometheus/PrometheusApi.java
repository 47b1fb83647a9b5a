package autoglm.read.prometheus;

import autoglm.util.BadInputException;
import autoglm.util.SafeText;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Prometheus's HTTP API, read (prometheus.io/docs/prometheus/latest/querying/api): {@code /api/v1/query_range},
 * whose answer is a matrix of series, each its labels and [unix seconds, "value"] pairs. What the server refuses
 * (a bad selector, too many points) comes back as its own error in one line; an address that is not a Prometheus
 * says so. Values are Prometheus's strings read as doubles ("NaN", "+Inf" included).
 *
 * <p>Bounded (docs/fleet.md, "Limits"): the whole answer, headers and body, must come within the deadline
 * ({@link #DEFAULT_DEADLINE_MS} unless given), enforced off the reading thread, which closes the answer at the
 * deadline; the answer is read as it streams ({@link MatrixReader}), never held whole, and keeps at most
 * {@link #MAX_SERIES_PER_QUERY} series and {@link #MAX_SAMPLES_PER_QUERY} samples of one query: what is past them is
 * counted in {@link Answer#left()} and said in the report's data loss. An answer that is not the API's shape (no
 * {@code data}, a {@code result} that is not an array, a series without {@code __name__}, a point without its value,
 * a value that is not a number) is one line and exit 2.
 */
public final class PrometheusApi {
    /** How long one query's whole answer may take, headers and body, unless the caller gives another deadline. */
    public static final long DEFAULT_DEADLINE_MS = 60_000;
    /** The most series one query keeps; the rest are left out and counted. */
    public static final int MAX_SERIES_PER_QUERY = 10_000;
    /** The most samples (points) one query keeps; a series that would pass it is left out whole and counted. */
    public static final long MAX_SAMPLES_PER_QUERY = 500_000;

    /** Why samples past the limits are left out, as the data loss says it. */
    public static final String CUT = "Prometheus samples left out past the limits of one query ("
            + String.format(java.util.Locale.ROOT, "%,d", MAX_SAMPLES_PER_QUERY) + " samples, "
            + String.format(java.util.Locale.ROOT, "%,d", MAX_SERIES_PER_QUERY)
            + " series): narrow --selector or the window, or lengthen --step";

    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "prometheus-deadline");
        t.setDaemon(true);
        return t;
    });

    /** One series of a range query: its labels (the metric's name under {@code __name__}) and its points. */
    public record Series(Map<String, String> labels, double[] timesMs, double[] values) {
        public String name() {
            return labels.get("__name__");
        }
    }

    /** What one query kept, and what it left out past its limits (reason: samples). */
    public record Answer(List<Series> series, Map<String, Long> left) {
    }

    private final URI base;
    private final long deadlineMs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public PrometheusApi(String url) {
        this(url, DEFAULT_DEADLINE_MS);
    }

    /** The API at {@code url}, each query's whole answer within {@code deadlineMs}. */
    public PrometheusApi(String url, long deadlineMs) {
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
        if (!(deadlineMs > 0)) {
            throw new BadInputException("--prometheus-timeout must be positive");
        }
        this.deadlineMs = deadlineMs;
    }

    /** {@code query} evaluated from {@code startMs} to {@code endMs} every {@code stepMs}: every series it kept. */
    public List<Series> queryRange(String query, double startMs, double endMs, double stepMs) {
        return range(query, startMs, endMs, stepMs, name -> true).series();
    }

    /**
     * {@code query} evaluated from {@code startMs} to {@code endMs} every {@code stepMs}; only the series whose
     * {@code __name__} {@code keep} accepts are kept (the others are read past and cost nothing).
     */
    public Answer range(String query, double startMs, double endMs, double stepMs, Predicate<String> keep) {
        String q = "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&start=" + seconds(startMs) + "&end="
                + seconds(endMs) + "&step=" + seconds(stepMs);
        return get("/api/v1/query_range?" + q, keep);
    }

    private static String seconds(double ms) {
        return java.math.BigDecimal.valueOf(ms / 1000).stripTrailingZeros().toPlainString();
    }

    private Answer get(String pathAndQuery, Predicate<String> keep) {
        String where = "--prometheus " + base;
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofMillis(deadlineMs))
                .build();
        AtomicBoolean late = new AtomicBoolean();
        CompletableFuture<HttpResponse<InputStream>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream());
        // the deadline is kept by another thread: it cancels the exchange, or closes the body the reader is blocked on
        ScheduledFuture<?> timer = DEADLINES.schedule(() -> {
            late.set(true);
            f.cancel(true);
            f.thenAccept(r -> close(r.body()));
        }, deadlineMs, TimeUnit.MILLISECONDS);
        try {
            HttpResponse<InputStream> r;
            try {
                r = f.get();
            } catch (CancellationException e) {
                throw late(where);
            } catch (ExecutionException e) {
                Throwable c = e.getCause() == null ? e : e.getCause();
                if (late.get() || c instanceof java.net.http.HttpTimeoutException
                        && !(c instanceof java.net.http.HttpConnectTimeoutException)) {
                    throw late(where);
                }
                throw new BadInputException(where + ": cannot reach it (" + c.getClass().getSimpleName()
                        + (c.getMessage() == null ? "" : ": " + SafeText.oneLine(c.getMessage())) + ")");
            }
            try (InputStream in = r.body()) {
                return new MatrixReader(where, r.statusCode(), keep).read(in);
            } catch (IOException e) {
                if (late.get()) {
                    throw late(where);
                }
                throw new BadInputException(where + ": the answer broke off (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + SafeText.oneLine(e.getMessage())) + ")");
            } catch (BadInputException e) {
                if (late.get()) {
                    throw late(where);
                }
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInputException(where + ": interrupted");
        } finally {
            timer.cancel(false);
        }
    }

    private BadInputException late(String where) {
        return new BadInputException(where + ": no complete answer within " + java.math.BigDecimal.valueOf(
                deadlineMs / 1000.0).stripTrailingZeros().toPlainString() + " s (--prometheus-timeout)");
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing is all the deadline asks
        }
    }
}
