package autoglm.read.run;

import autoglm.util.Csv;
import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuSample;
import autoglm.model.run.HostSample;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CSV layout of each sample kind: one header line whose column names end in their unit
 * ({@code _ms}, {@code _pct}, {@code _bytes}, {@code _w}, {@code _mhz}, {@code _c}, {@code _mib_s}),
 * then one row per sample. Columns are found by name when reading, so files with extra columns still
 * read. docs/formats.md documents every column.
 */
public final class SampleCsv {
    /** Converts one kind of sample to and from rows. */
    public interface Format<T> {
        String file();

        List<String> columns();

        String row(T sample);

        T parse(Map<String, Integer> index, List<String> cells);
    }

    public static final Format<GpuSample> GPU = new Format<>() {
        @Override
        public String file() {
            return "gpu.csv";
        }

        @Override
        public List<String> columns() {
            return List.of("time_unix_ms", "gpu", "gpu_uuid", "util_pct", "mem_util_pct", "mem_used_bytes",
                    "mem_reserved_bytes", "mem_total_bytes", "power_w", "sm_clock_mhz", "mem_clock_mhz",
                    "clock_reasons_mask", "temp_c", "proc_mem_bytes", "proc_sm_pct", "proc_mem_util_pct", "pcie_tx_mib_s",
                    "pcie_rx_mib_s");
        }

        @Override
        public String row(GpuSample s) {
            return join(Csv.number(s.timeMs()), Integer.toString(s.gpu()), Csv.text(s.gpuUuid()), Csv.number(s.utilPct()),
                    Csv.number(s.memUtilPct()), Csv.number(s.memUsedBytes()), Csv.number(s.memReservedBytes()),
                    Csv.number(s.memTotalBytes()), Csv.number(s.powerW()), Csv.number(s.smClockMhz()),
                    Csv.number(s.memClockMhz()), s.clockReasons() < 0 ? "" : "0x" + Long.toHexString(s.clockReasons()),
                    Csv.number(s.tempC()), Csv.number(s.procMemBytes()), Csv.number(s.procSmPct()),
                    Csv.number(s.procMemUtilPct()), Csv.number(s.pcieTxMibS()), Csv.number(s.pcieRxMibS()));
        }

        @Override
        public GpuSample parse(Map<String, Integer> ix, List<String> c) {
            String mask = cell(ix, c, "clock_reasons_mask");
            long reasons = mask.isEmpty() ? -1 : mask.startsWith("0x") ? Long.parseLong(mask.substring(2), 16)
                    : Long.parseLong(mask);
            return new GpuSample(num(ix, c, "time_unix_ms"), (int) num(ix, c, "gpu"), text(ix, c, "gpu_uuid"),
                    num(ix, c, "util_pct"),
                    num(ix, c, "mem_util_pct"), num(ix, c, "mem_used_bytes"), num(ix, c, "mem_reserved_bytes"),
                    num(ix, c, "mem_total_bytes"), num(ix, c, "power_w"), num(ix, c, "sm_clock_mhz"),
                    num(ix, c, "mem_clock_mhz"), reasons, num(ix, c, "temp_c"), num(ix, c, "proc_mem_bytes"),
                    num(ix, c, "proc_sm_pct"), num(ix, c, "proc_mem_util_pct"), num(ix, c, "pcie_tx_mib_s"),
                    num(ix, c, "pcie_rx_mib_s"));
        }
    };

    public static final Format<GpmSample> GPM = new Format<>() {
        @Override
        public String file() {
            return "gpm.csv";
        }

        @Override
        public List<String> columns() {
            return List.of("time_unix_ms", "gpu", "gpu_uuid", "interval_ms", "sm_active_pct", "sm_occupancy_pct",
                    "tensor_active_pct", "dram_bw_pct", "fp16_active_pct", "fp32_active_pct", "pcie_tx_mib_s",
                    "pcie_rx_mib_s");
        }

        @Override
        public String row(GpmSample s) {
            return join(Csv.number(s.timeMs()), Integer.toString(s.gpu()), Csv.text(s.gpuUuid()), Csv.number(s.intervalMs()),
                    Csv.number(s.smActivePct()), Csv.number(s.smOccupancyPct()), Csv.number(s.tensorActivePct()),
                    Csv.number(s.dramBwPct()), Csv.number(s.fp16ActivePct()), Csv.number(s.fp32ActivePct()),
                    Csv.number(s.pcieTxMibS()), Csv.number(s.pcieRxMibS()));
        }

        @Override
        public GpmSample parse(Map<String, Integer> ix, List<String> c) {
            return new GpmSample(num(ix, c, "time_unix_ms"), (int) num(ix, c, "gpu"), text(ix, c, "gpu_uuid"),
                    num(ix, c, "interval_ms"),
                    num(ix, c, "sm_active_pct"), num(ix, c, "sm_occupancy_pct"), num(ix, c, "tensor_active_pct"),
                    num(ix, c, "dram_bw_pct"), num(ix, c, "fp16_active_pct"), num(ix, c, "fp32_active_pct"),
                    num(ix, c, "pcie_tx_mib_s"), num(ix, c, "pcie_rx_mib_s"));
        }
    };

    public static final Format<HostSample> HOST = new Format<>() {
        @Override
        public String file() {
            return "host.csv";
        }

        @Override
        public List<String> columns() {
            return List.of("time_unix_ms", "cpu_pct", "proc_cpu_pct", "busiest_thread_pct", "busiest_thread",
                    "proc_rss_bytes", "processes", "host_mem_used_bytes", "host_mem_total_bytes");
        }

        @Override
        public String row(HostSample s) {
            return join(Csv.number(s.timeMs()), Csv.number(s.cpuPct()), Csv.number(s.procCpuPct()),
                    Csv.number(s.busiestThreadPct()), Csv.text(s.busiestThread()), Csv.number(s.procRssBytes()),
                    Integer.toString(s.processes()), Csv.number(s.hostMemUsedBytes()),
                    Csv.number(s.hostMemTotalBytes()));
        }

        @Override
        public HostSample parse(Map<String, Integer> ix, List<String> c) {
            String thread = cell(ix, c, "busiest_thread");
            double procs = num(ix, c, "processes");
            return new HostSample(num(ix, c, "time_unix_ms"), num(ix, c, "cpu_pct"), num(ix, c, "proc_cpu_pct"),
                    num(ix, c, "busiest_thread_pct"), thread.isEmpty() ? null : thread, num(ix, c, "proc_rss_bytes"),
                    Double.isNaN(procs) ? 0 : (int) procs, num(ix, c, "host_mem_used_bytes"),
                    num(ix, c, "host_mem_total_bytes"));
        }
    };

    private SampleCsv() {
    }

    public static String header(Format<?> f) {
        return String.join(",", f.columns());
    }

    /** Column positions of a header line; every column the format needs must be there. */
    public static Map<String, Integer> index(Format<?> f, String header) {
        List<String> names = Csv.split(header);
        Map<String, Integer> ix = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            ix.put(names.get(i).strip(), i);
        }
        List<String> missing = new ArrayList<>();
        for (String c : f.columns()) {
            if (!ix.containsKey(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("header lacks " + String.join(", ", missing));
        }
        return ix;
    }

    private static String join(String... cells) {
        return String.join(",", cells);
    }

    private static String cell(Map<String, Integer> ix, List<String> c, String name) {
        int i = ix.get(name);
        if (i >= c.size()) {
            throw new IllegalArgumentException("too few cells");
        }
        return c.get(i);
    }

    private static String text(Map<String, Integer> ix, List<String> c, String name) {
        String v = cell(ix, c, name);
        return v.isEmpty() ? null : v;
    }

    private static double num(Map<String, Integer> ix, List<String> c, String name) {
        try {
            return Csv.parse(cell(ix, c, name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: '" + cell(ix, c, name) + "'");
        }
    }
}
