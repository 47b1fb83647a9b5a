package autoglm.model.trace;

import java.util.List;

/**
 * The trace-level fields around {@code traceEvents}. {@code baseTimeNanoseconds} is null for traces
 * whose timestamps are absolute epoch microseconds; {@code rank} is null without {@code distributedInfo}.
 */
public record TraceHeader(
        Long baseTimeNanoseconds,
        String displayTimeUnit,
        Integer schemaVersion,
        String traceName,
        Integer rank,
        Integer worldSize,
        Boolean recordShapes,
        Integer cudaRuntimeVersion,
        Integer cudaDriverVersion,
        List<DeviceProperties> devices,
        boolean arrayFormat) {

    public DeviceProperties device(int id) {
        for (DeviceProperties d : devices) {
            if (d.id() == id) {
                return d;
            }
        }
        return null;
    }
}
