package autoglm.record.nvml;

/** nvmlReturn_t codes autoglm treats specially, and their names when nvmlErrorString is not at hand. */
public final class NvmlReturn {
    public static final int SUCCESS = 0;
    public static final int UNINITIALIZED = 1;
    public static final int INVALID_ARGUMENT = 2;
    public static final int NOT_SUPPORTED = 3;
    public static final int NO_PERMISSION = 4;
    public static final int NOT_FOUND = 6;
    public static final int INSUFFICIENT_SIZE = 7;
    public static final int DRIVER_NOT_LOADED = 9;
    public static final int GPU_IS_LOST = 15;
    public static final int ARGUMENT_VERSION_MISMATCH = 25;
    public static final int UNKNOWN = 999;

    private NvmlReturn() {
    }

    public static String name(int rc) {
        switch (rc) {
            case SUCCESS:
                return "Success";
            case UNINITIALIZED:
                return "Uninitialized";
            case INVALID_ARGUMENT:
                return "Invalid Argument";
            case NOT_SUPPORTED:
                return "Not Supported";
            case NO_PERMISSION:
                return "Insufficient Permissions";
            case NOT_FOUND:
                return "Not Found";
            case INSUFFICIENT_SIZE:
                return "Insufficient Size";
            case DRIVER_NOT_LOADED:
                return "Driver Not Loaded";
            case GPU_IS_LOST:
                return "GPU is lost";
            case ARGUMENT_VERSION_MISMATCH:
                return "Argument Version Mismatch";
            default:
                return "NVML error " + rc;
        }
    }
}
