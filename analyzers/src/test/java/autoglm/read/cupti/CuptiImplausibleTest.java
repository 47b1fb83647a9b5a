package autoglm.read.cupti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.model.trace.TraceModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records a writer could not have written, in the real H100 recording: one kernel's end moved 10^12 ns
 * (16 minutes) past its start, one kernel's start moved an hour before the first clock record. Each is
 * counted as malformed and left out, so GPU busy stays what it was.
 */
class CuptiImplausibleTest {
    @TempDir
    Path tmp;

    /** Edits the n-th kernel record of the first chunk (file header 16 bytes, chunk header 16) and re-signs the chunk. */
    private static byte[] editKernel(byte[] all, int n, long startDelta, long endDelta) {
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int chunk = 16;
        int len = b.getInt(chunk + 4);
        int p = chunk + 16;
        int seen = 0;
        while (p < chunk + 16 + len) {
            int type = Byte.toUnsignedInt(b.get(p));
            int rl = Short.toUnsignedInt(b.getShort(p + 2));
            if (type == CuptiRecords.KERNEL && seen++ == n) {
                long start = b.getLong(p + 4);
                long end = b.getLong(p + 12);
                b.putLong(p + 4, start + startDelta);
                b.putLong(p + 12, startDelta == 0 ? start + endDelta : end + startDelta + endDelta);
                CRC32 crc = new CRC32();
                crc.update(all, chunk + 16, len);
                b.putInt(chunk + 8, (int) crc.getValue());
                return all;
            }
            p += 4 + rl;
        }
        throw new AssertionError("no kernel " + n + " in the first chunk");
    }

    private static double busy(TraceModel m) {
        return new autoglm.analyse.trace.TraceAnalyzer(autoglm.analyse.AnalysisSettings.defaults()).analyze(m).metrics().get("gpu_busy_pct").value();
    }

    @Test
    void aKernelLastingSixteenMinutesIsCountedNotTaken() throws Exception {
        TraceModel clean = CuptiLoader.load(List.of(Recordings.decode())).model();
        Path bad = Files.write(tmp.resolve("cupti-1.bin"), editKernel(Recordings.decodeBytes(), 3, 0, 1_000_000_000_000L));
        CuptiLoader.Result r = CuptiLoader.load(List.of(bad));
        Map<String, Long> malformed = r.model().dataLoss().get(autoglm.model.trace.DataLoss.Group.MALFORMED);
        assertEquals(1L, malformed.entrySet().stream().filter(e -> e.getKey().contains("outside the recording"))
                .mapToLong(Map.Entry::getValue).sum(), malformed.toString());
        assertEquals(clean.gpu().size() - 1, r.model().gpu().size());
        assertEquals(busy(clean), busy(r.model()), 1.0, "GPU busy is not taken to 100%");
    }

    @Test
    void aKernelBeforeTheFirstClockRecordIsCountedNotTaken() throws Exception {
        Path bad = Files.write(tmp.resolve("cupti-2.bin"), editKernel(Recordings.decodeBytes(), 5, -3_600_000_000_000L, 0));
        Map<String, Long> malformed = CuptiLoader.load(List.of(bad)).model().dataLoss().get(autoglm.model.trace.DataLoss.Group.MALFORMED);
        assertTrue(malformed.keySet().stream().anyMatch(k -> k.contains("outside the recording")), malformed.toString());
    }

    @Test
    void theUneditedRecordingHasNothingOutsideIt() throws Exception {
        Map<String, Long> malformed = CuptiLoader.load(List.of(Recordings.decode())).model().dataLoss().get(autoglm.model.trace.DataLoss.Group.MALFORMED);
        assertTrue(malformed.keySet().stream().noneMatch(k -> k.contains("outside the recording")), malformed.toString());
    }
}
