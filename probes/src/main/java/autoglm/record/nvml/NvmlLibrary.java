package autoglm.record.nvml;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libnvidia-ml.so.1, loaded on first use through JNA. Functions are looked up one by one and
 * remembered, so a symbol an older driver lacks (the _v2 memory call, the clock event reasons, GPM) is
 * a "not available" answer for that call, not a failure to load. AUTOGLM_NVML_LIBRARY names another file.
 */
public final class NvmlLibrary {
    public static final String FILE = "libnvidia-ml.so.1";

    private final NativeLibrary lib;
    private final Map<String, Optional<Function>> functions = new ConcurrentHashMap<>();

    private NvmlLibrary(NativeLibrary lib) {
        this.lib = lib;
    }

    /** The library file to load: AUTOGLM_NVML_LIBRARY, else libnvidia-ml.so.1 from the loader's path. */
    public static String file() {
        String env = System.getenv("AUTOGLM_NVML_LIBRARY");
        return env == null || env.isBlank() ? FILE : env;
    }

    /** Loads the library; a missing or unloadable file throws UnsatisfiedLinkError. */
    public static NvmlLibrary load() {
        return new NvmlLibrary(NativeLibrary.getInstance(file()));
    }

    public boolean has(String name) {
        return function(name) != null;
    }

    private Function function(String name) {
        return functions.computeIfAbsent(name, n -> {
            try {
                return Optional.of(lib.getFunction(n));
            } catch (UnsatisfiedLinkError e) {
                return Optional.empty();
            }
        }).orElse(null);
    }

    /** Calls an NVML function that returns nvmlReturn_t; a missing symbol gives {@link #MISSING}. */
    public int call(String name, Object... args) {
        Function f = function(name);
        if (f == null) {
            return MISSING;
        }
        return f.invokeInt(args);
    }

    /** Returned by {@link #call} when the driver lacks the function. */
    public static final int MISSING = -1;

    /** nvmlErrorString, else the code's name. */
    public String errorString(int rc) {
        if (rc == MISSING) {
            return "not in this driver";
        }
        Function f = function("nvmlErrorString");
        if (f != null) {
            Pointer p = (Pointer) f.invoke(Pointer.class, new Object[] {rc});
            if (p != null) {
                return p.getString(0);
            }
        }
        return NvmlReturn.name(rc);
    }
}
