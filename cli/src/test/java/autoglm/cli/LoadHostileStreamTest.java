package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import autoglm.loopback.HttpBytes;
import autoglm.loopback.LoopbackHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 32, "Memory without bound" and "Smaller": servers that flood, send huge lines, huge error bodies or huge
 * headers, each a real socket on loopback ({@link LoopbackHttp}), against {@code autoglm load} as a child JVM with a
 * 128 MiB heap that exits on OutOfMemoryError, each within a generous bound around the child. The limits are those
 * docs/load.md ("Limits", "Streams") gives: 131,072 chunks with choices an answer, lines of at most 1 MiB, 300
 * characters of an error, 65,536 characters of reasoning or answer text kept for the agent's history.
 */
class LoadHostileStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** docs/load.md#limits: chunks with choices timed in one answer. */
    private static final int MAX_CHUNKS = 131_072;
    /** docs/load.md#limits: characters of an error kept. */
    private static final int ERROR_CHARS = 300;
    /** docs/load.md#limits: characters of an answer's text kept for the agent's next step. */
    private static final int TEXT_CHARS = 65_536;

    @TempDir
    Path tmp;

    private record Child(int code, String out, String err) {
    }

    /** {@code autoglm load} against {@code url} in a child JVM of 128 MiB; it must end within {@code boundS}. */
    private Child load(int boundS, String url, String... more) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-XX:ActiveProcessorCount=2", "-XX:+UseParallelGC", "-cp",
                System.getProperty("java.class.path"), "autoglm.cli.Main", "load", url, "--model", "m", "--out",
                tmp.resolve("runs").toString(), "--no-server-metrics"));
        argv.addAll(List.of(more));
        Path out = tmp.resolve("child.out");
        Path err = tmp.resolve("child.err");
        Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(boundS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            fail("load did not end within " + boundS + " s: " + Files.readString(err));
        }
        return new Child(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static final String[] SYNTHETIC = {"--workload", "synthetic", "--requests", "2", "--warmup", "0",
        "--input-len", "8", "--output-len", "4"};

    private List<Map<String, String>> requests() throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            Path run = s.findFirst().orElseThrow(() -> new AssertionError("no run folder"));
            return LoadHeaderTest.csv(run.resolve("requests.csv"));
        }
    }

    @Test
    void aServerThatFloodsIsCutAtTheChunkOrByteLimitInASmallHeap() throws Exception {
        // issue 32: "load keeps every answer's whole text and every chunk time: a server streaming as fast as it can
        // takes the client to 2.9 GB in 10 s, and to OutOfMemoryError in -Xmx1g". The first answer floods chunks
        // of text, the second keep-alive comments (no chunk, no text: only the 256 MiB an answer ends it)
        byte[] chunks = repeat(HttpBytes.event("hello world "), 1000);
        byte[] comments = repeat(": keep-alive\n".getBytes(StandardCharsets.US_ASCII), 5000);
        try (LoopbackHttp server = LoopbackHttp.closing((req, out) -> {
            int i = req.index();
            HttpBytes.streamHead(out);
            while (true) {
                out.write(i == 0 ? chunks : comments); // as fast as the socket takes it, until the client closes it
            }
        })) {
            Child c = load(300, server.url(), SYNTHETIC);
            assertEquals(2, c.code(), c.err());
            assertTrue(c.err().contains("no request succeeded (too-large x2"), c.err());
            List<Map<String, String>> rows = requests();
            assertEquals(2, rows.size());
            Map<String, String> flood = rows.get(0);
            assertEquals("too-large", flood.get("status"), flood.get("error"));
            assertTrue(flood.get("error").contains("131,072 chunks"), flood.get("error"));
            assertEquals(MAX_CHUNKS, flood.get("chunk_ms").split(" ").length, "every chunk up to the limit is timed");
            Map<String, String> keepAlive = rows.get(1);
            assertEquals("too-large", keepAlive.get("status"), keepAlive.toString());
            assertTrue(keepAlive.get("error").contains("268,435,456 bytes"), "256 MiB: " + keepAlive);
            assertEquals("", keepAlive.get("chunk_ms"), keepAlive.toString());
        }
    }

    @Test
    void aFiveAndATwentyMegabyteLineAreCutInLinearTime() throws Exception {
        // issue 32: "One 5 MB line costs 28 s of a core (the line splitter is quadratic); a 20 MB line is not read in
        // 120 s." The JDK's line subscriber searched the unfinished line again for each piece; the pieces here are
        // HTTP chunks of 100 bytes, as a server that flushes often sends them
        int[] megabytes = {5, 20};
        try (LoopbackHttp server = LoopbackHttp.closing((req, out) -> {
            int i = req.index();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            HttpBytes.chunk(out, ("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n")
                    .getBytes(StandardCharsets.US_ASCII));
            HttpBytes.chunk(out, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] x = new byte[100];
            Arrays.fill(x, (byte) 'x');
            for (int k = 0; k < megabytes[Math.min(i, 1)] * 10_000; k++) {
                HttpBytes.chunk(out, x);
            }
            HttpBytes.chunk(out, "\"}}]}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            Child c = load(90, server.url(), SYNTHETIC);
            assertEquals(2, c.code(), c.err());
            assertTrue(c.err().contains("no request succeeded (too-large x2"), c.err());
            for (Map<String, String> r : requests()) {
                assertEquals("too-large", r.get("status"), r.toString());
                assertTrue(r.get("error").contains("line"), r.toString());
                assertEquals(1, r.get("chunk_ms").split(" ").length, "the role chunk, before the line: " + r);
            }
        }
    }

    @Test
    void anErrorBodyOfOneTwoMegabyteLineIsCutTo300Characters() throws Exception {
        // issue 32: "the 300-character cap on error bodies is checked before a line is appended, so one 2 MB line
        // reaches stderr whole (and requests.csv grows to 14.7 MB)"
        byte[] body = new byte[2_000_001];
        Arrays.fill(body, (byte) 'e');
        body[body.length - 1] = '\n';
        try (LoopbackHttp server = LoopbackHttp.closing((req, out) -> {
            out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
        })) {
            Child c = load(120, server.url(), SYNTHETIC);
            assertEquals(2, c.code(), c.err());
            assertTrue(c.err().contains("no request succeeded (http-500 x2"), c.err());
            assertTrue(c.err().length() < 4 * ERROR_CHARS, c.err().length() + " characters on stderr");
            for (Map<String, String> r : requests()) {
                assertEquals("http-500", r.get("status"));
                assertTrue(r.get("error").startsWith("eee"), r.get("error"));
                assertTrue(r.get("error").length() <= ERROR_CHARS, r.get("error").length() + " characters");
            }
        }
    }

    @Test
    void headersOverTheClientsLimitAreBadHeadersAndTheRunIsWritten() throws Exception {
        // issue 32: "headers over the JDK's 384 KB limit are reported as 'the connection was refused' and
        // requests.csv is not written" (the default warm-up request met them first)
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: "
                + "close\r\n");
        for (int k = 0; k < 500; k++) {
            head.append("X-Pad-").append(k).append(": ").append("a".repeat(1000)).append("\r\n");
        }
        byte[] answer = (head + "\r\n" + new String(HttpBytes.event("hi"), StandardCharsets.UTF_8)
                + "data: [DONE]\n\n").getBytes(StandardCharsets.US_ASCII);
        try (LoopbackHttp server = LoopbackHttp.closing((req, out) -> out.write(answer))) {
            Child c = load(120, server.url(), "--workload", "synthetic", "--requests", "2", "--input-len", "8",
                    "--output-len", "4");
            assertEquals(2, c.code(), c.err());
            assertFalse(c.err().contains("refused"), c.err());
            assertTrue(c.err().contains("no request succeeded (bad-headers x2"), c.err());
            List<Map<String, String>> rows = requests();
            assertEquals(3, rows.size(), "the warm-up and the two measured requests");
            for (Map<String, String> r : rows) {
                assertEquals("bad-headers", r.get("status"), r.toString());
                assertTrue(r.get("error").contains("Header size"), r.toString());
            }
        }
    }

    @Test
    void anAgentAnswerOverTheTextLimitIsCutForTheNextStepAndSaidSo() throws Exception {
        // issue 32: the answer text is kept whole for the agent's history; now at most 65,536 characters of it
        StringBuilder text = new StringBuilder();
        List<byte[]> events = new ArrayList<>();
        for (int k = 0; k < 70; k++) {
            String piece = String.valueOf((char) ('a' + k % 26)).repeat(1000);
            text.append(piece);
            events.add(HttpBytes.event(piece));
        }
        try (LoopbackHttp server = LoopbackHttp.closing((req, out) -> {
            HttpBytes.streamHead(out);
            for (byte[] e : events) {
                out.write(e);
            }
            out.write(("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":70}}\n\n"
                    + "data: [DONE]\n\n").getBytes(StandardCharsets.US_ASCII));
        })) {
            Child c = load(120, server.url(), "--sessions", "1", "--steps", "2", "--warmup", "0", "--image", "56x112",
                    "--think-time", "50ms-100ms");
            assertEquals(0, c.code(), c.err());
            assertTrue(c.err().contains("agent answers with more than 65,536 characters of reasoning or of answer "
                    + "text: 1;"), c.err());
            List<String> bodies = server.bodies();
            assertEquals(2, bodies.size());
            JsonNode messages = JSON.readTree(bodies.get(1)).get("messages");
            JsonNode assistant = messages.get(messages.size() - 2);
            assertEquals("assistant", assistant.get("role").asText());
            assertEquals("<think></think><answer>" + text.substring(0, TEXT_CHARS) + "</answer>",
                    assistant.get("content").asText());
            for (Map<String, String> r : requests()) {
                assertEquals("ok", r.get("status"), r.toString());
            }
        }
    }

    private static byte[] repeat(byte[] b, int times) {
        byte[] out = new byte[b.length * times];
        for (int k = 0; k < times; k++) {
            System.arraycopy(b, 0, out, k * b.length, b.length);
        }
        return out;
    }
}
