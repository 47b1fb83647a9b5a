package autoglm.record.load;

import autoglm.read.openai.ChatChunk;
import autoglm.read.openai.LineSplitter;
import autoglm.read.openai.SseReader;
import autoglm.util.SafeText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The load client's HTTP side (docs/load.md#client): one POST per request over HTTP/1.1 (the JDK's h2c upgrade
 * makes vLLM's server drop the body and answer 400), the answer read as server-sent events as its bytes arrive, each
 * event timed when its line is complete. Nothing blocks a thread per request: 256 streams need no 256 threads. A
 * request that has not ended within the timeout (headers, or the rest of a streaming answer) is cancelled and counted
 * as a timeout. An engine's error in the stream, in whichever shape the engine sends it ({@link ChatChunk}; docs/load.md,
 * "Errors in the stream"), ends the request as {@code server-error} with the engine's message made safe.
 *
 * <p>An answer is reduced as it streams, so a server that floods the client cannot exhaust its memory
 * (docs/load.md#limits): the times of its chunks with choices (at most {@value #MAX_CHUNKS_PER_REQUEST}), its counts
 * and usage, and at most {@value #MAX_TEXT_CHARS} characters each of its reasoning and answer text. Lines are cut by a
 * {@link LineSplitter} in linear time. An answer with more chunks than that, a line longer than
 * {@value #MAX_LINE_BYTES} bytes, an event longer than {@link SseReader#MAX_EVENT_CHARS} characters or more than
 * {@value #MAX_ANSWER_BYTES} bytes in all is closed by the client and counted as {@code too-large}; an error answer
 * (not 200) is read up to {@value #ERROR_BODY_READ_BYTES} bytes and kept to {@value #ERROR_BODY_CHARS} characters;
 * headers the JDK client cannot read (over its 384 KiB limit, a bad status line) count as {@code bad-headers}.
 */
public final class StreamClient {
    /** Chunks with choices timed in one answer: more ends it as too-large. max_tokens of 3,000 makes about 3,002. */
    public static final int MAX_CHUNKS_PER_REQUEST = 131_072;
    /** The longest line of an answer (one SSE line: a chunk's JSON is well under 1 KiB); a longer one: too-large. */
    public static final int MAX_LINE_BYTES = 1 << 20;
    /** All the bytes of one answer's body: more ends it as too-large. */
    public static final long MAX_ANSWER_BYTES = 256L << 20;
    /** The reasoning, and apart from it the answer text, kept of one answer (the agent's history); the rest is cut. */
    public static final int MAX_TEXT_CHARS = 64 * 1024;
    /** The characters of an error answer's body (not 200), or of any error's detail, kept in the request's error. */
    public static final int ERROR_BODY_CHARS = ChatChunk.MESSAGE_CHARS;
    /** The bytes of an error answer's body read before the client closes it. */
    public static final int ERROR_BODY_READ_BYTES = 4 * 1024;
    private final HttpClient http;
    private final Duration timeout;
    private final java.util.Set<CompletableFuture<?>> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public StreamClient(Duration timeout, Executor executor) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (executor != null) {
            b.executor(executor);
        }
        this.http = b.build();
        this.timeout = timeout;
    }

    /**
     * Cancels every request in flight (a signal ended the load): each connection is closed now, not when the process
     * ends. Their outcomes are the load's to record (interrupted), not these futures'.
     */
    public void cancelAll() {
        for (CompletableFuture<?> f : List.copyOf(inFlight)) {
            f.cancel(true);
        }
    }

    /** Sends a body already serialised (images encoded before the clock starts); completes when the answer ends. */
    public CompletableFuture<Outcome> send(URI uri, byte[] body) {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        Collector c = new Collector();
        c.sentNs = System.nanoTime();
        CompletableFuture<HttpResponse<Void>> f = http.sendAsync(req, info -> {
            c.httpStatus = info.statusCode();
            if (info.headers().allValues("content-length").stream().map(String::strip).distinct().count() > 1) {
                // RFC 9112 6.3: differing lengths leave the message's end unknown; the answer cannot be believed
                c.badHeaders("two different Content-Length headers: " + info.headers().allValues("content-length"));
            }
            return c;
        });
        inFlight.add(f);
        f.whenComplete((r, e) -> inFlight.remove(f));
        // the request's timeout bounds only the wait for the headers: a server that hangs mid-answer is cut off here
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!f.isDone()) {
                c.timedOut = true;
                f.cancel(true);
            }
        });
        return f.handle((resp, err) -> c.outcome(c.timedOut ? new HttpTimeoutException("no end of the answer within "
                + timeout.toMillis() + " ms") : err));
    }

    /** The start of a text, up to {@link #MAX_TEXT_CHARS}, never half a surrogate pair; once cut, nothing more. */
    private static final class Prefix {
        private final StringBuilder text = new StringBuilder();
        boolean cut;

        void add(String more) {
            if (cut) {
                return;
            }
            int room = MAX_TEXT_CHARS - text.length();
            if (more.length() <= room) {
                text.append(more);
                return;
            }
            cut = true;
            int end = room > 0 && Character.isHighSurrogate(more.charAt(room - 1)) ? room - 1 : room;
            text.append(more, 0, end);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /**
     * Reads one answer's bytes, its lines and events; all calls come from the client's executor, one at a time. It
     * completes its body itself when it closes an answer (too-large, an error body read far enough).
     */
    private static final class Collector implements HttpResponse.BodySubscriber<Void>, LineSplitter.Lines {
        final CompletableFuture<Void> body = new CompletableFuture<>();
        final LineSplitter lines = new LineSplitter(MAX_LINE_BYTES);
        final SseReader sse = new SseReader();
        final ByteArrayOutputStream errorBody = new ByteArrayOutputStream();
        final Prefix reasoning = new Prefix();
        final Prefix answer = new Prefix();
        Flow.Subscription subscription;
        long[] chunks = new long[64];
        int chunkCount;
        long bytes;
        boolean closed;
        long sentNs;
        long firstTextNs = -1;
        int textChunks;
        long answerNs = -1;
        long prompt = -1;
        long completion = -1;
        volatile int httpStatus;
        volatile boolean timedOut;
        boolean done;
        String status;
        String error;

        @Override
        public CompletionStage<Void> getBody() {
            return body;
        }

        @Override
        public synchronized void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (closed) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                if (closed) {
                    return;
                }
                bytes += b.remaining();
                if (httpStatus != 200) {
                    int take = (int) Math.min(b.remaining(), ERROR_BODY_READ_BYTES - errorBody.size());
                    byte[] part = new byte[take];
                    b.get(part);
                    errorBody.write(part, 0, take);
                    if (errorBody.size() >= ERROR_BODY_READ_BYTES) {
                        close(); // what is kept of it has come: the rest is not read
                    }
                    continue;
                }
                if (bytes > MAX_ANSWER_BYTES) {
                    tooLarge("the answer passed " + count(MAX_ANSWER_BYTES) + " bytes");
                    return;
                }
                lines.feed(b, this);
            }
        }

        @Override
        public void tooLong(int maxBytes) {
            tooLarge("a line of the answer passed " + count(maxBytes) + " bytes");
        }

        @Override
        public void line(String line) {
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            List<SseReader.Event> events = sse.feedLine(line);
            if (sse.tooLarge() > 0) {
                tooLarge("an event of the answer passed " + count(SseReader.MAX_EVENT_CHARS) + " characters");
                return;
            }
            for (SseReader.Event e : events) {
                ChatChunk c = e.errorField() ? ChatChunk.errorField(e.data()) : ChatChunk.of(e.data());
                if (c.choices()) {
                    if (chunkCount == MAX_CHUNKS_PER_REQUEST) {
                        tooLarge("the answer passed " + count(MAX_CHUNKS_PER_REQUEST) + " chunks with choices");
                        return;
                    }
                    chunk(now); // TTFT and ITL as vLLM's bench serve times them: every chunk with choices
                }
                switch (c.kind()) {
                    case TOKENS -> {
                        textChunks++;
                        if (firstTextNs < 0) {
                            firstTextNs = now;
                        }
                        reasoning.add(c.reasoningText());
                        answer.add(c.content());
                        if (!c.reasoning() && answerNs < 0) {
                            answerNs = now;
                        }
                        usage(c);
                    }
                    case USAGE, EMPTY, OTHER -> usage(c);
                    case DONE -> done = true;
                    case ERROR -> fail("server-error", c.error());
                    case MALFORMED -> fail("malformed", c.error());
                    default -> { }
                }
            }
        }

        private void chunk(long now) {
            if (chunkCount == chunks.length) {
                chunks = Arrays.copyOf(chunks, Math.min(chunks.length * 2, MAX_CHUNKS_PER_REQUEST));
            }
            chunks[chunkCount++] = now;
        }

        private void usage(ChatChunk c) {
            if (c.completionTokens() >= 0) {
                completion = c.completionTokens();
            }
            if (c.promptTokens() >= 0) {
                prompt = c.promptTokens();
            }
        }

        private void fail(String kind, String why) {
            if (status == null) {
                status = kind;
                error = why;
            }
        }

        /** Ends the answer as bad-headers before its body is read. */
        synchronized void badHeaders(String why) {
            fail("bad-headers", why);
            close();
        }

        /** Ends the answer as too-large: the client closes the connection, what was measured is kept. */
        private void tooLarge(String why) {
            fail("too-large", why + "; the client closed it (docs/load.md#limits)");
            close();
        }

        private void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (subscription != null) {
                subscription.cancel();
            }
            body.complete(null);
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(null);
        }

        synchronized Outcome outcome(Throwable err) {
            if (err != null) {
                Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                fail(kind(t, httpStatus != 0), t.getClass().getSimpleName() + (t.getMessage() == null ? ""
                        : ": " + t.getMessage()));
            } else if (httpStatus != 200) {
                fail("http-" + httpStatus, new String(errorBody.toByteArray(), StandardCharsets.UTF_8));
            } else if (!done && status == null) {
                fail("incomplete", "the stream ended without [DONE]");
            } else if (textChunks == 0 && status == null) {
                fail("incomplete", "the answer carried no token");
            }
            String s = status == null ? "ok" : status;
            return new Outcome(sentNs, Outcome.times(chunks, chunkCount), firstTextNs, textChunks, answerNs, prompt,
                    completion, s, httpStatus, error == null ? null : detail(error), reasoning.toString(),
                    answer.toString(), reasoning.cut || answer.cut);
        }

        private static String count(long n) {
            return String.format(Locale.ROOT, "%,d", n);
        }

        /** One line, made safe, at most {@link #ERROR_BODY_CHARS} characters: line breaks join the lines. */
        private static String detail(String text) {
            String one = SafeText.safe(text.length() > 4 * ERROR_BODY_CHARS ? text.substring(0, 4 * ERROR_BODY_CHARS)
                    : text).strip();
            return one.length() <= ERROR_BODY_CHARS ? one : one.substring(0, ERROR_BODY_CHARS - 3) + "...";
        }

        private static String kind(Throwable t, boolean started) {
            if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException) {
                return "refused";
            }
            if (t instanceof HttpTimeoutException) {
                return "timeout";
            }
            if (t instanceof SSLException) {
                return "tls";
            }
            if (t instanceof ProtocolException && !started) {
                return "bad-headers"; // headers over the JDK client's limit (384 KiB), a status line it cannot read
            }
            if (t instanceof IOException) {
                return started ? "reset" : "refused";
            }
            return "client-error";
        }
    }
}
