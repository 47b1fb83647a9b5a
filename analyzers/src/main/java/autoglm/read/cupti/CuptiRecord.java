package autoglm.read.cupti;

/**
 * The typed records of an autoglm CUPTI recording (docs/cupti-format.md). Times are CUPTI timestamps in
 * nanoseconds; names are string ids of the same file ({@link Str}); unsigned 32-bit fields are widened
 * to long where they can exceed {@code Integer.MAX_VALUE}.
 */
public sealed interface CuptiRecord {
    /** The recording process: pid, CUPTI API version (e.g. 130001), driver version, flags (bit 0: converted). */
    record Process(long pid, long cuptiVersion, long driverVersion, int flags) implements CuptiRecord {
    }

    /** One reading of the CUPTI clock against CLOCK_REALTIME (bracket: the width of the realtime reading). */
    record Clock(long cuptiTs, long realtimeNs, long monotonicNs, long bracketNs) implements CuptiRecord {
    }

    record Str(int id, String text) implements CuptiRecord {
    }

    record Kernel(long start, long end, int device, long context, long stream, long correlation, int gridX, int gridY,
            int gridZ, int blockX, int blockY, int blockZ, int registers, int staticShared, int dynamicShared, int name,
            long graphId, long graphNodeId) implements CuptiRecord {
        public long blocks() {
            return (long) Math.max(gridX, 0) * Math.max(gridY, 0) * Math.max(gridZ, 0);
        }
    }

    record Memcpy(long start, long end, long bytes, int device, long context, long stream, long correlation,
            int copyKind, int srcKind, int dstKind, int flags, long graphId) implements CuptiRecord {
    }

    record Memset(long start, long end, long bytes, int device, long context, long stream, long correlation,
            long value, int memoryKind, int flags, long graphId) implements CuptiRecord {
    }

    /** A host-side wait (CUPTI SYNCHRONIZATION record): event, stream or context synchronisation. */
    record Sync(long start, long end, int type, long context, long stream, long correlation, long event)
            implements CuptiRecord {
    }

    /** A runtime ({@code domain} 1) or driver (2) API call. */
    record Api(long start, long end, long correlation, int cbid, long thread, long process, int name,
            long returnValue, int domain) implements CuptiRecord {
        public boolean driver() {
            return domain == 2;
        }
    }

    record Device(int id, int sms, int ccMajor, int ccMinor, long memoryBytes, long bandwidthKBs, int maxWarpsPerSm,
            int maxBlocksPerSm, int maxThreadsPerBlock, int maxRegistersPerSm, int maxSharedPerSm, int name)
            implements CuptiRecord {
    }

    /** Records CUPTI dropped because its buffers were full. */
    record Dropped(long context, long stream, long count) implements CuptiRecord {
    }

    /** A warning (level 1) or error (2) of the library, with the CUPTI result code and a text string id. */
    record Note(int level, long code, int text) implements CuptiRecord {
    }

    /** Records of an activity kind the library did not enable (another CUPTI client enabled it). */
    record Foreign(int kind, long count) implements CuptiRecord {
    }

    /** The last record of a recording whose process exited normally. */
    record End(long records, long dropped, int outstanding, int flushes, long bytes) implements CuptiRecord {
    }

    /**
     * Written by autoglm, not by the library: the recording was cut to a window of CLOCK_REALTIME ns
     * ({@code load --serve --kernels}: the load's measured window), and {@code before} and {@code after} activity
     * records (kernels, copies, memsets, synchronisations, API calls) wholly outside it were left out.
     */
    record Cut(long fromNs, long toNs, long before, long after) implements CuptiRecord {
        /** Its record type; its body: u64 from, u64 to, u64 before, u64 after. */
        public static final int TYPE = 14;
    }

    /** A record type this reader does not know (a newer writer); skipped by its length. */
    record Unknown(int type, int length) implements CuptiRecord {
    }
}
