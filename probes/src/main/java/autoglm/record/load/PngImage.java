package autoglm.record.load;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A seeded screenshot-like PNG (8-bit RGB): a status bar, flat panels and rows of "text" (short runs of dark
 * pixels), so it compresses about as a phone screenshot does rather than as noise or as a blank image. Written by
 * hand (signature, IHDR, IDAT through java.util.zip, IEND): ImageIO would pull java.desktop into the runtime.
 */
public final class PngImage {
    private PngImage() {
    }

    public static byte[] generate(int width, int height, long seed) {
        if (width < 1 || height < 1 || (long) width * height > 64L * 1024 * 1024) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " is outside 1..64 Mpixel");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int stride = 1 + 3 * width;
        byte[] raw = new byte[stride * height];
        int bar = Math.max(1, height / 30);
        int panel = Math.max(8, height / 12);
        int[] bg = {0xF4 - rnd.nextInt(20), 0xF4 - rnd.nextInt(20), 0xF4};
        for (int y = 0; y < height; y++) {
            int row = y * stride;
            raw[row] = 0; // filter: none
            boolean status = y < bar;
            boolean textRow = !status && (y % panel) > panel / 4 && (y % panel) < panel / 4 + Math.max(2, panel / 6);
            long rowSeed = rnd.nextLong();
            SplittableRandom r = new SplittableRandom(rowSeed);
            int x = 0;
            while (x < width) {
                int run = 1 + r.nextInt(Math.max(1, width / 40));
                boolean ink = textRow && r.nextInt(3) == 0;
                for (int i = 0; i < run && x < width; i++, x++) {
                    int p = row + 1 + 3 * x;
                    if (status) {
                        raw[p] = 0x20;
                        raw[p + 1] = 0x20;
                        raw[p + 2] = 0x28;
                    } else if (ink) {
                        int v = 0x30 + r.nextInt(0x40);
                        raw[p] = (byte) v;
                        raw[p + 1] = (byte) v;
                        raw[p + 2] = (byte) v;
                    } else {
                        raw[p] = (byte) bg[0];
                        raw[p + 1] = (byte) bg[1];
                        raw[p + 2] = (byte) bg[2];
                    }
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 8);
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater d = new Deflater(6);
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream(raw.length / 8);
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            z.write(buf, 0, d.deflate(buf));
        }
        d.end();
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** Width and height from a PNG's IHDR; null when the bytes are not a PNG. */
    public static int[] size(byte[] png) {
        if (png.length < 24 || png[0] != (byte) 0x89 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G'
                || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R') {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(png, 16, 8);
        return new int[] {b.getInt(), b.getInt()};
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        ByteBuffer len = ByteBuffer.allocate(4).putInt(data.length);
        out.writeBytes(len.array());
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
