package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.LoopbackHttp;
import autoglm.loopback.HttpBytes;
import autoglm.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 32, "Impossible figures accepted": "Two different Content-Length headers are accepted as ok." A recorded vLLM
 * emulator answer (testdata/netfuzz) sent with two different lengths: the end of the message is unknown (RFC 9112
 * 6.3), so every request is bad-headers, none ok, and the run and its requests.csv are kept.
 */
class DuplicateLengthTest {
    @TempDir
    Path tmp;

    @Test
    void twoDifferentLengthsAreBadHeadersNotOk() throws Exception {
        HttpBytes.Recorded stream = HttpBytes.Recorded.read(Fixtures.root().resolve("testdata/netfuzz/engines/vllm/stream.http"));
        byte[] wire = HttpBytes.response(stream.status(), stream.headers(), stream.body(), HttpBytes.Framing.LENGTH, 0);
        String twice = new String(wire, StandardCharsets.ISO_8859_1).replaceFirst("Content-Length: (\\d+)",
                "Content-Length: $1\r\nContent-Length: " + (stream.body().length + 7));
        byte[] bad = twice.getBytes(StandardCharsets.ISO_8859_1);
        try (LoopbackHttp server = LoopbackHttp.closing((req, out) -> out.write(bad))) {
            Run r = Run.of("load", server.url(), "--model", "glm-tiny", "--workload", "synthetic", "--requests", "3",
                    "--input-len", "20", "--output-len", "8", "--warmup", "0", "--baseline", "0", "--no-server-metrics",
                    "--out", tmp.resolve("runs").toString(), "--format", "json", "-o", tmp.resolve("r.json").toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("bad-headers"), r.err());
            Path run;
            try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
                run = s.filter(Files::isDirectory).findFirst().orElseThrow();
            }
            List<String> rows = Files.readAllLines(run.resolve("requests.csv"));
            assertEquals(4, rows.size(), "a header and three requests");
            for (String row : rows.subList(1, rows.size())) {
                assertTrue(row.contains("bad-headers") && row.contains("two different Content-Length"), row);
            }
        }
    }
}
