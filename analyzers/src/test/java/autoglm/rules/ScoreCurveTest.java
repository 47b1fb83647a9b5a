package autoglm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScoreCurveTest {
    @Test
    void anchoredAtInfoAndWarningLikeJmcMapExp100() {
        assertEquals(0, ScoreCurve.score(0, 0, 5, 20), 1e-12);
        assertEquals(12.5, ScoreCurve.score(2.5, 0, 5, 20), 1e-12);
        assertEquals(25, ScoreCurve.score(5, 0, 5, 20), 1e-12);
        assertEquals(75, ScoreCurve.score(20, 0, 5, 20), 1e-9);
        double beyond = ScoreCurve.score(60, 0, 5, 20);
        assertTrue(beyond > 95 && beyond < 100, "approaches 100: " + beyond);
        // JMC's curve: 25 + 75 * (1 - exp(k * (x - x1))) with k = ln(1 - 50/75) / (x2 - x1)
        double k = Math.log(1 - 50.0 / 75) / 15;
        assertEquals(25 + 75 * (1 - Math.exp(k * 25)), ScoreCurve.score(30, 0, 5, 20), 1e-9);
    }

    @Test
    void lowerIsWorseWhenTheZeroPointIsAbove() {
        // GPU busy share: 100% is perfect, 50% informs, 20% warns
        assertEquals(0, ScoreCurve.score(100, 100, 50, 20), 1e-12);
        assertEquals(25, ScoreCurve.score(50, 100, 50, 20), 1e-12);
        assertEquals(75, ScoreCurve.score(20, 100, 50, 20), 1e-9);
        assertTrue(ScoreCurve.score(4, 100, 50, 20) > 80);
        assertEquals(0, ScoreCurve.score(120, 100, 50, 20), 1e-12);
    }

    @Test
    void infoAtTheZeroPointMeansAnyAmountInforms() {
        assertEquals(0, ScoreCurve.score(0, 0, 0, 5), 1e-12);
        assertTrue(ScoreCurve.score(0.001, 0, 0, 5) >= 25);
        assertEquals(75, ScoreCurve.score(5, 0, 0, 5), 1e-9);
    }

    @Test
    void severityFollowsTheScore() {
        assertEquals(Severity.OK, Severity.ofScore(24.99));
        assertEquals(Severity.INFO, Severity.ofScore(25));
        assertEquals(Severity.WARNING, Severity.ofScore(75));
        assertTrue(Severity.WARNING.atLeast(Severity.INFO));
        assertTrue(!Severity.OK.atLeast(Severity.INFO));
    }
}
