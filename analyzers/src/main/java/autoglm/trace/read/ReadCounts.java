package autoglm.trace.read;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the reader saw: events by kind, and events it had to drop as malformed, by reason. */
public final class ReadCounts {
    private final long[] byKind = new long[EventKind.values().length];
    private final Map<String, Long> malformed = new LinkedHashMap<>();
    private long events;

    void count(EventKind kind) {
        events++;
        byKind[kind.ordinal()]++;
    }

    void malformed(String reason) {
        events++;
        malformed.merge(reason, 1L, Long::sum);
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
