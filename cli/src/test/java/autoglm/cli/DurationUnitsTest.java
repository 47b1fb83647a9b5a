package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every duration option refuses a number without its unit, in one line naming the units, exit 2, before anything is
 * asked of an endpoint or started: {@code load --timeout 60} was 60 ms (every request "timed out") and {@code --slo
 * ttft=2} was 2 ms. The address below is a closed port: reaching it would be another error.
 */
class DurationUnitsTest {
    private static final String URL = "http://127.0.0.1:1";
    private static final String UNITS = ": a duration needs a unit: ms, s, m or h (for example ";

    @TempDir
    Path tmp;

    private static void refused(String line, String... args) {
        Run r = Run.of(args);
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertEquals("autoglm: " + line, r.err().strip());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void loadsDurationsNeedTheirUnits() {
        refused("--timeout 60" + UNITS + "60s)", "load", URL, "--timeout", "60");
        refused("--slo ttft=2" + UNITS + "2s)", "load", URL, "--slo", "ttft=2");
        refused("--slo e2el=5" + UNITS + "5s)", "load", URL, "--slo", "ttft=2s,e2el=5");
        refused("--think-time 1-4" + UNITS + "1s)", "load", URL, "--think-time", "1-4");
        refused("--think-time 1s-4" + UNITS + "4s)", "load", URL, "--think-time", "1s-4");
        refused("--duration 60" + UNITS + "60s)", "load", URL, "--duration", "60", "--workload", "synthetic");
        refused("--ready-timeout 600" + UNITS + "600s)", "load", URL, "--ready-timeout", "600", "--serve", "--",
                "true");
        refused("--prometheus-linger 30" + UNITS + "30s)", "load", URL, "--prometheus-linger", "30");
    }

    @Test
    void diagnoseAndProfileDurationsNeedTheirUnits() {
        refused("--since 60" + UNITS + "60s)", "diagnose", "--prometheus", URL, "--since", "60");
        refused("--step 15" + UNITS + "15s)", "diagnose", "--prometheus", URL, "--step", "15");
        refused("--grace 10" + UNITS + "10s)", "profile", "--grace", "10", "--", "true");
        refused("--interval 100" + UNITS + "100s)", "profile", "--interval", "100", "--", "true");
        refused("--prometheus-linger 0" + UNITS + "0s)", "profile", "--prometheus-linger", "0", "--", "true");
    }

    @Test
    void withTheirUnitsTheyAreRead() {
        // the same options with units get past the check to the closed port
        Run r = Run.of("load", URL, "--timeout", "60s", "--slo", "ttft=2s,tpot=100ms", "--think-time", "1s-4s",
                "--model", "m", "--no-server-metrics", "--out", tmp.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("refused"), r.err());
        assertFalse(r.err().contains("needs a unit"), r.err());
    }
}
