package autoglm.model.trace;

/** One entry of a Kineto trace's {@code deviceProperties}; absent numbers are -1. */
public record DeviceProperties(
        int id,
        String name,
        int computeMajor,
        int computeMinor,
        int numSms,
        long totalGlobalMem,
        int maxThreadsPerMultiprocessor,
        int regsPerMultiprocessor,
        long sharedMemPerMultiprocessor) {

    /** "9.0", or null when the trace does not say. */
    public String computeCapability() {
        return computeMajor < 0 ? null : computeMajor + "." + Math.max(computeMinor, 0);
    }
}
