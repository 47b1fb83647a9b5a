package autoglm.record.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import autoglm.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The workload package in the jar is the one in native/workload, file for file. */
class WorkloadPackageTest {
    static final Path SOURCE = Fixtures.root().resolve("native/workload/autoglm_workload");

    @Test
    void theFileListIsThePackage() throws IOException {
        try (Stream<Path> s = Files.list(SOURCE)) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".py")).sorted().toList();
            assertEquals(names, WorkloadPackage.FILES.stream().sorted().toList());
        }
    }

    @Test
    void extractionCopiesEveryFileUnchanged() throws Exception {
        Path root = WorkloadPackage.folder(Map.of());
        for (String f : WorkloadPackage.FILES) {
            assertArrayEquals(Files.readAllBytes(SOURCE.resolve(f)),
                    Files.readAllBytes(root.resolve(WorkloadPackage.PACKAGE).resolve(f)), f);
        }
    }

    @Test
    void aDevelopmentFolderMustHoldThePackage() {
        WorkloadPackage.Unavailable e = org.junit.jupiter.api.Assertions.assertThrows(WorkloadPackage.Unavailable.class,
                () -> WorkloadPackage.folder(Map.of(WorkloadPackage.ENV_DIR, "/nonexistent")));
        assertEquals("AUTOGLM_WORKLOAD_DIR=/nonexistent: no autoglm_workload/__main__.py there", e.getMessage());
    }
}
