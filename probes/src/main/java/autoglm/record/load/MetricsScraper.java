package autoglm.record.load;

import autoglm.model.load.Scrape;
import autoglm.model.load.SeriesKey;
import autoglm.read.prometheus.Exposition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scrapes the server's Prometheus page (docs/load.md#server-metrics) at the start, every interval, and at the end,
 * on its own thread. A failed scrape is counted by its reason and never stops the load; malformed lines are counted.
 */
public final class MetricsScraper implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final URI uri;
    private final long t0Ns;
    private final long intervalMs;
    private final List<Scrape> scrapes = new ArrayList<>();
    private final Map<String, Long> errors = new LinkedHashMap<>();
    private Thread thread;
    private volatile boolean running;

    public MetricsScraper(URI uri, long t0Ns, long intervalMs) {
        this.uri = uri;
        this.t0Ns = t0Ns;
        this.intervalMs = intervalMs;
    }

    public void start() {
        running = true;
        scrapeOnce();
        thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    scrapeOnce();
                }
            }
        }, "metrics-scraper");
        thread.setDaemon(true);
        thread.start();
    }

    /** One scrape now; false when it failed (its reason is counted). */
    public boolean scrapeOnce() {
        double t = (System.nanoTime() - t0Ns) / 1e6;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                count("http-" + r.statusCode());
                return false;
            }
            Exposition.Page page = Exposition.parse(r.body());
            if (!page.malformed().isEmpty()) {
                count("malformed lines", page.malformed().size());
            }
            Map<SeriesKey, Double> series = new LinkedHashMap<>();
            for (Exposition.Family f : page.families()) {
                for (Exposition.Sample s : f.samples()) {
                    series.put(SeriesKey.of(s.name(), s.labels()), s.value());
                }
            }
            if (series.isEmpty()) {
                count("no metric on the page");
                return false;
            }
            synchronized (scrapes) {
                scrapes.add(new Scrape(t, series));
            }
            return true;
        } catch (java.net.ConnectException e) {
            count("refused");
        } catch (java.net.http.HttpTimeoutException e) {
            count("timeout");
        } catch (java.io.IOException e) {
            count("reset");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private synchronized void count(String why) {
        count(why, 1);
    }

    private synchronized void count(String why, long n) {
        errors.merge(why, n, Long::sum);
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(6000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        scrapeOnce();
    }

    public List<Scrape> scrapes() {
        synchronized (scrapes) {
            return List.copyOf(scrapes);
        }
    }

    public synchronized Map<String, Long> errors() {
        return Map.copyOf(errors);
    }
}
