package autoglm.record.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The screenshots the load sends, now written by ImageIO: the same pixels as the hand-written encoder they replace.
 * The references (src/test/resources/autoglm/record/load/old-WxH-SEED.png) are that encoder's output at d7acaed,
 * {@code PngImage.generate(W, H, SEED)}, decoded here by ImageIO as the new images are; the sizes come from the
 * header as before, also from a 24-byte prefix as PromptEstimate passes it.
 */
class PngImageTest {
    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "ImageIO decodes it");
        return img;
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static byte[] reference(String name) throws IOException {
        try (InputStream in = PngImageTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    @Test
    void theSamePixelsAsTheHandWrittenEncoder() throws IOException {
        int[][] cases = {{64, 48, 1}, {280, 560, 7}};
        for (int[] c : cases) {
            BufferedImage old = decode(reference("old-" + c[0] + "x" + c[1] + "-" + c[2] + ".png"));
            BufferedImage now = decode(PngImage.generate(c[0], c[1], c[2]));
            assertEquals(old.getWidth(), now.getWidth());
            assertEquals(old.getHeight(), now.getHeight());
            assertEquals(8, now.getColorModel().getComponentSize(0), "8 bits a channel");
            assertEquals(3, now.getColorModel().getNumComponents(), "RGB, no alpha");
            assertArrayEquals(pixels(old), pixels(now), Arrays.toString(c));
        }
    }

    @Test
    void theSizeComesFromTheHeaderAlsoOfAPrefix() {
        byte[] png = PngImage.generate(1080, 2400, 1);
        assertArrayEquals(new int[] {1080, 2400}, PngImage.size(png));
        assertArrayEquals(new int[] {1080, 2400}, PngImage.size(Arrays.copyOf(png, 24)));
        assertNull(PngImage.size(Arrays.copyOf(png, 23)));
        assertNull(PngImage.size("GIF89a and some more bytes after".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void aSeedGivesOneImageAndAnotherSeedAnother() throws IOException {
        assertArrayEquals(PngImage.generate(120, 90, 5), PngImage.generate(120, 90, 5));
        int[] a = pixels(decode(PngImage.generate(120, 90, 5)));
        int[] b = pixels(decode(PngImage.generate(120, 90, 6)));
        assertEquals(false, Arrays.equals(a, b));
    }
}
