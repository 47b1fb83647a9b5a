package autoglm.model.trace;

/** What a trace event is, from its phase ({@code ph}) and category ({@code cat}). */
public enum EventKind {
    KERNEL,
    MEMCPY,
    MEMSET,
    RUNTIME,
    DRIVER,
    CPU_OP,
    USER_ANNOTATION,
    GPU_USER_ANNOTATION,
    PYTHON_FUNCTION,
    /** A complete ({@code X}) event of a category the analyses do not use (profiler overhead, spans...). */
    OTHER_COMPLETE,
    METADATA,
    INSTANT,
    FLOW,
    COUNTER,
    /** A phase this reader does not model (B/E duration pairs, async, object events...). */
    UNSUPPORTED_PHASE;

    public boolean isGpuActivity() {
        return this == KERNEL || this == MEMCPY || this == MEMSET;
    }

    /** Kind of a complete event from its category; Kineto's older capitalised names are accepted too. */
    public static EventKind ofCompleteCategory(String cat) {
        if (cat == null) {
            return OTHER_COMPLETE;
        }
        switch (cat.toLowerCase(java.util.Locale.ROOT)) {
            case "kernel":
                return KERNEL;
            case "gpu_memcpy":
            case "memcpy":
                return MEMCPY;
            case "gpu_memset":
            case "memset":
                return MEMSET;
            case "cuda_runtime":
            case "runtime":
                return RUNTIME;
            case "cuda_driver":
            case "driver":
                return DRIVER;
            case "cpu_op":
            case "operator":
                return CPU_OP;
            case "user_annotation":
                return USER_ANNOTATION;
            case "gpu_user_annotation":
                return GPU_USER_ANNOTATION;
            case "python_function":
                return PYTHON_FUNCTION;
            default:
                return OTHER_COMPLETE;
        }
    }

    public static EventKind ofPhase(char ph) {
        switch (ph) {
            case 'X':
                return OTHER_COMPLETE; // refined by category
            case 'M':
                return METADATA;
            case 'i':
            case 'I':
                return INSTANT;
            case 's':
            case 't':
            case 'f':
                return FLOW;
            case 'C':
                return COUNTER;
            default:
                return UNSUPPORTED_PHASE;
        }
    }
}
