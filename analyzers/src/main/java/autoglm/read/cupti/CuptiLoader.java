package autoglm.read.cupti;

import autoglm.model.trace.NamePool;
import autoglm.model.trace.ShapePool;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.TraceModel;
import autoglm.read.TraceModelBuilder;
import autoglm.model.trace.TraceSource;
import autoglm.util.BadInputException;
import autoglm.model.trace.DeviceProperties;
import autoglm.model.trace.EventKind;
import autoglm.model.trace.ReadCounts;
import autoglm.read.trace.TraceInput;
import autoglm.model.trace.TraceHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads the CUPTI recordings of one run (one file per process that used CUDA) into the same
 * {@link TraceModel} that Kineto traces fill, so every timeline analysis and rule runs on them.
 * Times are moved onto CLOCK_REALTIME (epoch ns) with the file's first clock record, so they line up with
 * the NVML samples. Memcpy and memset activities get Kineto's names ("Memcpy HtoD (Pageable -&gt; Device)").
 * With several processes, stream and correlation ids are kept apart per file.
 */
public final class CuptiLoader {
    private static final String[] COPY_KINDS = {"Unknown", "HtoD", "DtoH", "HtoA", "AtoH", "AtoA", "AtoD", "DtoA",
        "DtoD", "HtoH", "PtoP"};
    private static final String[] MEMORY_KINDS = {"Unknown", "Pageable", "Pinned", "Device", "Array", "Managed",
        "Device Static", "Managed Static"};
    /** Stream ids of the second and later files are offset by this, so that processes do not share streams. */
    static final int STREAM_STRIDE = 1_000_000;

    private CuptiLoader() {
    }

    /** What was read: the model, and the library's own errors (a recording may hold no activity at all). */
    public record Result(TraceModel model, List<String> errors, List<String> warnings, long processes,
            long activities) {
    }

    /** The recordings of a run folder ({@code cupti-*.bin}), in name order; empty when there are none. */
    public static List<Path> recordings(Path folder) {
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(folder)) {
            s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("cupti-") && (n.endsWith(".bin") || n.endsWith(".bin.gz"));
            }).sorted().forEach(files::add);
        } catch (java.io.IOException e) {
            throw new BadInputException(folder + ": cannot be listed (" + e.getMessage() + ")", e);
        }
        return files;
    }

    public static Result load(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no recordings");
        }
        long t0 = System.nanoTime();
        NamePool names = new NamePool();
        TraceModelBuilder builder = new TraceModelBuilder(names, new ShapePool());
        ReadCounts counts = new ReadCounts();
        List<DeviceProperties> devices = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        long fileBytes = 0;
        long bytes = 0;
        long records = 0;
        long activities = 0;
        long driverVersion = -1;
        boolean gzip = false;
        for (int f = 0; f < files.size(); f++) {
            FileState st = new FileState(f, names, builder, counts, devices, errors, warnings);
            st.span = Span.of(files.get(f));
            try (CuptiReader r = CuptiReader.open(files.get(f))) {
                CuptiRecord rec;
                while ((rec = r.next()) != null) {
                    st.accept(rec);
                }
                st.finish(r);
                bytes += r.bytesRead();
                records += r.records();
                fileBytes += r.fileBytes();
                gzip |= r.gzip();
            }
            activities += st.activities;
            driverVersion = Math.max(driverVersion, st.driverVersion);
        }
        String where = files.size() == 1 ? files.get(0).toString()
                : files.get(0).getParent() + " (" + files.size() + " CUPTI recordings)";
        TraceSource source = new TraceSource(where, gzip, fileBytes, bytes, records, System.nanoTime() - t0,
                TraceSource.CUPTI);
        TraceHeader header = new TraceHeader(null, null, null, "CUPTI recording", null, null, null, null,
                driverVersion > 0 ? (int) driverVersion : null, List.copyOf(devices), false);
        return new Result(builder.build(source, header, counts), List.copyOf(errors), List.copyOf(warnings),
                files.size(), activities);
    }

    /** Whether the file is a CUPTI recording (gzipped or not), judged by its first bytes. */
    public static boolean isRecording(Path p) {
        if (!Files.isRegularFile(p)) {
            return false;
        }
        try (TraceInput in = TraceInput.open(p)) {
            byte[] head = in.stream().readNBytes(CuptiReader.MAGIC.length);
            return Arrays.equals(head, CuptiReader.MAGIC);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** Kineto's name for a copy: "Memcpy HtoD (Pageable -&gt; Device)". */
    static String memcpyName(int copyKind, int src, int dst) {
        return "Memcpy " + kind(COPY_KINDS, copyKind) + " (" + kind(MEMORY_KINDS, src) + " -> "
                + kind(MEMORY_KINDS, dst) + ")";
    }

    static String memsetName(int memoryKind) {
        return "Memset (" + kind(MEMORY_KINDS, memoryKind) + ")";
    }

    private static String kind(String[] table, int k) {
        return k >= 0 && k < table.length ? table[k] : "kind " + k;
    }

    /** Per-file state: string ids, the clock offset, the device table, what was lost. */
    private static final class FileState {
        private final int index;
        private final NamePool names;
        private final TraceModelBuilder out;
        private final ReadCounts counts;
        private final List<DeviceProperties> devices;
        private final List<String> errors;
        private final List<String> warnings;
        private int[] poolId = new int[256];
        private String[] text = new String[256];
        private final List<PendingNote> pendingNotes = new ArrayList<>();
        private long offset;
        private boolean clocked;
        private long maxDrift;
        private boolean ended;
        private long activities;
        private long driverVersion = -1;
        private long badTimes;
        private long implausible;
        private Span span = Span.NONE;
        private long syncs;
        private long unknown;
        private final int[] sms = new int[64];

        FileState(int index, NamePool names, TraceModelBuilder out, ReadCounts counts, List<DeviceProperties> devices,
                List<String> errors, List<String> warnings) {
            this.index = index;
            this.names = names;
            this.out = out;
            this.counts = counts;
            this.devices = devices;
            this.errors = errors;
            this.warnings = warnings;
            Arrays.fill(poolId, -1);
        }

        void accept(CuptiRecord rec) {
            if (rec instanceof CuptiRecord.Kernel k) {
                if (!timed(k.start(), k.end())) {
                    return;
                }
                int dev = k.device();
                float bps = dev >= 0 && dev < sms.length && sms[dev] > 0 && k.blocks() > 0
                        ? (float) k.blocks() / sms[dev] : Float.NaN;
                out.gpuActivity(GpuActivities.KERNEL, k.start() + offset, k.end() - k.start(), dev, stream(k.stream()),
                        corr(k.correlation()), name(k.name()), -1, Float.NaN, bps);
                counts.add(EventKind.KERNEL, 1);
                activities++;
            } else if (rec instanceof CuptiRecord.Api a) {
                if (!timed(a.start(), a.end())) {
                    return;
                }
                out.apiCall(a.start() + offset, a.end() - a.start(), name(a.name()), a.thread(), corr(a.correlation()),
                        a.driver());
                counts.add(a.driver() ? EventKind.DRIVER : EventKind.RUNTIME, 1);
            } else if (rec instanceof CuptiRecord.Memcpy m) {
                if (!timed(m.start(), m.end())) {
                    return;
                }
                out.gpuActivity(GpuActivities.MEMCPY, m.start() + offset, m.end() - m.start(), m.device(),
                        stream(m.stream()), corr(m.correlation()),
                        names.intern(memcpyName(m.copyKind(), m.srcKind(), m.dstKind())), m.bytes(), Float.NaN,
                        Float.NaN);
                counts.add(EventKind.MEMCPY, 1);
                activities++;
            } else if (rec instanceof CuptiRecord.Memset m) {
                if (!timed(m.start(), m.end())) {
                    return;
                }
                out.gpuActivity(GpuActivities.MEMSET, m.start() + offset, m.end() - m.start(), m.device(),
                        stream(m.stream()), corr(m.correlation()), names.intern(memsetName(m.memoryKind())), m.bytes(),
                        Float.NaN, Float.NaN);
                counts.add(EventKind.MEMSET, 1);
                activities++;
            } else if (rec instanceof CuptiRecord.Str s) {
                string(s.id(), s.text());
            } else if (rec instanceof CuptiRecord.Clock c) {
                long o = c.realtimeNs() - c.cuptiTs();
                if (!clocked) {
                    offset = o;
                    clocked = true;
                } else {
                    maxDrift = Math.max(maxDrift, Math.abs(o - offset));
                }
            } else if (rec instanceof CuptiRecord.Sync) {
                syncs++;
            } else if (rec instanceof CuptiRecord.Device d) {
                if (d.id() >= 0 && d.id() < sms.length) {
                    sms[d.id()] = d.sms();
                }
                devices.add(new DeviceProperties(d.id(), text(d.name()), d.ccMajor(), d.ccMinor(), d.sms(),
                        d.memoryBytes(), d.maxWarpsPerSm() * 32, d.maxRegistersPerSm(), d.maxSharedPerSm()));
            } else if (rec instanceof CuptiRecord.Process p) {
                driverVersion = p.driverVersion();
            } else if (rec instanceof CuptiRecord.Dropped d) {
                out.loss(DataLoss.Group.PROBE, "records CUPTI dropped because its buffers were full", d.count());
            } else if (rec instanceof CuptiRecord.Note n) {
                pendingNotes.add(new PendingNote(n.level(), n.text()));
            } else if (rec instanceof CuptiRecord.Foreign x) {
                out.loss(DataLoss.Group.PROBE, "records of CUPTI activity kind " + x.kind() + ", which autoglm does not "
                        + "enable: another CUPTI client (torch.profiler, Nsight) is active in the process", x.count());
            } else if (rec instanceof CuptiRecord.End) {
                ended = true;
            } else if (rec instanceof CuptiRecord.Cut c) {
                out.loss(DataLoss.Group.SKIPPED, "CUPTI activity records before the load window, cut from the "
                        + "recording", c.before());
                out.loss(DataLoss.Group.SKIPPED, "CUPTI activity records after the load window, cut from the "
                        + "recording", c.after());
            } else {
                unknown++;
            }
        }

        private boolean timed(long start, long end) {
            if (end < start || start <= 0) {
                badTimes++;
                return false;
            }
            if (!span.contains(start, end)) {
                implausible++;
                return false;
            }
            return true;
        }

        private int stream(long s) {
            return (int) (s + (long) index * STREAM_STRIDE);
        }

        private long corr(long c) {
            return ((long) index << 32) | c;
        }

        private void string(int id, String s) {
            if (id < 0) {
                return;
            }
            if (id >= poolId.length) {
                int n = Math.max(id + 1, poolId.length * 2);
                int old = poolId.length;
                poolId = Arrays.copyOf(poolId, n);
                Arrays.fill(poolId, old, n, -1);
                text = Arrays.copyOf(text, n);
            }
            poolId[id] = names.intern(s);
            text[id] = s;
        }

        private int name(int id) {
            return id > 0 && id < poolId.length && poolId[id] >= 0 ? poolId[id] : names.intern("(unnamed)");
        }

        private String text(int id) {
            return id > 0 && id < text.length && text[id] != null ? text[id] : null;
        }

        void finish(CuptiReader r) {
            String file = r.path().getFileName().toString();
            for (PendingNote n : pendingNotes) {
                String t = text(n.text());
                String line = file + ": " + (t == null ? "(note without text)" : t);
                if (n.level() >= 2) {
                    errors.add(line);
                    out.loss(DataLoss.Group.PROBE, "CUPTI error: " + (t == null ? "?" : t), 1);
                } else {
                    warnings.add(line);
                    out.loss(DataLoss.Group.PROBE, "CUPTI warning: " + (t == null ? "?" : t), 1);
                }
            }
            if (!ended) {
                out.loss(DataLoss.Group.PROBE, "CUPTI recordings without their END record (the process was killed or "
                        + "left through _exit): activity after its last flush is lost", 1);
            }
            if (badTimes > 0) {
                counts.addMalformed("CUPTI records with an end before their start", badTimes);
            }
            if (implausible > 0) {
                counts.addMalformed("CUPTI records outside the recording (before its first clock record, or ending "
                        + "more than " + Span.SLACK_NS / 1_000_000_000 + " s after its last clock record and latest start)",
                        implausible);
            }
            if (!clocked && activities > 0) {
                warnings.add(file + ": no clock record; CUPTI timestamps are taken as CLOCK_REALTIME");
            }
            if (maxDrift > 1_000_000) {
                warnings.add(String.format(Locale.ROOT, "%s: the CUPTI clock drifted %.1f ms from CLOCK_REALTIME over "
                        + "the run; times are aligned with the first reading", file, maxDrift / 1e6));
            }
            out.loss(DataLoss.Group.SKIPPED, "CUPTI synchronization records (the blocking API calls are analysed instead)",
                    syncs);
            out.loss(DataLoss.Group.SKIPPED, "CUPTI records of unknown types (written by a newer autoglm)", unknown);
        }
    }

    /**
     * The time a recording can hold, in CUPTI timestamps: from its first clock record (written when the
     * library starts, before any activity) to the later of its last clock record (written after each
     * forced flush, once a second, and at exit) and the latest start of any activity, with {@value #SLACK_NS}
     * ns of slack either side. Found by a first pass over the file's records; a file without a clock record
     * has no span (every time is taken).
     */
    record Span(long from, long to) {
        static final long SLACK_NS = 2_000_000_000L;
        static final Span NONE = new Span(Long.MIN_VALUE, Long.MAX_VALUE);

        boolean contains(long start, long end) {
            return start >= from && end <= to;
        }

        static Span of(Path file) {
            long first = Long.MIN_VALUE;
            long last = Long.MIN_VALUE;
            long latestStart = Long.MIN_VALUE;
            try (CuptiReader r = CuptiReader.open(file)) {
                CuptiRecord rec;
                while ((rec = r.next()) != null) {
                    long start = Long.MIN_VALUE;
                    if (rec instanceof CuptiRecord.Clock c) {
                        first = first == Long.MIN_VALUE ? c.cuptiTs() : first;
                        last = Math.max(last, c.cuptiTs());
                    } else if (rec instanceof CuptiRecord.Kernel k) {
                        start = k.start();
                    } else if (rec instanceof CuptiRecord.Api a) {
                        start = a.start();
                    } else if (rec instanceof CuptiRecord.Memcpy m) {
                        start = m.start();
                    } else if (rec instanceof CuptiRecord.Memset m) {
                        start = m.start();
                    }
                    if (start > 0 && start < Long.MAX_VALUE - SLACK_NS) {
                        latestStart = Math.max(latestStart, start);
                    }
                }
            } catch (RuntimeException e) {
                // the second pass meets the same problem and reports it
                return NONE;
            }
            if (first == Long.MIN_VALUE) {
                return NONE;
            }
            return new Span(first - SLACK_NS, Math.max(last, latestStart) + SLACK_NS);
        }
    }

    private record PendingNote(int level, int text) {
    }
}
