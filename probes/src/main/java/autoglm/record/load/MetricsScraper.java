package autoglm.record.load;

import autoglm.model.load.Scrape;
import autoglm.model.load.ScrapeAttempt;
import autoglm.model.load.SeriesKey;
import autoglm.read.prometheus.Exposition;
import autoglm.util.BoundedHttp;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Scrapes the server's Prometheus page (docs/load.md#server-metrics) at the start, every interval, and at the end, all
 * on its own thread but the last: the load never waits for a page. Each scrape is bounded (docs/load.md#limits): the
 * whole answer within {@link #DEADLINE_MS}, at most {@link #MAX_PAGE_BYTES} and lines of {@link #MAX_LINE_BYTES};
 * only the series an analysis reads are kept ({@link ScrapePage}), at most {@link #MAX_SERIES_PER_SCRAPE}, the
 * others counted. A failed scrape is counted by its reason and never stops the load; malformed lines are counted.
 * Every scrape, failed or not, is logged with what it cost (fetch and parse, ms).
 */
public final class MetricsScraper implements AutoCloseable {
    /** scrape_errors' key of the lines that did not parse (counted, the scrape kept). */
    public static final String MALFORMED_LINES = "malformed lines";
    /** scrape_errors' key of the samples of series given twice on a page (every copy refused, the scrape kept). */
    public static final String SERIES_TWICE = "series given twice on a page (every copy refused)";
    /** The whole answer (headers and page) of one scrape; past it the scrape counts as "timeout". */
    public static final long DEADLINE_MS = 5_000;
    /** A larger page is refused ("too large"): the scrape is dropped, counted. */
    public static final long MAX_PAGE_BYTES = 32L << 20;
    /** A longer line refuses the page ("line too long"). */
    public static final int MAX_LINE_BYTES = 64 << 10;
    /** Samples of the analysed series on one page; more refuses the page ("too many series"). */
    public static final int MAX_SERIES_PER_SCRAPE = 20_000;
    /** Distinct series whose keys are shared between scrapes; past it each scrape has keys of its own. */
    private static final int MAX_SHARED_KEYS = 100_000;
    /** The outcome of a scrape given up because the load ended. */
    static final String INTERRUPTED = "interrupted";

    private final BoundedHttp http;
    private final CompletableFuture<Void> abandon = new CompletableFuture<>();
    private final URI uri;
    private final long t0Ns;
    private final long intervalMs;
    private final List<Scrape> scrapes = new ArrayList<>();
    private final List<ScrapeAttempt> log = new ArrayList<>();
    private final Map<String, Long> errors = new LinkedHashMap<>();
    private final Map<SeriesKey, SeriesKey> keys = new HashMap<>();
    private Thread thread;
    private volatile boolean running;

    private final CompletableFuture<Void> firstEnded = new CompletableFuture<>();

    public MetricsScraper(URI uri, long t0Ns, long intervalMs) {
        this.uri = uri;
        this.t0Ns = t0Ns;
        this.intervalMs = intervalMs;
        this.http = new BoundedHttp(BoundedHttp.client(Duration.ofSeconds(2))).abandonedWhen(abandon);
    }

    /** Starts scraping on the scraper's thread, the first page at once; returns without waiting for it. */
    public void start() {
        if (abandon.isDone()) {
            return; // the load was interrupted before its traffic started
        }
        running = true;
        thread = new Thread(() -> {
            while (running) {
                scrapeOnce();
                firstEnded.complete(null);
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "metrics-scraper");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits up to {@code ms} for the first scrape {@link #start} began to end (a page or a failure); whether it did.
     * The load waits for it so that the first page, the base the server's counters and histograms are counted from,
     * is taken before any measured request: one taken after would hide the first requests' queue and TTFT
     * observations in the base. A page slower than that does not hold the traffic back.
     */
    public boolean awaitFirst(long ms) throws InterruptedException {
        try {
            firstEnded.get(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    /**
     * Whether {@code uri} serves a page with any sample now (the scraper's bounds; on a thread of its own, so that
     * nobody waits for it unless they choose to). An idle SGLang serves a page with none of its own names yet, so a
     * page counts whatever it holds; Ollama answers 404.
     */
    public static CompletableFuture<Boolean> probe(URI uri) {
        CompletableFuture<Boolean> out = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            MetricsScraper s = new MetricsScraper(uri, System.nanoTime(), 0);
            s.scrapeOnce();
            out.complete(s.log.get(0).ok());
        }, "metrics-probe");
        t.setDaemon(true);
        t.start();
        return out;
    }

    /** One scrape now; false when it failed (its reason is counted). */
    public boolean scrapeOnce() {
        long start = System.nanoTime();
        double t = (start - t0Ns) / 1e6;
        ScrapePage page = new ScrapePage(MAX_SERIES_PER_SCRAPE);
        String outcome;
        try {
            BoundedHttp.Answer a = http.lines(uri, Duration.ofMillis(DEADLINE_MS), MAX_PAGE_BYTES, MAX_LINE_BYTES,
                    page);
            outcome = a.status() != 200 ? "http-" + a.status() : page.tooMany() ? "too many series" : keep(t, page);
        } catch (BoundedHttp.TooLarge e) {
            outcome = e.line() ? "line too long" : "too large";
        } catch (java.net.ConnectException e) {
            outcome = "refused";
        } catch (java.net.http.HttpTimeoutException e) {
            outcome = "timeout";
        } catch (BoundedHttp.Abandoned e) {
            outcome = INTERRUPTED;
        } catch (IOException e) {
            outcome = "reset";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = INTERRUPTED;
        }
        double cost = (System.nanoTime() - start) / 1e6;
        synchronized (this) {
            log.add(new ScrapeAttempt(t, cost, outcome, page.keptSamples(), page.leftOut()));
            // one given up because the load ended (close, or a signal) is logged with its cost, not counted as failed
            if (!outcome.equals(ScrapeAttempt.OK) && !outcome.equals(INTERRUPTED)) {
                errors.merge(outcome, 1L, Long::sum);
            }
        }
        return outcome.equals(ScrapeAttempt.OK);
    }

    /** Parses the kept lines into a scrape; its outcome. Malformed lines are counted, kept or not. */
    private String keep(double t, ScrapePage page) {
        Exposition.Page p = Exposition.parse(page.kept());
        Map<SeriesKey, Double> series = new LinkedHashMap<>();
        for (Exposition.Family f : p.families()) {
            for (Exposition.Sample s : f.samples()) {
                series.put(shared(SeriesKey.of(s.name(), s.labels())), s.value());
            }
        }
        long malformed = page.malformed() + p.malformedLines();
        synchronized (this) {
            if (malformed > 0) {
                errors.merge(MALFORMED_LINES, malformed, Long::sum);
            }
            if (p.duplicates() > 0) {
                errors.merge(SERIES_TWICE, p.duplicates(), Long::sum);
            }
            if (series.isEmpty() && page.leftOut() == 0) {
                return "no metric on the page";
            }
            scrapes.add(new Scrape(t, series));
        }
        return ScrapeAttempt.OK;
    }

    /** One key per series across the scrapes (up to a bound): pages hold references, not copies. */
    private SeriesKey shared(SeriesKey k) {
        synchronized (keys) {
            SeriesKey have = keys.get(k);
            if (have != null) {
                return have;
            }
            if (keys.size() < MAX_SHARED_KEYS) {
                keys.put(k, k);
            }
            return k;
        }
    }

    /**
     * Stops the scraper's thread (a scrape in progress is given up) and takes the last page, on the caller's thread
     * within the deadline, unless {@link #abandon} was called.
     */
    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(DEADLINE_MS + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!abandon.isDone()) {
            scrapeOnce();
        }
    }

    /** A signal ends the load: a scrape in progress is given up at once, and no last page is taken. */
    public void abandon() {
        running = false;
        abandon.complete(null);
    }

    public synchronized List<Scrape> scrapes() {
        return List.copyOf(scrapes);
    }

    /** Every scrape made, in order, failed ones included. */
    public synchronized List<ScrapeAttempt> log() {
        return List.copyOf(log);
    }

    public synchronized Map<String, Long> errors() {
        return Map.copyOf(errors);
    }
}
