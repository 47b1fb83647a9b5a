package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Wrapping at spaces: widths count what shows, and a number keeps its unit. */
class TextWrapTest {
    @Test
    void aUnitStaysOnItsNumbersLine() {
        assertEquals(List.of("p95", "23.9 us,", "5.35 us"), Text.wrap("p95 23.9 us, 5.35 us", 8));
        assertEquals(List.of("busy 13.8%", "of 597 ms"), Text.wrap("busy 13.8% of 597 ms", 10));
    }

    @Test
    void colourCodesTakeNoColumns() {
        String bold = "\u001b[1mlaunch-bound\u001b[0m";
        assertEquals(12, Text.visible(bold));
        assertEquals(List.of(bold + " The GPU", "waits"), Text.wrap(bold + " The GPU waits", 20));
    }

    @Test
    void theFirstLineHasItsOwnWidth() {
        assertEquals(List.of("aa", "bb cc dd"), Text.wrap("aa bb cc dd", 4, 8));
    }
}
