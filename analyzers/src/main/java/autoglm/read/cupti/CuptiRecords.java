package autoglm.read.cupti;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Decodes record bodies (little-endian, offsets as in native/cupti/agc_writer.c and docs/cupti-format.md). */
final class CuptiRecords {
    static final int PROCESS = 1;
    static final int CLOCK = 2;
    static final int STRING = 3;
    static final int KERNEL = 4;
    static final int MEMCPY = 5;
    static final int MEMSET = 6;
    static final int SYNC = 7;
    static final int API = 8;
    static final int DEVICE = 9;
    static final int DROPPED = 10;
    static final int NOTE = 11;
    static final int FOREIGN = 12;
    static final int END = 13;
    /** Written by autoglm's cut of a recording to a window (docs/cupti-format.md), never by the library. */
    static final int CUT = CuptiRecord.Cut.TYPE;

    private CuptiRecords() {
    }

    /** The smallest body each known type must have; shorter ones are corrupt. */
    static int minLength(int type) {
        switch (type) {
            case PROCESS: return 16;
            case CLOCK: return 32;
            case STRING: return 4;
            case KERNEL: return 84;
            case MEMCPY: return 48;
            case MEMSET: return 52;
            case SYNC: return 36;
            case API: return 44;
            case DEVICE: return 56;
            case DROPPED: return 16;
            case NOTE: return 12;
            case FOREIGN: return 12;
            case END: return 32;
            case CUT: return 32;
            default: return 0;
        }
    }

    static CuptiRecord decode(int type, int len, ByteBuffer b, int p) {
        if (len < minLength(type)) {
            return new CuptiRecord.Unknown(type, len);
        }
        switch (type) {
            case PROCESS:
                return new CuptiRecord.Process(u32(b, p), u32(b, p + 4), u32(b, p + 8), b.getInt(p + 12));
            case CLOCK:
                return new CuptiRecord.Clock(b.getLong(p), b.getLong(p + 8), b.getLong(p + 16), b.getLong(p + 24));
            case STRING: {
                byte[] text = new byte[len - 4];
                b.get(p + 4, text);
                return new CuptiRecord.Str(b.getInt(p), new String(text, StandardCharsets.UTF_8));
            }
            case KERNEL:
                return new CuptiRecord.Kernel(b.getLong(p), b.getLong(p + 8), b.getInt(p + 16), u32(b, p + 20),
                        u32(b, p + 24), u32(b, p + 28), b.getInt(p + 32), b.getInt(p + 36), b.getInt(p + 40),
                        b.getInt(p + 44), b.getInt(p + 48), b.getInt(p + 52), Short.toUnsignedInt(b.getShort(p + 56)),
                        b.getInt(p + 60), b.getInt(p + 64), b.getInt(p + 68), u32(b, p + 72), b.getLong(p + 76));
            case MEMCPY:
                return new CuptiRecord.Memcpy(b.getLong(p), b.getLong(p + 8), b.getLong(p + 16), b.getInt(p + 24),
                        u32(b, p + 28), u32(b, p + 32), u32(b, p + 36), u8(b, p + 40), u8(b, p + 41), u8(b, p + 42),
                        u8(b, p + 43), u32(b, p + 44));
            case MEMSET:
                return new CuptiRecord.Memset(b.getLong(p), b.getLong(p + 8), b.getLong(p + 16), b.getInt(p + 24),
                        u32(b, p + 28), u32(b, p + 32), u32(b, p + 36), u32(b, p + 40),
                        Short.toUnsignedInt(b.getShort(p + 44)), Short.toUnsignedInt(b.getShort(p + 46)),
                        u32(b, p + 48));
            case SYNC:
                return new CuptiRecord.Sync(b.getLong(p), b.getLong(p + 8), b.getInt(p + 16), u32(b, p + 20),
                        u32(b, p + 24), u32(b, p + 28), u32(b, p + 32));
            case API:
                return new CuptiRecord.Api(b.getLong(p), b.getLong(p + 8), u32(b, p + 16), b.getInt(p + 20),
                        u32(b, p + 24), u32(b, p + 28), b.getInt(p + 32), u32(b, p + 36), u8(b, p + 40));
            case DEVICE:
                return new CuptiRecord.Device(b.getInt(p), b.getInt(p + 4), b.getInt(p + 8), b.getInt(p + 12),
                        b.getLong(p + 16), b.getLong(p + 24), b.getInt(p + 32), b.getInt(p + 36), b.getInt(p + 40),
                        b.getInt(p + 44), b.getInt(p + 48), b.getInt(p + 52));
            case DROPPED:
                return new CuptiRecord.Dropped(u32(b, p), u32(b, p + 4), b.getLong(p + 8));
            case NOTE:
                return new CuptiRecord.Note(b.getInt(p), u32(b, p + 4), b.getInt(p + 8));
            case FOREIGN:
                return new CuptiRecord.Foreign(b.getInt(p), b.getLong(p + 4));
            case END:
                return new CuptiRecord.End(b.getLong(p), b.getLong(p + 8), b.getInt(p + 16), b.getInt(p + 20),
                        b.getLong(p + 24));
            case CUT:
                return new CuptiRecord.Cut(b.getLong(p), b.getLong(p + 8), b.getLong(p + 16), b.getLong(p + 24));
            default:
                return new CuptiRecord.Unknown(type, len);
        }
    }

    private static long u32(ByteBuffer b, int p) {
        return Integer.toUnsignedLong(b.getInt(p));
    }

    private static int u8(ByteBuffer b, int p) {
        return Byte.toUnsignedInt(b.get(p));
    }
}
