package autoglm.record.cupti;

import autoglm.read.cupti.CuptiReader;
import autoglm.read.cupti.CuptiRecord;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Cuts a finished recording (docs/cupti-format.md) to a window of CLOCK_REALTIME nanoseconds: activity records
 * (kernels, copies, memsets, synchronisations, API calls) wholly before or wholly after it are left out, one
 * that overlaps an edge is kept whole; every other record (process, clocks, strings, devices, drops, notes,
 * end) is kept, so the names and the clock of what is left still resolve. A CUT record at the head of the file
 * says so, with the window and the counts left out. Activity CUPTI timestamps are placed on the wall clock with
 * the file's first clock record, as the reader does; one before any clock record cannot be placed and is kept.
 * The cut file replaces the original only once it is whole (written beside it, then renamed).
 */
public final class CuptiWindowCut {
    private static final int CHUNK_MAGIC = 0x4B4E4843;
    private static final int CHUNK_BYTES = 1 << 20;

    /** What the cut kept and left out, in activity records. */
    public record Counts(long kept, long before, long after, long unplaced) {
    }

    private CuptiWindowCut() {
    }

    /** Cuts {@code file} (an uncompressed {@code cupti-PID.bin}) in place to [{@code fromNs}, {@code toNs}]. */
    public static Counts cut(Path file, long fromNs, long toNs) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".cut.tmp");
        try {
            return cut(file, tmp, fromNs, toNs);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp); // the original stays as it was
            throw e;
        }
    }

    private static Counts cut(Path file, Path tmp, long fromNs, long toNs) throws IOException {
        long kept = 0;
        long before = 0;
        long after = 0;
        long unplaced = 0;
        try (CuptiReader r = CuptiReader.open(file);
                OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            os.write(r.header());
            // the CUT record's chunk goes first, its counts patched in once they are known
            os.write(cutChunk(fromNs, toNs, 0, 0));
            Chunks out = new Chunks(os);
            long offset = 0;
            boolean clocked = false;
            CuptiRecord rec;
            while ((rec = r.next()) != null) {
                if (rec instanceof CuptiRecord.Clock k && !clocked) {
                    offset = k.realtimeNs() - k.cuptiTs();
                    clocked = true;
                }
                long[] t = times(rec);
                if (t != null) {
                    if (!clocked) {
                        unplaced++;
                    } else if (t[1] + offset < fromNs) {
                        before++;
                        continue;
                    } else if (t[0] + offset > toNs) {
                        after++;
                        continue;
                    } else {
                        kept++;
                    }
                } else if (rec instanceof CuptiRecord.Cut) {
                    continue; // a second cut's record replaces the first's
                }
                out.add(r.recordBytes());
            }
            out.flush();
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(cutChunk(fromNs, toNs, before, after)), 16);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Counts(kept + unplaced, before, after, unplaced);
    }

    /** The chunk of one CUT record: chunk header, record header, body (52 bytes). */
    private static byte[] cutChunk(long fromNs, long toNs, long before, long after) {
        byte[] body = ByteBuffer.allocate(4 + 32).order(ByteOrder.LITTLE_ENDIAN).put((byte) CuptiRecord.Cut.TYPE)
                .put((byte) 0).putShort((short) 32).putLong(fromNs).putLong(toNs).putLong(before).putLong(after)
                .array();
        return ByteBuffer.allocate(16 + body.length).put(chunkHeader(body, body.length, 1)).put(body).array();
    }

    private static byte[] chunkHeader(byte[] payload, int len, int records) {
        CRC32 crc = new CRC32();
        crc.update(payload, 0, len);
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(CHUNK_MAGIC).putInt(len)
                .putInt((int) crc.getValue()).putInt(records).array();
    }

    /** The CUPTI start and end of an activity record, or null for a record that is not one. */
    private static long[] times(CuptiRecord rec) {
        if (rec instanceof CuptiRecord.Kernel k) {
            return new long[] {k.start(), k.end()};
        } else if (rec instanceof CuptiRecord.Api a) {
            return new long[] {a.start(), a.end()};
        } else if (rec instanceof CuptiRecord.Memcpy m) {
            return new long[] {m.start(), m.end()};
        } else if (rec instanceof CuptiRecord.Memset m) {
            return new long[] {m.start(), m.end()};
        } else if (rec instanceof CuptiRecord.Sync s) {
            return new long[] {s.start(), s.end()};
        }
        return null;
    }

    /** Packs records into chunks of about 1 MiB, each with its CRC-32, as the library writes them. */
    private static final class Chunks {
        private final OutputStream os;
        private final byte[] payload = new byte[CHUNK_BYTES + 65536 + 4];
        private int used;
        private int records;

        Chunks(OutputStream os) {
            this.os = os;
        }

        void add(ByteBuffer record) throws IOException {
            if (used + record.remaining() > CHUNK_BYTES) {
                flush();
            }
            int n = record.remaining();
            record.get(payload, used, n);
            used += n;
            records++;
        }

        void flush() throws IOException {
            if (records == 0) {
                return;
            }
            os.write(chunkHeader(payload, used, records));
            os.write(payload, 0, used);
            used = 0;
            records = 0;
        }
    }
}
