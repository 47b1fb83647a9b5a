package autoglm.analyse.samples;

import java.util.ArrayList;
import java.util.List;

/** NVML's clock event reason bits (nvmlClocksEventReason*, formerly nvmlClocksThrottleReason*). */
public final class ClockReasons {
    /** Bit and the words a report uses for it. */
    public record Reason(long bit, String text, boolean limiting) {
    }

    public static final List<Reason> ALL = List.of(
            new Reason(0x1L, "GPU idle", false),
            new Reason(0x2L, "applications clocks setting", false),
            new Reason(0x4L, "software power cap", true),
            new Reason(0x8L, "hardware slowdown", true),
            new Reason(0x10L, "sync boost", false),
            new Reason(0x20L, "software thermal slowdown", true),
            new Reason(0x40L, "hardware thermal slowdown", true),
            new Reason(0x80L, "hardware power brake slowdown", true),
            new Reason(0x100L, "display clock setting", false));

    /** The reasons that hold clocks down because of a power or thermal limit. */
    public static final long LIMITING = limitingMask();

    private ClockReasons() {
    }

    private static long limitingMask() {
        long m = 0;
        for (Reason r : ALL) {
            if (r.limiting()) {
                m |= r.bit();
            }
        }
        return m;
    }

    public static List<Reason> of(long mask) {
        List<Reason> out = new ArrayList<>();
        for (Reason r : ALL) {
            if ((mask & r.bit()) != 0) {
                out.add(r);
            }
        }
        return out;
    }
}
