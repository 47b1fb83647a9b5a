package autoglm.read.cupti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.model.trace.DataLoss;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.TraceModel;
import autoglm.util.BadInputException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recording reader on the H100 recording, and on every way a recording can be damaged. */
class CuptiReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheH100RecordingAsThePythonCheckDoes() throws Exception {
        JsonNode x = Recordings.expected();
        long kernels = 0;
        long api = 0;
        long first = Long.MAX_VALUE;
        long strings = 0;
        boolean ended = false;
        try (CuptiReader r = CuptiReader.open(Recordings.decode())) {
            assertEquals(0, r.pid(), "converted recordings carry pid 0");
            CuptiRecord rec;
            while ((rec = r.next()) != null) {
                if (rec instanceof CuptiRecord.Kernel k) {
                    kernels++;
                    first = Math.min(first, k.start());
                } else if (rec instanceof CuptiRecord.Api) {
                    api++;
                } else if (rec instanceof CuptiRecord.Str) {
                    strings++;
                } else if (rec instanceof CuptiRecord.End e) {
                    ended = true;
                    assertEquals(r.records(), e.records(), "END counts every record, itself included");
                }
            }
            assertTrue(r.chunks() >= 2, "a 1.8 MB recording spans several 1 MiB chunks");
        }
        assertEquals(x.get("kernels").asLong(), kernels);
        assertEquals(x.get("api_calls").asLong(), api);
        assertEquals(x.get("first_kernel_ns").asLong(), first);
        assertTrue(ended);
        assertEquals(x.get("strings").asLong(), strings, "each kernel and API name is written once");
    }

    @Test
    void loadsIntoTheTraceModelWithKinetoStyleNames() throws Exception {
        CuptiLoader.Result r = CuptiLoader.load(List.of(Recordings.decode()));
        TraceModel m = r.model();
        JsonNode x = Recordings.expected();
        assertEquals(x.get("kernels").asLong(), m.gpu().size());
        assertEquals(x.get("api_calls").asLong(), m.api().size());
        assertEquals(x.get("kernels").asLong(), r.activities());
        assertTrue(r.errors().isEmpty(), r.errors().toString());
        boolean demangled = false;
        for (int row = 0; row < m.gpu().size(); row++) {
            assertEquals(GpuActivities.KERNEL, m.gpu().kind(row));
            String name = m.names().get(m.gpu().name(row));
            assertFalse(name.startsWith("_Z"), "kernel names are demangled: " + name);
            demangled |= name.startsWith("void at::native::");
        }
        assertTrue(demangled);
        assertEquals("cudaLaunchKernel", m.names().get(m.api().name(0)));
        assertEquals(0, m.dataLoss().get(DataLoss.Group.PROBE).size(), m.dataLoss().get(DataLoss.Group.PROBE).toString());
        assertEquals("Memcpy HtoD (Pageable -> Device)", CuptiLoader.memcpyName(1, 1, 3));
        assertEquals("Memset (Device)", CuptiLoader.memsetName(3));
    }

    @Test
    void aRecordingCutInsideAChunkIsRefusedWithOneLine() throws Exception {
        byte[] all = Recordings.decodeBytes();
        Path cut = write("cupti-1.bin", Arrays.copyOf(all, 16 + 16 + 1000));
        BadInputException e = assertThrows(BadInputException.class, () -> CuptiLoader.load(List.of(cut)));
        assertEquals(cut + ": cut off inside the chunk at byte 16 (the file is truncated)", e.getMessage());
        Path inHeader = write("cupti-2.bin", Arrays.copyOf(all, 16 + 7));
        e = assertThrows(BadInputException.class, () -> CuptiLoader.load(List.of(inHeader)));
        assertTrue(e.getMessage().endsWith("cut off inside the header of the chunk at byte 16 (the file is truncated)"),
                e.getMessage());
    }

    @Test
    void aFlippedByteFailsTheChecksum() throws Exception {
        byte[] all = Recordings.decodeBytes();
        all[16 + 16 + 5000] ^= 0x40;
        Path bad = write("cupti-3.bin", all);
        BadInputException e = assertThrows(BadInputException.class, () -> CuptiLoader.load(List.of(bad)));
        assertEquals(bad + ": the chunk at byte 16 fails its CRC-32 check (the file is corrupt)", e.getMessage());
    }

    @Test
    void otherFilesAndVersionsAreNamed() throws Exception {
        Path json = write("cupti-4.bin", "{\"traceEvents\": []}".getBytes());
        assertTrue(assertThrows(BadInputException.class, () -> CuptiLoader.load(List.of(json))).getMessage()
                .endsWith("not an autoglm CUPTI recording (the file does not start with AGLMCUPT)"));
        byte[] all = Recordings.decodeBytes();
        all[8] = 2;
        Path v2 = write("cupti-5.bin", all);
        assertTrue(assertThrows(BadInputException.class, () -> CuptiLoader.load(List.of(v2))).getMessage()
                .endsWith("recording format version 2 is not supported (this autoglm reads version 1)"));
        Path empty = write("cupti-6.bin", new byte[0]);
        assertEquals(empty + ": the file is empty",
                assertThrows(BadInputException.class, () -> CuptiLoader.load(List.of(empty))).getMessage());
    }

    @Test
    void aTruncatedGzipIsRefused() throws Exception {
        byte[] gz = Files.readAllBytes(Recordings.decode());
        Path cut = write("cupti-7.bin.gz", Arrays.copyOf(gz, gz.length / 2));
        BadInputException e = assertThrows(BadInputException.class, () -> CuptiLoader.load(List.of(cut)));
        assertTrue(e.getMessage().startsWith(cut + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aProcessKilledBetweenFlushesLeavesAReadableRecordingMarkedIncomplete() throws Exception {
        byte[] all = Recordings.decodeBytes();
        int end = 16;
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int chunks = 0;
        while (end < all.length - 1 && chunks < 1) {
            end += 16 + b.getInt(end + 4);
            chunks++;
        }
        Path killed = write("cupti-8.bin", Arrays.copyOf(all, end));
        CuptiLoader.Result r = CuptiLoader.load(List.of(killed));
        assertTrue(r.activities() > 0 && r.activities() < Recordings.expected().get("kernels").asLong());
        assertEquals(1L, r.model().dataLoss().get(DataLoss.Group.PROBE).get("CUPTI recordings without their END "
                + "record (the process was killed or left through _exit): activity after its last flush is lost"));
    }

    @Test
    void severalProcessesKeepTheirStreamsApart() throws Exception {
        Path a = write("cupti-100.bin.gz", Files.readAllBytes(Recordings.decode()));
        Path b = write("cupti-200.bin.gz", Files.readAllBytes(Recordings.decode()));
        CuptiLoader.Result r = CuptiLoader.load(CuptiLoader.recordings(tmp));
        assertEquals(List.of(a, b), CuptiLoader.recordings(tmp));
        assertEquals(2, r.processes());
        TraceModel m = r.model();
        assertEquals(2 * Recordings.expected().get("kernels").asLong(), m.gpu().size());
        long second = 0;
        for (int row = 0; row < m.gpu().size(); row++) {
            if (m.gpu().stream(row) >= CuptiLoader.STREAM_STRIDE) {
                second++;
            }
        }
        assertEquals(Recordings.expected().get("kernels").asLong(), second);
        assertEquals(0, m.dataLoss().get(DataLoss.Group.UNMATCHED).getOrDefault(
                "correlation ids used by more than one API call", 0L));
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        if (name.endsWith(".gz") && !(bytes.length > 2 && bytes[0] == 0x1f && (bytes[1] & 0xff) == 0x8b)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(out)) {
                g.write(bytes);
            }
            bytes = out.toByteArray();
        }
        return Files.write(p, bytes);
    }
}
