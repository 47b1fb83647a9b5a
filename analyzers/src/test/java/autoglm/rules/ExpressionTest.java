package autoglm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpressionTest {
    private static final Map<String, Double> VALUES = Map.of("busy", 4.0, "idle", 96.0, "host", 99.5, "zero", 0.0);

    private static double eval(String s) {
        return Expression.parse(s).evaluate(name -> VALUES.getOrDefault(name, Double.NaN));
    }

    @Test
    void arithmeticWithPrecedence() {
        assertEquals(2 + 3 * 4, eval("2 + 3 * 4"), 0);
        assertEquals((2 + 3) * 4, eval("(2 + 3) * 4"), 0);
        assertEquals(-1.5, eval("-3 / 2"), 0);
        assertEquals(96.0 * 99.5 / 100, eval("idle * host / 100"), 1e-12);
        assertEquals(1500, eval("1.5e3"), 0);
    }

    @Test
    void comparisonsAndLogic() {
        assertEquals(1, eval("host > 50 and busy < 10"), 0);
        assertEquals(0, eval("host > 50 and busy > 10"), 0);
        assertEquals(1, eval("busy > 10 or idle >= 96"), 0);
        assertEquals(1, eval("not busy == 5"), 0);
        assertEquals(1, eval("busy != 5"), 0);
    }

    @Test
    void functions() {
        assertEquals(4, eval("min(busy, idle, 10)"), 0);
        assertEquals(0, eval("max(0, busy - idle)"), 0);
        assertEquals(92, eval("abs(busy - idle)"), 0);
        assertEquals(7, eval("value_or(missing, 7)"), 0);
        assertEquals(4, eval("value_or(busy, 7)"), 0);
        assertEquals(0, eval("present(missing)"), 0);
        assertEquals(1, eval("present(busy)"), 0);
        assertTrue(Double.isNaN(eval("busy / zero")), "division by zero has no value: never 0, never infinity");
    }

    @Test
    void aMissingNameIsReportedByName() {
        Expression.Missing m = assertThrows(Expression.Missing.class, () -> eval("busy + dataloader_pct"));
        assertEquals("dataloader_pct", m.name());
    }

    @Test
    void namesAreCollected() {
        assertEquals(Set.of("a", "b", "c"), Expression.parse("max(a, b) * value_or(c, 1)").names());
        assertFalse(Expression.parse("min(1, 2)").names().contains("min"));
    }

    @Test
    void syntaxErrorsSayWhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Expression.parse("busy + "));
        assertTrue(e.getMessage().contains("at 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Expression.parse("busy busy"));
        assertThrows(IllegalArgumentException.class, () -> Expression.parse("nope(1)"));
        assertThrows(IllegalArgumentException.class, () -> Expression.parse("(1 + 2"));
    }
}
