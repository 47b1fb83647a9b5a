package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.FleetReplay;
import autoglm.Fixtures;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.Verification;
import autoglm.model.trace.LoadProgress;
import autoglm.read.run.RunFolder;
import autoglm.record.load.LoadRun;
import autoglm.record.load.LoadRuns;
import autoglm.report.JsonReport;
import autoglm.report.RunFolderFiles;
import autoglm.verify.VerifiedRuns;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library and the CLI answer the same on the same input (the library's own checks against the truth are the
 * probes module's LibraryApiTest): a load run's folder, made by the CLI or by {@link LoadRuns}, diagnosed by either;
 * a run folder that keeps what --verify measured (verify.json); and a fleet read back from Prometheus. Each compared
 * as the JSON of the diagnosis, and the notes as the lines the CLI says.
 */
class LibraryParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final Diagnoser diagnoser = Diagnoser.withDefaults();

    private static JsonNode json(Diagnosis d) throws Exception {
        StringWriter w = new StringWriter();
        new JsonReport().write(d, w);
        return JSON.readTree(w.toString());
    }

    /** The lines the CLI said on stderr, without its "autoglm: " prefix. */
    private static List<String> said(Run r) {
        return r.err().lines().map(l -> l.startsWith("autoglm: ") ? l.substring(9) : l).toList();
    }

    @Test
    void aLoadRunIsDiagnosedAlikeByTheLibraryAndTheCli() throws Exception {
        try (Emulator e = Emulator.start(tmp.resolve("emulator"), "vllm", List.of("--decode-ms", "5"))) {
            // the CLI's load, its folder diagnosed by the library
            Path cliRuns = tmp.resolve("cli-runs");
            Run load = Run.of("load", e.url(), "--out", cliRuns.toString(), "--workload", "synthetic", "--requests", "3",
                    "--input-len", "32", "--output-len", "8", "--format", "json");
            assertEquals(0, load.code(), load.err());
            Path folder;
            try (Stream<Path> s = Files.list(cliRuns)) {
                folder = s.findFirst().orElseThrow();
            }
            assertEquals(JSON.readTree(load.out()), json(diagnoser.diagnoseRun(folder, l -> { }).diagnosis()));
            // the library's load, its folder diagnosed by the CLI
            List<String> notes = new ArrayList<>();
            autoglm.record.load.LoadPlan plan = new autoglm.record.load.LoadPlan(java.net.URI.create(e.url()),
                    "glm-tiny", true, "synthetic", autoglm.record.load.Profile.parse("sync"), 3, Double.NaN, 1, 0, 1, 1,
                    0, 0, null, 32, 0, 8, null, Double.NaN, Double.NaN, Double.NaN,
                    java.net.URI.create(e.url() + "/metrics"), 60_000, 1.0, 1000, 4000);
            LoadRun run = new LoadRuns(tmp.resolve("lib-runs"), diagnoser, notes::add).run(plan, "lib");
            Run diagnosed = Run.of("diagnose", run.folder().toString(), "--format", "json");
            assertEquals(0, diagnosed.code(), diagnosed.err());
            assertEquals(JSON.readTree(diagnosed.out()), json(run.diagnosis()));
            // the same files in both folders, report.html among them, as RunFolderFiles writes them
            assertEquals(names(folder), names(run.folder()));
        }
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aVerifiedRunFolderShowsItsVerificationsThroughTheLibraryAsThroughTheCli() throws Exception {
        Path folder = tmp.resolve("run");
        Files.createDirectories(folder);
        try (Stream<Path> s = Files.list(Fixtures.root().resolve("testdata/runs/h100-replay"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, folder.resolve(p.getFileName()));
            }
        }
        Diagnosis plain = diagnoser.diagnoseRun(folder, l -> { }).diagnosis();
        Verification v = new Verification(plain.findings().get(0).rule(), Map.of("batch", "8"),
                Verification.Status.NOT_RUN, "this machine cannot run it", null, List.of());
        RunFolderFiles.verified(folder, plain.withVerifications(List.of(v)));
        List<String> notes = new ArrayList<>();
        Diagnosis lib = VerifiedRuns.diagnoseFiles(diagnoser, List.of(folder), LoadProgress.NONE, notes::add).diagnosis();
        assertEquals(List.of(v.rule()), lib.verifications().stream().map(Verification::rule).toList());
        Run cli = Run.of("diagnose", folder.toString(), "--format", "json");
        assertEquals(0, cli.code(), cli.err());
        assertEquals(JSON.readTree(cli.out()), json(lib));
        assertEquals(notes, said(cli));
        assertTrue(notes.contains("the fixes verified when this run was profiled are read from its "
                + RunFolder.VERIFY_JSON), notes.toString());
    }

    @Test
    void aFleetIsDiagnosedAlikeByTheLibraryAndTheCli() throws Exception {
        try (FleetReplay fleet = FleetReplay.start(tmp)) {
            JsonNode x = fleet.expected;
            String api = fleet.api();
            for (String selector : List.of("", "{job=\"none\"}")) {
                Run cli = Run.of("diagnose", "--prometheus", api, "--start", x.get("start_s").asText(), "--end",
                        x.get("end_s").asText(), "--step", "1s", "--selector", selector, "--format", "json");
                assertEquals(0, cli.code(), cli.err());
                List<String> notes = new ArrayList<>();
                Diagnosis lib = diagnoser.diagnoseFleet(new Diagnoser.FleetWhere(api, selector, "",
                        Double.parseDouble(x.get("start_s").asText()) * 1000,
                        Double.parseDouble(x.get("end_s").asText()) * 1000, 1000), 60_000, notes::add);
                assertEquals(JSON.readTree(cli.out()), json(lib), selector);
                assertEquals(notes, said(cli), selector);
            }
        }
    }
}
