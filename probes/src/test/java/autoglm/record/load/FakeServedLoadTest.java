package autoglm.record.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.FakeEngineMain;
import autoglm.loopback.Recordings;
import autoglm.model.load.LoadRequest;
import autoglm.model.run.RunInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ServedLoad with a real child process for its server, no torch: {@link FakeEngineMain} (a JVM of the test classpath
 * replaying the recorded vLLM emulator's answers and /metrics page on the port given) is started by its argv, waited
 * for until ready, loaded, and stopped; the model comes from its /v1/models, every request ends ok with the
 * recording's usage, its output is the run's server.log, and once the run returns nothing listens on its port.
 */
class FakeServedLoadTest {
    @TempDir
    Path tmp;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aServerStartedByItsArgvIsLoadedAndStopped() throws Exception {
        int port = freePort();
        URI base = URI.create("http://127.0.0.1:" + port);
        List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), FakeEngineMain.class.getName(), "vllm",
                Integer.toString(port));
        LoadPlan plan = new LoadPlan(base, null, true, LoadPlan.SYNTHETIC, Profile.parse("concurrent:2"), 4,
                Double.NaN, 0, 1, 0, 0, 0, 0, null, 32, 0.0, 12, null, Double.NaN, Double.NaN, Double.NaN,
                base.resolve("/metrics"), 30_000, 1.0, Double.NaN, Double.NaN);
        List<String> notes = new ArrayList<>();
        ServedLoad.Result r = ServedLoad.run(argv, Map.of(), "fake-vllm", tmp.resolve("runs"),
                new RunInfo.Settings(100, 100, 200), plan, 60_000, notes::add,
                ServedLoad.Extras.NONE.withBaseline(0));
        assertNull(r.problem(), r.problem() + " " + notes);
        assertNotNull(r.load(), notes.toString());
        String model = new ObjectMapper().readTree(Recordings.read("vllm", "models").body()).get("data").get(0)
                .get("id").asText();
        assertEquals(model, r.load().settings().model(), "the model of its /v1/models");
        List<LoadRequest> rows = r.load().requests();
        assertEquals(4, rows.size());
        for (LoadRequest q : rows) {
            assertEquals(LoadRequest.OK, q.status(), q.error());
            assertEquals(Recordings.completionTokens("vllm"), q.completionTokens(), "the recording's usage");
        }
        assertFalse(r.load().scrapes().isEmpty(), "its /metrics page scraped: " + r.load().scrapeErrors());
        String log = Files.readString(r.folder().resolve(ServedLoad.LOG));
        assertTrue(log.contains("fake vllm listening on " + base), log);
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
                "the server was stopped");
    }
}
