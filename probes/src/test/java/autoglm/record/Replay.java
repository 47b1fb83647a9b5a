package autoglm.record;

import autoglm.Fixtures;
import autoglm.record.host.HostProbe;
import autoglm.read.run.RunFolder;
import autoglm.model.run.RunInfo;
import autoglm.read.run.RunInfoJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Records a run folder by driving the real Sampler with a replay of the H100 recording, one round per line. */
final class Replay {
    static final Path NVML = Fixtures.root().resolve("testdata/nvml");
    static final RunInfo.Settings SETTINGS = new RunInfo.Settings(100, 200, 100);

    private Replay() {
    }

    /** The [start, end] of a phase of phases.json, unix ms. */
    static double[] phase(String name) throws IOException {
        for (JsonNode p : new ObjectMapper().readTree(NVML.resolve("phases.json").toFile())) {
            if (p.get("phase").asText().equals(name)) {
                return new double[] {p.get("start_ms").asDouble(), p.get("end_ms").asDouble()};
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** A run folder in {@code dir} holding the replay of [from, to]; the host is sampled live when given. */
    static Path record(Path dir, String file, double from, double to, ReplayProbeSetup setup, HostProbe host)
            throws IOException {
        ReplayProbe probe = new ReplayProbe(ReplayProbe.load(NVML.resolve(file), from, to));
        setup.apply(probe);
        Path folder = Files.createDirectories(dir);
        Sampler sampler = new Sampler(folder, probe, host, SETTINGS, () -> Set.of(ProcessHandle.current().pid()));
        if (host != null) {
            host.start(System.currentTimeMillis());
        }
        while (probe.hasNext()) {
            sampler.tick(probe.time());
            probe.advance();
        }
        sampler.close();
        RunInfo info = new RunInfo(RunInfo.SCHEMA, "replay", List.of("replay", file), "/", (long) from, (long) to,
                RunInfo.EXITED, true, 0, "replay of " + file, new RunInfo.Host("h100 (recorded)", "Linux", "recorded",
                        0, 0), probe.driver(), probe.gpus(), SETTINGS, sampler.dataLoss(), null);
        RunInfoJson.write(info, folder.resolve(RunFolder.RUN_JSON));
        return folder;
    }

    /** A change to the replay before it runs (a fault injected, say). */
    interface ReplayProbeSetup {
        void apply(ReplayProbe p);

        ReplayProbeSetup NONE = p -> {
        };
    }

    static Map<String, JsonNode> expected() throws IOException {
        JsonNode j = new ObjectMapper().readTree(Fixtures.root().resolve("testdata/expected/nvml-phases.json").toFile());
        java.util.Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
        j.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
