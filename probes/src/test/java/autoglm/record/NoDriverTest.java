package autoglm.record;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import autoglm.record.nvml.NvmlProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** On a machine without the NVIDIA driver (CI, development machines), opening NVML says so in one line. */
class NoDriverTest {
    static boolean driverPresent() {
        return Files.exists(Path.of("/dev/nvidiactl")) || Files.exists(Path.of("/proc/driver/nvidia/version"));
    }

    @Test
    void openingNvmlWithoutADriverGivesTheReason() {
        assumeFalse(driverPresent(), "this machine has an NVIDIA driver");
        NvmlProbe.Unavailable e = assertThrows(NvmlProbe.Unavailable.class, NvmlProbe::open);
        assertTrue(e.getMessage().equals("libnvidia-ml.so.1 not found: no NVIDIA driver on this machine"), e.getMessage());
    }
}
