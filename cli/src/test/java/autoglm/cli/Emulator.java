package autoglm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * One engine emulator (cli/src/test/emulators/emulate.py, its README says which engine sources each follows) on a
 * free loopback port, for tests: started, its port read from its port file once it serves, its truth log read back,
 * stopped on close. Skipped where python3 is missing, unless CI=true.
 */
final class Emulator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path truth;
    private final Path log;
    final int port;
    final String engine;

    private Emulator(String engine, Process process, Path truth, Path log, int port) {
        this.engine = engine;
        this.process = process;
        this.truth = truth;
        this.log = log;
        this.port = port;
    }

    static Path script() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("cli/src/test/emulators/emulate.py"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cli/src/test/emulators/emulate.py not found above " + Paths.get("")
                    .toAbsolutePath());
        }
        return p.resolve("cli/src/test/emulators/emulate.py");
    }

    /** python3 (no torch needed): CI=true fails without one, elsewhere the test is skipped. */
    static String python() {
        return autoglm.Needs.python3();
    }

    /** Starts {@code engine} with {@code args} (--scenario S, knobs); its files go in {@code dir}. */
    static Emulator start(Path dir, String engine, List<String> args) throws Exception {
        Files.createDirectories(dir);
        Path portFile = dir.resolve(engine + ".port");
        Path truth = dir.resolve(engine + ".truth.jsonl");
        Path log = dir.resolve(engine + ".log");
        Files.deleteIfExists(portFile);
        List<String> cmd = new ArrayList<>(List.of(python(), script().toString(), "--engine", engine, "--port-file",
                portFile.toString(), "--truth", truth.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // waits on the port file (or the process's end); 60 s bounds a hang, it is no timing assertion
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.isRegularFile(portFile)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError(engine + " emulator did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
        int port = Integer.parseInt(Files.readString(portFile, StandardCharsets.UTF_8).strip());
        return new Emulator(engine, p, truth, log, port);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The truth log's records of one type ("request", "scrape", "step"), in the order written. */
    List<JsonNode> truth(String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isRegularFile(truth)) {
            return out;
        }
        for (String line : Files.readAllLines(truth, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            if (type.equals(n.path("type").asText())) {
                out.add(n);
            }
        }
        return out;
    }

    String log() throws IOException {
        return Files.isRegularFile(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
