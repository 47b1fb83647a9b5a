package autoglm.read.cupti;

import autoglm.util.BadInputException;
import autoglm.read.trace.TraceInput;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Pull-style streaming reader of one recording written by native/cupti (gzip allowed): {@link #next()}
 * returns the records one at a time, a chunk in memory at a time. Every chunk's CRC-32 is checked; a
 * damaged or cut-off file is refused with one line naming the file and the byte offset.
 */
public final class CuptiReader implements AutoCloseable {
    static final byte[] MAGIC = "AGLMCUPT".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int CHUNK_MAGIC = 0x4B4E4843;
    private static final int MAX_CHUNK = 64 << 20;

    private final Path path;
    private final TraceInput input;
    private final InputStream in;
    private final long pid;
    private final byte[] header = new byte[16];
    private byte[] fileHeader;
    private final CRC32 crc = new CRC32();
    private byte[] chunk = new byte[1 << 20];
    private ByteBuffer buf = ByteBuffer.allocate(0);
    private long offset;
    private long chunks;
    private long records;
    private int recordStart;
    private int recordEnd;

    private CuptiReader(Path path, TraceInput input) {
        this.path = path;
        this.input = input;
        this.in = input.stream();
        try {
            if (!fill(header, 16)) {
                throw bad("too short for the 16-byte header");
            }
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot be read (" + e.getMessage() + ")", e);
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (header[i] != MAGIC[i]) {
                throw bad("not an autoglm CUPTI recording (the file does not start with AGLMCUPT)");
            }
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int version = Short.toUnsignedInt(h.getShort(8));
        if (version != VERSION) {
            throw bad("recording format version " + version + " is not supported (this autoglm reads version "
                    + VERSION + ")");
        }
        this.pid = Integer.toUnsignedLong(h.getInt(12));
        this.fileHeader = header.clone();
        this.offset = 16;
    }

    public static CuptiReader open(Path path) {
        return new CuptiReader(path, TraceInput.open(path));
    }

    public Path path() {
        return path;
    }

    /** The pid in the file header (0 for a recording converted from CSV). */
    public long pid() {
        return pid;
    }

    /** Whether the file is gzipped. */
    public boolean gzip() {
        return input.gzip();
    }

    /** The file's size on disk. */
    public long fileBytes() {
        return input.fileBytes();
    }

    /** Bytes of the (uncompressed) recording read so far. */
    public long bytesRead() {
        return offset;
    }

    public long chunks() {
        return chunks;
    }

    public long records() {
        return records;
    }

    /** The next record, or null at the end of the file. */
    public CuptiRecord next() {
        while (!buf.hasRemaining()) {
            if (!nextChunk()) {
                return null;
            }
        }
        if (buf.remaining() < 4) {
            throw bad("chunk " + chunks + " ends inside a record header");
        }
        recordStart = buf.position();
        int type = Byte.toUnsignedInt(buf.get());
        buf.get();
        int len = Short.toUnsignedInt(buf.getShort());
        if (buf.remaining() < len) {
            throw bad("a record in chunk " + chunks + " runs past the end of its chunk");
        }
        int bodyStart = buf.position();
        CuptiRecord r = CuptiRecords.decode(type, len, buf, bodyStart);
        buf.position(bodyStart + len);
        recordEnd = bodyStart + len;
        records++;
        return r;
    }

    /**
     * The bytes of the record {@link #next()} returned last, its 4-byte header included, as they are in the file:
     * valid until the next call (a copier of recordings, such as the load window's cut, writes them out unchanged).
     */
    public ByteBuffer recordBytes() {
        return ByteBuffer.wrap(chunk, recordStart, recordEnd - recordStart).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The 16-byte file header as read (magic, version, header size, pid). */
    public byte[] header() {
        return java.util.Arrays.copyOf(fileHeader, 16);
    }

    private boolean nextChunk() {
        try {
            long at = offset;
            int first = in.read();
            if (first < 0) {
                return false;
            }
            header[0] = (byte) first;
            if (!fill(header, 1, 15)) {
                throw bad("cut off inside the header of the chunk at byte " + at + " (the file is truncated)");
            }
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            if (h.getInt(0) != CHUNK_MAGIC) {
                throw bad("no chunk starts at byte " + at + " (the file is corrupt)");
            }
            int len = h.getInt(4);
            if (len < 0 || len > MAX_CHUNK) {
                throw bad("the chunk at byte " + at + " claims " + Integer.toUnsignedString(len)
                        + " bytes (the file is corrupt)");
            }
            if (chunk.length < len) {
                chunk = new byte[len];
            }
            if (!fill(chunk, len)) {
                throw bad("cut off inside the chunk at byte " + at + " (the file is truncated)");
            }
            crc.reset();
            crc.update(chunk, 0, len);
            if ((int) crc.getValue() != h.getInt(8)) {
                throw bad("the chunk at byte " + at + " fails its CRC-32 check (the file is corrupt)");
            }
            offset += 16 + len;
            chunks++;
            buf = ByteBuffer.wrap(chunk, 0, len).order(ByteOrder.LITTLE_ENDIAN);
            return true;
        } catch (EOFException e) {
            throw bad("the gzip stream is truncated");
        } catch (IOException e) {
            throw bad("cannot be read (" + e.getMessage() + ")");
        }
    }

    private boolean fill(byte[] b, int n) throws IOException {
        return fill(b, 0, n);
    }

    private boolean fill(byte[] b, int off, int n) throws IOException {
        int got = 0;
        while (got < n) {
            int k = in.read(b, off + got, n - got);
            if (k < 0) {
                return false;
            }
            got += k;
        }
        return true;
    }

    private BadInputException bad(String what) {
        return new BadInputException(path + ": " + what);
    }

    @Override
    public void close() {
        input.close();
    }
}
