package autoglm.record.cupti;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/**
 * The injection library that {@code autoglm profile --kernels} puts into the command through
 * {@code CUDA_INJECTION64_PATH}: the copy inside autoglm's jar (built by native/cupti/build.sh when the
 * build machine had CUDA's headers), extracted to a private temporary folder, or the file named by
 * {@code AUTOGLM_CUPTI_INJECTION}.
 */
public final class CuptiInjection {
    public static final String ENV_INJECTION = "CUDA_INJECTION64_PATH";
    public static final String ENV_DIR = "AUTOGLM_CUPTI_DIR";
    public static final String ENV_OVERRIDE = "AUTOGLM_CUPTI_INJECTION";

    /** Why kernels cannot be recorded; one line for the user. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    private CuptiInjection() {
    }

    /** Where the library lies inside the jar, for this machine's architecture. */
    public static String resource() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String uname = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
        return "/autoglm/native/linux-" + uname + "/libautoglm_cupti.so";
    }

    /** Whether this build carries the library. */
    public static boolean bundled() {
        return CuptiInjection.class.getResource(resource()) != null;
    }

    /**
     * The libcupti the library falls back to when the command brings none of its own (the same places, in the
     * same order, as native/cupti/agc_inject.c looks), or null. PyTorch's own copy is found only inside the
     * command's process.
     */
    public static Path systemCupti(Map<String, String> env) {
        java.util.List<Path> candidates = new java.util.ArrayList<>();
        String named = env.get("AUTOGLM_CUPTI_LIBRARY");
        if (named != null && !named.isEmpty()) {
            candidates.add(Path.of(named));
        }
        String home = env.get("CUDA_HOME");
        if (home != null && !home.isEmpty()) {
            candidates.add(Path.of(home, "extras/CUPTI/lib64/libcupti.so"));
            candidates.add(Path.of(home, "lib64/libcupti.so"));
        }
        candidates.add(Path.of("/usr/local/cuda/extras/CUPTI/lib64/libcupti.so"));
        candidates.add(Path.of("/usr/local/cuda/lib64/libcupti.so"));
        for (Path p : candidates) {
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    /** A path to the library, ready to inject. */
    public static Path library(Map<String, String> env) throws Unavailable {
        String override = env.get(ENV_OVERRIDE);
        if (override != null && !override.isEmpty()) {
            Path p = Path.of(override);
            if (!Files.isRegularFile(p)) {
                throw new Unavailable(ENV_OVERRIDE + "=" + override + " is not a file");
            }
            return p.toAbsolutePath();
        }
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            throw new Unavailable("--kernels works on Linux only (CUDA_INJECTION64_PATH)");
        }
        try (InputStream in = CuptiInjection.class.getResourceAsStream(resource())) {
            if (in == null) {
                throw new Unavailable("this autoglm was built without the CUPTI library (no CUDA headers on the build "
                        + "machine): rebuild with CUDA_HOME set to a CUDA toolkit, or set " + ENV_OVERRIDE);
            }
            Path dir = Files.createTempDirectory("autoglm-cupti-");
            Path lib = dir.resolve("libautoglm_cupti.so");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            dir.toFile().deleteOnExit();
            lib.toFile().deleteOnExit();
            return lib;
        } catch (IOException e) {
            throw new Unavailable("cannot extract the CUPTI library: " + e.getMessage());
        }
    }
}
