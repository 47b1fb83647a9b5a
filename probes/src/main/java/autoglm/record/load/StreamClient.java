package autoglm.record.load;

import autoglm.read.openai.ChatChunk;
import autoglm.read.openai.SseReader;
import autoglm.util.SafeText;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 */
public final class StreamClient {
    private static final int ERROR_BODY_CHARS = 300;
    private final HttpClient http;
    private final Duration timeout;

    public StreamClient(Duration timeout, Executor executor) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (executor != null) {
            b.executor(executor);
        }
        this.http = b.build();
        this.timeout = timeout;
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
            return HttpResponse.BodySubscribers.fromLineSubscriber(c, x -> null, StandardCharsets.UTF_8, "\n");
        });
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

    /** Reads the lines of one answer; all calls come from the client's executor, one at a time. */
    private static final class Collector implements Flow.Subscriber<String> {
        final SseReader sse = new SseReader();
        final List<Long> chunks = new ArrayList<>();
        final StringBuilder errorBody = new StringBuilder();
        final StringBuilder reasoning = new StringBuilder();
        final StringBuilder answer = new StringBuilder();
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
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public synchronized void onNext(String line) {
            long now = System.nanoTime();
            if (httpStatus != 200) {
                if (errorBody.length() < ERROR_BODY_CHARS) {
                    errorBody.append(line).append(' ');
                }
                return;
            }
            for (SseReader.Event e : sse.feedLine(line)) {
                ChatChunk c = e.errorField() ? ChatChunk.errorField(e.data()) : ChatChunk.of(e.data());
                if (c.choices()) {
                    chunks.add(now); // TTFT and ITL as vLLM's bench serve times them: every chunk with choices
                }
                switch (c.kind()) {
                    case TOKENS -> {
                        textChunks++;
                        if (firstTextNs < 0) {
                            firstTextNs = now;
                        }
                        reasoning.append(c.reasoningText());
                        answer.append(c.content());
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

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }

        synchronized Outcome outcome(Throwable err) {
            if (err != null) {
                Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                fail(kind(t, httpStatus != 0), t.getClass().getSimpleName() + (t.getMessage() == null ? ""
                        : ": " + t.getMessage()));
            } else if (httpStatus != 200) {
                fail("http-" + httpStatus, errorBody.toString().strip());
            } else if (!done && status == null) {
                fail("incomplete", "the stream ended without [DONE]");
            } else if (textChunks == 0 && status == null) {
                fail("incomplete", "the answer carried no token");
            }
            String s = status == null ? "ok" : status;
            return new Outcome(sentNs, List.copyOf(chunks), firstTextNs, textChunks, answerNs, prompt, completion, s,
                    httpStatus, error == null ? null : SafeText.oneLine(error), reasoning.toString(),
                    answer.toString());
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
            if (t instanceof IOException) {
                return started ? "reset" : "refused";
            }
            return "client-error";
        }
    }
}
