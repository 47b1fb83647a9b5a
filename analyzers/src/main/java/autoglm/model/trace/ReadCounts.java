package autoglm.model.trace;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the reader saw: events by kind, and events it had to drop as malformed, by reason. */
public final class ReadCounts {
    private final long[] byKind = new long[EventKind.values().length];
    private final Map<String, Long> malformed = new LinkedHashMap<>();
    private long events;

    public void count(EventKind kind) {
        events++;
        byKind[kind.ordinal()]++;
    }

    public void malformed(String reason) {
        events++;
        malformed.merge(reason, 1L, Long::sum);
    }

    /** Counts n events of a kind read by a reader outside this package (the CUPTI recording reader). */
    public void add(EventKind kind, long n) {
        events += n;
        byKind[kind.ordinal()] += n;
    }

    /** Counts n malformed events by reason, for readers outside this package. */
    public void addMalformed(String reason, long n) {
        events += n;
        malformed.merge(reason, n, Long::sum);
    }

    /** Adds what another reader counted (a chunk of the same trace read on another core). */
    public void add(ReadCounts other) {
        events += other.events;
        for (int i = 0; i < byKind.length; i++) {
            byKind[i] += other.byKind[i];
        }
        other.malformed.forEach((reason, n) -> malformed.merge(reason, n, Long::sum));
    }

    public long events() {
        return events;
    }

    public long of(EventKind kind) {
        return byKind[kind.ordinal()];
    }


    public Map<String, Long> malformed() {
        return Collections.unmodifiableMap(malformed);
    }

}
