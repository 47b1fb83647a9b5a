package autoglm.model.trace;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that was read but not analysed, counted by reason and shown in every report, as HTA and
 * Perfetto do: events dropped as malformed, events of kinds the model does not keep, records that could
 * not be joined, and data left out of the analysis window. Immutable; {@link #with} adds a count.
 */
public final class DataLoss {
    /** Why something is counted. */
    public enum Group {
        /** Events that could not be parsed into anything (missing ts, bad numbers). */
        MALFORMED("malformed"),
        /** Records that should pair up but do not (a kernel without its launch call). */
        UNMATCHED("unmatched"),
        /** Data left out of the analysis window (incomplete steps, activity outside the kept steps). */
        EXCLUDED("excluded"),
        /** Events of kinds the analyses do not use (flows, instants, counters, metadata). */
        SKIPPED("skipped"),
        /** Samples a probe could not take (an NVML error mid-run, a process that vanished): missing, never zero. */
        PROBE("probe");

        private final String key;

        Group(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    private final Map<Group, Map<String, Long>> counts;

    private DataLoss(Map<Group, Map<String, Long>> counts) {
        this.counts = counts;
    }

    public static DataLoss empty() {
        Map<Group, Map<String, Long>> m = new LinkedHashMap<>();
        for (Group g : Group.values()) {
            m.put(g, Collections.emptyMap());
        }
        return new DataLoss(Collections.unmodifiableMap(m));
    }

    /** A copy with {@code n} more under (group, reason); a zero count is not recorded. */
    public DataLoss with(Group group, String reason, long n) {
        if (n == 0) {
            return this;
        }
        Map<Group, Map<String, Long>> m = new LinkedHashMap<>(counts);
        Map<String, Long> inner = new LinkedHashMap<>(counts.get(group));
        inner.merge(reason, n, Long::sum);
        m.put(group, Collections.unmodifiableMap(inner));
        return new DataLoss(Collections.unmodifiableMap(m));
    }

    public Map<String, Long> get(Group group) {
        return counts.get(group);
    }

    public long total(Group group) {
        long n = 0;
        for (long v : counts.get(group).values()) {
            n += v;
        }
        return n;
    }

    /** Malformed, unmatched and probe errors: what was actually lost, as opposed to skipped or excluded by design. */
    public long lost() {
        return total(Group.MALFORMED) + total(Group.UNMATCHED) + total(Group.PROBE);
    }
}
