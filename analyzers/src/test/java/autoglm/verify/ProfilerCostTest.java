package autoglm.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import autoglm.analyse.WelchTest;
import autoglm.model.load.LoadRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which requests count inside and outside a server's profiling window, and the cost by TPOT. Each request below is
 * sent at {@code sent}, gets its first token 10 ms later and ends after 1 + 8 more tokens of {@code tpot} ms each, so
 * its TPOT ((end - first) / (tokens - 1)) is {@code tpot} by construction.
 */
class ProfilerCostTest {
    private static LoadRequest req(double sent, double tpot, boolean warmup) {
        double first = sent + 10;
        double end = first + 8 * tpot;
        return new LoadRequest(0, 0, 0, warmup, sent, sent, first, Double.NaN, end, 10, 9, false, -1, 0, 0, 10, "ok",
                200, null, new double[0]);
    }

    @Test
    void insideOutsideAndNeither() {
        List<LoadRequest> r = new ArrayList<>();
        r.add(req(0, 100, true));       // a warm-up: never counted
        r.add(req(10, 1, false));       // before the window (ends at 28)
        r.add(req(30, 1.5, false));     // before (ends at 52)
        r.add(req(90, 5, false));       // straddles the opening at 100: neither
        r.add(req(110, 2, false));      // inside (ends at 136)
        r.add(req(150, 4, false));      // inside (ends at 192)
        r.add(req(195, 2, false));      // straddles the closing at 200: neither
        r.add(req(250, 9, false));      // after the close but before the trace was written at 300: neither
        r.add(req(310, 2, false));      // after: outside
        ProfilerCost c = ProfilerCost.of(r, 100, 200, 300);
        assertEquals(2, c.inside().n());
        assertEquals(3.0, c.inside().meanMs(), 1e-12);
        assertEquals(3, c.outside().n());
        assertEquals(1.5, c.outside().meanMs(), 1e-12);
        assertEquals(100.0, c.slowdownPct(), 1e-9);
        // the sample standard deviations: inside {2, 4} -> sqrt(2); outside {1, 1.5, 2} -> 0.5
        assertEquals(Math.sqrt(2), c.inside().sdMs(), 1e-12);
        assertEquals(0.5, c.outside().sdMs(), 1e-12);
        assertEquals(WelchTest.welch(1.5, 0.5, 3, 3.0, Math.sqrt(2), 2).p(), c.test().p(), 1e-12);
    }

    @Test
    void oneRequestASideHasNoTest() {
        ProfilerCost c = ProfilerCost.of(List.of(req(110, 2, false), req(310, 1, false)), 100, 200, 300);
        assertFalse(c.test().applicable());
        assertEquals(100.0, c.slowdownPct(), 1e-9);
    }
}
