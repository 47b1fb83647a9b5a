package autoglm.util;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * HTTP requests whose whole answer, headers and body, must arrive within a deadline and stay under a size. The JDK's
 * {@code HttpRequest.timeout} bounds only the wait for the headers: a server that sends its body at one byte a second
 * holds a plain {@code send} for ever. Here the answer is read by the JDK client's own threads as it arrives, the
 * caller waits at most the deadline, and when the deadline passes, the size is exceeded or the caller gives up
 * ({@link #abandonedWhen}: a signal that ends the load), the exchange is cancelled and its connection closed.
 * A body can be handed over line by line ({@link #lines}), so a large page is never held whole.
 *
 * <p>Failures are {@link IOException}s: {@link Timeout} (an {@link HttpTimeoutException}), {@link TooLarge},
 * {@link Abandoned}, or what the JDK client throws (a {@link java.net.ConnectException} for a refused connection,
 * an {@link javax.net.ssl.SSLException}, ...).
 */
public final class BoundedHttp {
    /** The whole answer did not arrive within the deadline. */
    public static final class Timeout extends HttpTimeoutException {
        public Timeout(String message) {
            super(message);
        }
    }

    /** The answer was larger than allowed: its body, or one line of it ({@link #line()}). */
    public static final class TooLarge extends IOException {
        private final boolean line;

        public TooLarge(String message, boolean line) {
            super(message);
            this.line = line;
        }

        /** Whether one line was too long (the body as a whole may have been within its bound). */
        public boolean line() {
            return line;
        }
    }

    /** The caller gave up before the answer was whole ({@link #abandonedWhen}). */
    public static final class Abandoned extends IOException {
        public Abandoned(String message) {
            super(message);
        }
    }

    /** An answer read whole: its status, its body (text mode; empty in line mode) and the body's size in bytes. */
    public record Answer(int status, String body, long bytes) {
    }

    private final HttpClient http;
    private final CompletableFuture<?> abandon;

    /** Requests through {@code http}; nothing abandons them but their deadline. */
    public BoundedHttp(HttpClient http) {
        this(http, new CompletableFuture<>());
    }

    private BoundedHttp(HttpClient http, CompletableFuture<?> abandon) {
        this.http = http;
        this.abandon = abandon;
    }

    /** An HTTP/1.1 client (vLLM's server mishandles the JDK's h2c upgrade) with a connect timeout. */
    public static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    /** The same requests, also given up (with {@link Abandoned}) as soon as {@code signal} completes. */
    public BoundedHttp abandonedWhen(CompletableFuture<?> signal) {
        return new BoundedHttp(http, signal);
    }

    /** GETs {@code uri}: its body as UTF-8 text, at most {@code maxBytes}, all within {@code deadline}. */
    public Answer text(URI uri, Duration deadline, long maxBytes) throws IOException, InterruptedException {
        return exchange(HttpRequest.newBuilder(uri).timeout(deadline).GET().build(), deadline, maxBytes, 0, null);
    }

    /** POSTs nothing to {@code uri}: the answer as {@link #text}. */
    public Answer post(URI uri, Duration deadline, long maxBytes) throws IOException, InterruptedException {
        return exchange(HttpRequest.newBuilder(uri).timeout(deadline).POST(HttpRequest.BodyPublishers.noBody())
                .build(), deadline, maxBytes, 0, null);
    }

    /**
     * GETs {@code uri} and hands each line of a 200 answer's body (UTF-8, without its line end) to {@code lines} as
     * it arrives, on the client's thread; another status's body is read and dropped. The body is bounded by {@code
     * maxBytes}, each line by {@code maxLineBytes}, the whole exchange by {@code deadline}.
     */
    public Answer lines(URI uri, Duration deadline, long maxBytes, int maxLineBytes, Consumer<String> lines)
            throws IOException, InterruptedException {
        return exchange(HttpRequest.newBuilder(uri).timeout(deadline).GET().build(), deadline, maxBytes, maxLineBytes,
                lines);
    }

    private Answer exchange(HttpRequest req, Duration deadline, long maxBytes, int maxLineBytes, Consumer<String> lines)
            throws IOException, InterruptedException {
        Reader[] reader = new Reader[1];
        CompletableFuture<HttpResponse<Long>> f = http.sendAsync(req, info -> {
            Reader r = new Reader(maxBytes, maxLineBytes, lines == null ? null : info.statusCode() == 200 ? lines
                    : x -> { });
            reader[0] = r;
            return r;
        });
        try {
            CompletableFuture.anyOf(f, abandon).get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw cancel(f, reader[0], new Timeout("no whole answer within " + seconds(deadline)));
        } catch (InterruptedException e) {
            cancel(f, reader[0], new Abandoned("interrupted"));
            throw e;
        } catch (ExecutionException e) {
            // the exchange failed: read below
        }
        if (!f.isDone()) {
            throw cancel(f, reader[0], new Abandoned("given up before the whole answer arrived"));
        }
        HttpResponse<Long> r;
        try {
            r = f.get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
        Reader rd = reader[0];
        String body = rd != null && rd.whole != null ? rd.whole.toString(StandardCharsets.UTF_8) : "";
        return new Answer(r.statusCode(), body, r.body() == null ? 0 : r.body());
    }

    private static IOException cancel(CompletableFuture<?> f, Reader r, IOException why) {
        if (r != null) {
            r.cancel(why);
        }
        f.cancel(true);
        return why;
    }

    private static IOException unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof IOException io) {
            return io;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        return new IOException(t);
    }

    /** "30 s", "500 ms". */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** Counts the body's bytes against their bound and keeps them whole, or splits them into lines. */
    private static final class Reader implements HttpResponse.BodySubscriber<Long> {
        private final CompletableFuture<Long> done = new CompletableFuture<>();
        private final long maxBytes;
        private final int maxLineBytes;
        private final Consumer<String> lines;
        /** The body in text mode (lines null). */
        final ByteArrayOutputStream whole;
        private byte[] line = new byte[256];
        private int lineLength;
        private long bytes;
        private volatile Flow.Subscription subscription;

        Reader(long maxBytes, int maxLineBytes, Consumer<String> lines) {
            this.maxBytes = maxBytes;
            this.maxLineBytes = maxLineBytes;
            this.lines = lines;
            this.whole = lines == null ? new ByteArrayOutputStream() : null;
        }

        @Override
        public CompletionStage<Long> getBody() {
            return done;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (done.isDone()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (done.isDone()) {
                return;
            }
            try {
                for (ByteBuffer b : buffers) {
                    bytes += b.remaining();
                    if (bytes > maxBytes) {
                        throw new TooLarge("an answer larger than " + maxBytes + " bytes", false);
                    }
                    if (whole != null) {
                        byte[] a = new byte[b.remaining()];
                        b.get(a);
                        whole.write(a, 0, a.length);
                    } else {
                        split(b);
                    }
                }
            } catch (TooLarge e) {
                cancel(e);
            } catch (RuntimeException e) {
                cancel(new IOException("the answer's reader failed: " + e, e));
            }
        }

        private void split(ByteBuffer b) throws TooLarge {
            while (b.hasRemaining()) {
                byte c = b.get();
                if (c == '\n') {
                    emit();
                } else {
                    if (lineLength == maxLineBytes) {
                        throw new TooLarge("a line longer than " + maxLineBytes + " bytes", true);
                    }
                    if (lineLength == line.length) {
                        line = java.util.Arrays.copyOf(line, (int) Math.min((long) line.length * 2, maxLineBytes));
                    }
                    line[lineLength++] = c;
                }
            }
        }

        private void emit() {
            int n = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            lines.accept(new String(line, 0, n, StandardCharsets.UTF_8));
            lineLength = 0;
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (done.isDone()) {
                return;
            }
            try {
                if (lines != null && lineLength > 0) {
                    emit();
                }
                done.complete(bytes);
            } catch (RuntimeException e) {
                done.completeExceptionally(new IOException("the answer's reader failed: " + e, e));
            }
        }

        /** Ends the body now: the caller is told {@code why} and the connection is closed. */
        void cancel(IOException why) {
            done.completeExceptionally(why);
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
