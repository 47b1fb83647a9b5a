package autoglm.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole-answer deadline and the size bounds of {@link BoundedHttp} against a server on loopback (issue 32: "
 * HttpRequest.timeout only covers the headers"): a body sent a byte a second ends in a {@link BoundedHttp.Timeout} and
 * its connection is closed; a body or a line over its bound is refused; a caller that gives up is let go at once;
 * lines arrive as they are sent. Each server answer is one connection; the bound around each case is against a hang.
 */
class BoundedHttpTest {
    private ServerSocket server;
    /** Completed when the server's write to the client fails: the client closed the connection. */
    private final CompletableFuture<Void> clientClosed = new CompletableFuture<>();
    private final CountDownLatch answering = new CountDownLatch(1);

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** Serves one request: {@code head} at once, then each of {@code parts} {@code everyMs} apart. */
    private URI serve(String head, List<byte[]> parts, long everyMs) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                byte[] buf = new byte[8192];
                s.getInputStream().read(buf);
                OutputStream out = s.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                answering.countDown();
                for (byte[] p : parts) {
                    out.write(p);
                    out.flush();
                    Thread.sleep(everyMs);
                }
            } catch (IOException e) {
                clientClosed.complete(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bounded-http-test-server");
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/x");
    }

    private static List<byte[]> bytes(String s) {
        List<byte[]> out = new ArrayList<>();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.add(new byte[] {b});
        }
        return out;
    }

    private static String head(int length) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + length + "\r\n\r\n";
    }

    private static BoundedHttp http() {
        return new BoundedHttp(BoundedHttp.client(Duration.ofSeconds(2)));
    }

    @Test
    void aBodyAtOneBytePerSecondEndsAtTheDeadlineAndItsConnectionIsClosed() throws Exception {
        String body = "x".repeat(600);
        URI uri = serve(head(body.length()), bytes(body), 1000);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            BoundedHttp.Timeout t = assertThrows(BoundedHttp.Timeout.class,
                    () -> http().text(uri, Duration.ofSeconds(2), 1 << 20));
            assertEquals("no whole answer within 2 s", t.getMessage());
            // the server's next writes fail: the exchange was aborted, not left to run on
            clientClosed.get(30, TimeUnit.SECONDS);
        });
    }

    @Test
    void aBodyOverItsBoundIsRefused() throws Exception {
        String body = "y".repeat(5000);
        URI uri = serve(head(body.length()), List.of(body.getBytes(StandardCharsets.UTF_8)), 0);
        BoundedHttp.TooLarge e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(
                BoundedHttp.TooLarge.class, () -> http().text(uri, Duration.ofSeconds(30), 4096)));
        assertEquals("an answer larger than 4096 bytes", e.getMessage());
        assertTrue(!e.line());
    }

    @Test
    void aLineOverItsBoundIsRefusedAndShorterLinesArriveAsSent() throws Exception {
        String body = "a 1\r\nb 2\n" + "c".repeat(300) + "\n";
        URI uri = serve(head(body.length()), List.of(body.getBytes(StandardCharsets.UTF_8)), 0);
        List<String> got = new ArrayList<>();
        BoundedHttp.TooLarge e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(
                BoundedHttp.TooLarge.class, () -> http().lines(uri, Duration.ofSeconds(30), 1 << 20, 100, got::add)));
        assertTrue(e.line());
        assertEquals(List.of("a 1", "b 2"), got);
    }

    @Test
    void linesOfA200AnswerArriveWholeTheLastWithoutItsNewline() throws Exception {
        String body = "first line\nsecond \u00e9\nlast";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        URI uri = serve(head(b.length), List.of(b), 0);
        List<String> got = new ArrayList<>();
        BoundedHttp.Answer a = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> http().lines(uri, Duration.ofSeconds(30), 1 << 20, 100, got::add));
        assertEquals(200, a.status());
        assertEquals(b.length, a.bytes());
        assertEquals(List.of("first line", "second \u00e9", "last"), got);
    }

    @Test
    void aCallerThatGivesUpIsLetGoAtOnce() throws Exception {
        String body = "z".repeat(600);
        URI uri = serve(head(body.length()), bytes(body), 1000);
        CompletableFuture<Void> signal = new CompletableFuture<>();
        Thread giver = new Thread(() -> {
            try {
                answering.await();
                signal.complete(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        giver.start();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            // a deadline far away: only the signal can end the wait
            assertThrows(BoundedHttp.Abandoned.class, () -> http().abandonedWhen(signal).text(uri,
                    Duration.ofSeconds(600), 1 << 20));
            clientClosed.get(30, TimeUnit.SECONDS);
        });
    }
}
