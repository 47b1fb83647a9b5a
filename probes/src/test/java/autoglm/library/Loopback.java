package autoglm.library;

import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real servers on loopback for {@link LibraryApiTest}, started as the CLI's tests start them: an engine emulator
 * (cli/src/test/emulators/emulate.py, plain Python without torch; its README says which engine sources each follows)
 * with its truth log, and Debian's Prometheus serving a folder promtool backfilled. A missing python3, prometheus or
 * promtool skips the test, and fails it under CI=true (CI installs them). Each is stopped on close.
 */
final class Loopback implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    /** http://127.0.0.1:PORT */
    final String url;
    private final Path truth;

    private Loopback(Process process, String url, Path truth) {
        this.process = process;
        this.url = url;
        this.truth = truth;
    }

    /** A tool on PATH or in /usr/bin; skipped without it, failed under CI=true. */
    static Path tool(String name) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(name + " is not installed; .ci/run installs it");
        }
        Assumptions.abort(name + " is not installed; CI runs this check");
        return null;
    }

    /** The engine emulator of {@code engine}, with {@code args}, once it has written its port; files in {@code dir}. */
    static Loopback emulator(Path dir, String engine, String... args) throws Exception {
        Files.createDirectories(dir);
        Path port = dir.resolve(engine + ".port");
        Path truth = dir.resolve(engine + ".truth.jsonl");
        List<String> argv = new ArrayList<>(List.of(tool("python3").toString(),
                Fixtures.root().resolve("cli/src/test/emulators/emulate.py").toString(), "--engine", engine,
                "--port-file", port.toString(), "--truth", truth.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve(engine + ".log")
                .toFile()).start();
        // waits on the port file (or the process's end); 60 s bounds a hang, it is no timing assertion
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.isRegularFile(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("the emulator did not start: " + Files.readString(dir.resolve(engine + ".log")));
            }
            Thread.sleep(20);
        }
        return new Loopback(p, "http://127.0.0.1:" + Files.readString(port).strip(), truth);
    }

    /** The emulator's truth records of one type ("request", "scrape", "step"), in the order written. */
    List<JsonNode> truth(String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(truth)) {
            JsonNode n = line.isBlank() ? null : JSON.readTree(line);
            if (n != null && type.equals(n.path("type").asText())) {
                out.add(n);
            }
        }
        return out;
    }

    /** Debian's Prometheus serving {@code data} (blocks backfilled by promtool), scraping nothing, once ready. */
    static Loopback prometheus(Path dir, Path data) throws Exception {
        Path config = Files.writeString(dir.resolve("prometheus.yml"),
                "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
        int web;
        try (ServerSocket s = new ServerSocket(0)) {
            web = s.getLocalPort();
        }
        Process p = new ProcessBuilder(tool("prometheus").toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + data, "--storage.tsdb.retention.time=100y",
                "--web.listen-address=127.0.0.1:" + web).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        Loopback prom = new Loopback(p, "http://127.0.0.1:" + web, null);
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 150; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(prom.url + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return prom;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        prom.close();
        throw new AssertionError("prometheus not ready: " + Files.readString(dir.resolve("prometheus.log")));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
