package autoglm.bench;

import autoglm.record.load.Outcome;
import autoglm.record.load.StreamClient;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How much streaming the load client sustains, and how late it timestamps what arrives (docs/benchmarks.md, "Load
 * client"). A zero-cost server in this JVM (sockets and hand-written HTTP/1.1: no model, no tokenizer) answers each POST with
 * CHUNKS server-sent events GAP_US apart, each shaped as vLLM's token frames, and notes when it wrote each; the
 * client ({@link StreamClient}, as autoglm load uses it) keeps STREAMS streams in flight for SECONDS. Both read the
 * same System.nanoTime, so a chunk's arrival time minus its write time is the latency the client adds (loopback,
 * the JDK's HTTP stack, line splitting, SSE and JSON parsing, the timestamp). Prints one JSON line.
 *
 * The first WARMUP seconds (JIT compilation, connection set-up) are run and left out of every figure, as JMH's warm-up
 * iterations are.
 *
 * <p>Usage: java -cp benchmarks.jar autoglm.bench.ClientBench [STREAMS=256] [CHUNKS=64] [GAP_US=20000] [SECONDS=20]
 * [WARMUP=5] [THREADS=2]: server and client in this JVM. Or the server in another process (each pinned to its own
 * core with taskset; System.nanoTime is CLOCK_MONOTONIC, one clock for both):
 * {@code ClientBench serve PORT CHUNKS GAP_US SENTFILE} and {@code ClientBench URL STREAMS SECONDS WARMUP THREADS
 * SENTFILE}.
 */
public final class ClientBench {
    private static final byte[] FRAME_HEAD = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\","
            .getBytes(StandardCharsets.US_ASCII);

    private ClientBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("serve")) {
            serveMain(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]) * 1000,
                    Path.of(args[4]));
            return;
        }
        boolean remote = args.length > 0 && args[0].startsWith("http");
        int streams = Integer.parseInt(arg(args, remote ? 1 : 0, "256"));
        int chunks = remote ? 0 : Integer.parseInt(arg(args, 1, "64"));
        long gapNs = remote ? 0 : Long.parseLong(arg(args, 2, "20000")) * 1000;
        double seconds = Double.parseDouble(arg(args, remote ? 2 : 3, "20"));
        double warmupSeconds = Double.parseDouble(arg(args, remote ? 3 : 4, "5"));
        int threads = Integer.parseInt(arg(args, remote ? 4 : 5, "2"));
        Map<String, long[]> written = new ConcurrentHashMap<>();
        ServerSocket listener = null;
        URI uri;
        if (remote) {
            uri = URI.create(args[0]);
        } else {
            listener = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            ServerSocket l = listener;
            Thread acceptor = new Thread(() -> serve(l, chunks, gapNs, written, null), "bench-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            uri = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/v1/chat/completions");
        }
        ExecutorService clientThreads = threads > 0 ? Executors.newFixedThreadPool(threads) : Executors.newCachedThreadPool();
        StreamClient client = new StreamClient(Duration.ofSeconds(60), threads < 0 ? Runnable::run : clientThreads);
        long measureFrom = System.nanoTime() + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        List<Object[]> done = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong ids = new AtomicLong(remote ? ProcessHandle.current().pid() * 1_000_000L : 0);
        for (int s = 0; s < streams; s++) {
            loops.add(loop(client, uri, ids, measureFrom, end, done));
        }
        CompletableFuture.allOf(loops.toArray(new CompletableFuture[0])).join();
        double elapsed = (System.nanoTime() - measureFrom) / 1e9;
        if (listener != null) {
            listener.close();
        }
        clientThreads.shutdownNow();
        if (remote) {
            Thread.sleep(500); // the server appends a request's write times when it ends it
            for (String line : Files.readAllLines(Path.of(args[5]))) {
                String[] f = line.split(" ");
                written.put(f[0], Arrays.stream(f, 1, f.length).mapToLong(Long::parseLong).toArray());
            }
        }
        List<long[]> lateness = new ArrayList<>();
        AtomicLong requests = new AtomicLong();
        AtomicLong chunkCount = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        int perRequest = 0;
        for (Object[] d : done) {
            long[] sent = written.get((String) d[0]);
            perRequest = sent == null ? perRequest : sent.length;
            record((Outcome) d[1], sent, lateness, requests, chunkCount, errors);
        }
        long n = lateness.stream().mapToLong(a -> a.length).sum();
        long[] all = new long[(int) n];
        int k = 0;
        for (long[] a : lateness) {
            System.arraycopy(a, 0, all, k, a.length);
            k += a.length;
        }
        Arrays.sort(all);
        System.out.println(String.format(Locale.ROOT, "{\"server\":\"%s\",\"streams\":%d,\"chunks_per_request\":%d,"
                + "\"seconds\":%.2f,\"requests\":%d,\"errors\":%d,\"requests_per_s\":%.1f,\"chunks\":%d,"
                + "\"chunks_per_s\":%.0f,\"added_latency_us\":{\"n\":%d,\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,"
                + "\"max\":%.1f}}", remote ? "another process" : "this JVM", streams, perRequest, elapsed, requests.get(),
                errors.get(), requests.get() / elapsed, chunkCount.get(), chunkCount.get() / elapsed, n, q(all, 0.5),
                q(all, 0.9), q(all, 0.99), n == 0 ? Double.NaN : all[all.length - 1] / 1e3));
    }

    private static String arg(String[] args, int i, String dflt) {
        return args.length > i ? args[i] : dflt;
    }

    /** The zero-cost server on its own (another process, e.g. on another core): write times go to SENTFILE. */
    private static void serveMain(int port, int chunks, long gapNs, Path sentFile) throws Exception {
        ServerSocket listener = new ServerSocket(port, 1024, InetAddress.getLoopbackAddress());
        java.io.Writer log = Files.newBufferedWriter(sentFile);
        System.out.println("serving on " + listener.getLocalPort());
        serve(listener, chunks, gapNs, new ConcurrentHashMap<>(), log);
    }

    private static double q(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] / 1e3;
    }

    /** One stream slot: requests one after the other until the end; the measured ones noted with their id. */
    private static CompletableFuture<Void> loop(StreamClient client, URI uri, AtomicLong ids, long measureFrom,
            long end, List<Object[]> done) {
        long now = System.nanoTime();
        if (now >= end) {
            return CompletableFuture.completedFuture(null);
        }
        boolean measured = now >= measureFrom;
        String id = Long.toString(ids.incrementAndGet());
        byte[] body = ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.US_ASCII);
        return client.send(uri, body).thenCompose(o -> {
            if (measured) {
                done.add(new Object[] {id, o});
            }
            return loop(client, uri, ids, measureFrom, end, done);
        });
    }

    private static void record(Outcome o, long[] sent, List<long[]> lateness, AtomicLong requests,
            AtomicLong chunkCount, AtomicLong errors) {
        // chunk 0 is the opening role frame, sent before the stream's token frames are due (the client times it as
        // vLLM's bench does); the token frames follow it one for one
        if (!o.status().equals("ok") || sent == null || sent.length != o.chunkNs().size() - 1) {
            errors.incrementAndGet();
            return;
        }
        requests.incrementAndGet();
        chunkCount.addAndGet(sent.length);
        long[] late = new long[sent.length];
        for (int i = 0; i < sent.length; i++) {
            late[i] = o.chunkNs().get(i + 1) - sent[i];
        }
        lateness.add(late);
    }

    /**
     * The zero-cost server: a socket per connection (kept alive), TCP_NODELAY as uvicorn sets it, HTTP/1.1 read by
     * hand (request line, headers, a Content-Length body), answered with chunked framing. One writer thread sends
     * every stream's frames when they fall due (a priority queue by due time), so the server costs one wake-up and
     * one write per frame and leaves the CPU to the client. The JDK's own HTTP server was tried first: it held
     * frames back by up to 200 ms at 8 streams, which measured it, not the client; a thread per stream spent the
     * two cores on context switches.
     */
    private static final class Stream {
        final OutputStream out;
        final String id;
        final long[] sent;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        long due;
        int next;

        Stream(OutputStream out, String id, int chunks, long start) {
            this.out = out;
            this.id = id;
            this.sent = new long[chunks];
            this.due = start;
        }
    }

    private static final java.util.concurrent.PriorityBlockingQueue<Stream> DUE =
            new java.util.concurrent.PriorityBlockingQueue<>(1024, java.util.Comparator.comparingLong(x -> x.due));

    private static void writer(long gapNs, Map<String, long[]> written, java.io.Writer log) {
        while (true) {
            Stream st;
            try {
                st = DUE.take();
            } catch (InterruptedException e) {
                return;
            }
            long wait = st.due - System.nanoTime();
            if (wait > 0) {
                DUE.add(st);
                LockSupport.parkNanos(Math.min(wait, 200_000));
                continue;
            }
            try {
                int i = st.next++;
                byte[] f = frame(i < st.sent.length / 2 ? "{\"reasoning_content\":\" tok\"}" : "{\"content\":\" tok\"}");
                st.sent[i] = System.nanoTime();
                chunk(st.out, f);
                if (st.next < st.sent.length) {
                    st.due += gapNs;
                    DUE.add(st);
                } else {
                    written.put(st.id, st.sent);
                    if (log != null) {
                        StringBuilder b = new StringBuilder(st.id);
                        for (long t : st.sent) {
                            b.append(' ').append(t);
                        }
                        log.write(b.append('\n').toString());
                        log.flush();
                    }
                    chunk(st.out, ("data: {\"id\":\"chatcmpl-bench\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,"
                            + "\"completion_tokens\":" + st.sent.length + "}}\n\ndata: [DONE]\n\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    st.out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    st.out.flush();
                    st.done.complete(null);
                }
            } catch (IOException e) {
                st.done.completeExceptionally(e);
            }
        }
    }

    private static void serve(ServerSocket listener, int chunks, long gapNs, Map<String, long[]> written,
            java.io.Writer log) {
        Thread w = new Thread(() -> writer(gapNs, written, log), "bench-writer");
        w.setDaemon(true);
        w.start();
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> connection(s, chunks, gapNs), "bench-server");
            t.setDaemon(true);
            t.start();
        }
    }

    private static void connection(Socket s, int chunks, long gapNs) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 14)) {
            s.setTcpNoDelay(true);
            while (true) {
                int length = -1;
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                while (!(line = readLine(in)).isEmpty()) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                String body = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
                String id = body.substring(body.indexOf(":\"") + 2, body.lastIndexOf('"'));
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                chunk(out, frame("{\"role\":\"assistant\",\"content\":\"\"}"));
                Stream st = new Stream(out, id, chunks, System.nanoTime() + gapNs);
                DUE.add(st);
                st.done.join();
            }
        } catch (IOException | RuntimeException e) {
            // the client closed the connection
        }
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write('\r');
        out.write('\n');
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static byte[] frame(String delta) {
        byte[] tail = ("\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}\n\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] f = Arrays.copyOf(FRAME_HEAD, FRAME_HEAD.length + tail.length);
        System.arraycopy(tail, 0, f, FRAME_HEAD.length, tail.length);
        return f;
    }
}
