package autoglm.record.load;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * A seeded screenshot-like PNG (8-bit RGB): a status bar, flat panels and rows of "text" (short runs of dark
 * pixels), so it compresses about as a phone screenshot does rather than as noise or as a blank image. Drawn into a
 * {@link BufferedImage} and written by {@link ImageIO} (java.desktop is in the runtime for JFreeChart already).
 */
public final class PngImage {
    private PngImage() {
    }

    public static byte[] generate(int width, int height, long seed) {
        if (width < 1 || height < 1 || (long) width * height > 64L * 1024 * 1024) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " is outside 1..64 Mpixel");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        int bar = Math.max(1, height / 30);
        int panel = Math.max(8, height / 12);
        int bg = rgb(0xF4 - rnd.nextInt(20), 0xF4 - rnd.nextInt(20), 0xF4);
        for (int y = 0; y < height; y++) {
            boolean status = y < bar;
            boolean textRow = !status && (y % panel) > panel / 4 && (y % panel) < panel / 4 + Math.max(2, panel / 6);
            SplittableRandom r = new SplittableRandom(rnd.nextLong());
            int x = 0;
            while (x < width) {
                int run = 1 + r.nextInt(Math.max(1, width / 40));
                boolean ink = textRow && r.nextInt(3) == 0;
                for (int i = 0; i < run && x < width; i++, x++) {
                    if (status) {
                        row[x] = rgb(0x20, 0x20, 0x28);
                    } else if (ink) {
                        int v = 0x30 + r.nextInt(0x40);
                        row[x] = rgb(v, v, v);
                    } else {
                        row[x] = bg;
                    }
                }
            }
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(width * height / 2);
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer in ImageIO");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /**
     * Width and height from a PNG's IHDR, read from its first 24 bytes (a prefix is enough: {@link PromptEstimate}
     * passes only the start of a data URL, which ImageIO's reader refuses as truncated); null when the bytes are not
     * a PNG.
     */
    public static int[] size(byte[] png) {
        if (png.length < 24 || png[0] != (byte) 0x89 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G'
                || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R') {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(png, 16, 8);
        return new int[] {b.getInt(), b.getInt()};
    }

    private static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }
}
