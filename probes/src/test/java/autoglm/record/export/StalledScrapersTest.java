package autoglm.record.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 32, "The exporters stop answering real scrapes while 10 stalled connections are open": clients on loopback
 * that send half a request and wait (each held one of the five threads for good) while a real scrape is made. The
 * bounds here (a minute) are on a socket read or an HTTP call, never a claim on speed.
 */
class StalledScrapersTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final byte[] HALF = "GET /metrics HTTP/1.1\r\nHost: stalled\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void tenStalledClientsLeaveThreadsForRealScrapes() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try (PrometheusExport export = PrometheusExport.start("127.0.0.1:0", "stalled")) {
            stalled.addAll(stall(export.port(), 10));
            HttpResponse<String> r = scrape(export.port());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("autoglm_exporter_scrapes_total"), r.body());
        } finally {
            // after the endpoint closed: a half request whose client closes first is read by the JDK as a whole one,
            // answered into a closed socket (logged)
            close(stalled);
        }
    }

    @Test
    void moreStalledClientsThanThreadsAreCutAtTheDeadline() throws Exception {
        try (PrometheusExport export = PrometheusExport.start("127.0.0.1:0", "stalled", 500)) {
            List<Socket> stalled = stall(export.port(), PrometheusExport.EXCHANGE_THREADS + 4);
            try {
                HttpResponse<String> r = scrape(export.port());
                assertEquals(200, r.statusCode());
                assertTrue(r.body().contains("autoglm_exporter_scrapes_total"), r.body());
                // every stalled client was closed by the server: its read ends (no answer was owed to half a request)
                for (Socket s : stalled) {
                    assertEquals(-1, readToEnd(s), "a stalled connection was answered");
                }
                // and the threads they held answer again
                assertEquals(200, scrape(export.port()).statusCode());
            } finally {
                close(stalled);
            }
        }
    }

    private static List<Socket> stall(int port, int n) throws IOException {
        List<Socket> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) BOUND.toMillis());
            s.setSoTimeout((int) BOUND.toMillis());
            OutputStream o = s.getOutputStream();
            o.write(HALF);
            o.flush();
            out.add(s);
        }
        return out;
    }

    /** -1 once the server closed the connection having sent nothing; the first byte's value if it sent one. */
    private static int readToEnd(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    private static HttpResponse<String> scrape(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(BOUND).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(BOUND)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void close(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
