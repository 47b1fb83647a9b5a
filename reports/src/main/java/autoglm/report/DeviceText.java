package autoglm.report;

import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.model.trace.DeviceProperties;
import autoglm.model.trace.TraceHeader;
import autoglm.model.trace.TraceModel;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a trace says about its device and software, as text for the report headers: "NVIDIA H100 80GB HBM3, 79.1
 * GiB, compute capability 9.0, 132 SMs"; an AMD device as "AMD Radeon Graphics (ROCm), 64.0 GiB, 104 compute
 * units", since Kineto writes a ROCm device's gfx version into the CUDA fields (gfx90a reads "9.0"). Strings from
 * the trace are made safe by the caller's format.
 */
final class DeviceText {
    private DeviceText() {
    }

    /** Calls that only a ROCm trace has. */
    private static final String[] HIP_CALLS = {"hipLaunchKernel", "hipExtModuleLaunchKernel", "hipModuleLaunchKernel",
        "hipMemcpyAsync", "hipMemcpyWithStream", "hipMemsetAsync"};

    /** Whether the trace comes from ROCm: an AMD device name, or HIP runtime calls among its names. */
    static boolean rocm(TraceModel model) {
        for (DeviceProperties d : model.header().devices()) {
            String n = d.name() == null ? "" : d.name();
            if (n.startsWith("AMD") || n.contains("Radeon") || n.contains("Instinct")) {
                return true;
            }
        }
        // HIP's launch and copy calls among the names the trace mentions (a rank kept without its events has them too)
        for (String hip : HIP_CALLS) {
            if (model.names().find(hip) != autoglm.model.trace.Names.NONE) {
                return true;
            }
        }
        return false;
    }

    /** The devices the analysis used (the analysed one, or the only one), one entry each. */
    static List<String> devices(TraceModel model, int analysed) {
        boolean rocm = rocm(model);
        TraceHeader h = model.header();
        List<String> out = new ArrayList<>();
        for (DeviceProperties dp : h.devices()) {
            if (dp.id() != analysed && h.devices().size() != 1) {
                continue;
            }
            StringBuilder s = new StringBuilder(String.valueOf(dp.name()));
            if (rocm) {
                s.append(" (ROCm)");
            }
            if (dp.totalGlobalMem() > 0) {
                s.append(", ").append(Quantities.format(dp.totalGlobalMem(), Unit.BYTES));
            }
            if (!rocm && dp.computeCapability() != null) {
                s.append(", compute capability ").append(dp.computeCapability());
            }
            if (dp.numSms() > 0) {
                s.append(", ").append(dp.numSms()).append(rocm ? " compute units" : " SMs");
            }
            out.add(s.toString());
        }
        return out;
    }

    /** "CUDA runtime 12.4, driver 12.4; Kineto trace schema 1", or "ROCm (HIP); ..."; null when nothing is known. */
    static String software(TraceModel model) {
        TraceHeader h = model.header();
        List<String> parts = new ArrayList<>();
        if (rocm(model)) {
            parts.add("ROCm (HIP runtime)");
        } else {
            if (h.cudaRuntimeVersion() != null) {
                parts.add("CUDA runtime " + cuda(h.cudaRuntimeVersion()));
            }
            if (h.cudaDriverVersion() != null) {
                parts.add("driver " + cuda(h.cudaDriverVersion()));
            }
        }
        if (h.schemaVersion() != null) {
            parts.add("Kineto trace schema " + h.schemaVersion());
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    /** When the trace was taken (UTC), from its base time; null for traces with relative time only. */
    static String date(TraceModel model) {
        Long base = model.header().baseTimeNanoseconds();
        // before 2001 a base time is not a date (some writers put 0 or a monotonic clock there)
        if (base == null || base < 1_000_000_000L * 1_000_000_000L) {
            return null;
        }
        return utc(base / 1_000_000);
    }

    /** "2026-11-28 11:18:28 UTC". */
    static String utc(long epochMs) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                .format(Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC));
    }

    /** CUDA's version integers: 12040 -> "12.4", 11080 -> "11.8". */
    static String cuda(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }
}
