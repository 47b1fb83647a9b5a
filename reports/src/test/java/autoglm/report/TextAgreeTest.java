package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Counted data-loss phrases agree with their count. */
class TextAgreeTest {
    @Test
    void oneOfAPluralPhraseIsSingular() {
        assertEquals("complete event of category 'Trace'", Text.agree(1, "complete events of category 'Trace'"));
        assertEquals("GPU activity launched outside the analysed iterations",
                Text.agree(1, "GPU activities launched outside the analysed iterations"));
        assertEquals("launch/copy call without GPU activity (GPU work not recorded)",
                Text.agree(1, "launch/copy calls without GPU activity (GPU work not recorded)"));
        assertEquals("incomplete last step", Text.agree(1, "incomplete last step"));
        assertEquals("complete events of category 'Trace'", Text.agree(3, "complete events of category 'Trace'"));
    }
}
