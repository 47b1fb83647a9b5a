package autoglm.analyse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** One number style: three significant digits, thousands separated, settings as set, changes of shares in points. */
class QuantitiesTest {
    @Test
    void threeSignificantDigitsWithoutARoundingEdge() {
        assertEquals("1.23", Quantities.number(1.234));
        assertEquals("12.3", Quantities.number(12.34));
        assertEquals("9.96", Quantities.number(9.96));
        // 9.996 at two decimals would read "10.00" beside "10.0": it takes the next decade's format
        assertEquals("10.0", Quantities.number(9.996));
        assertEquals("100", Quantities.number(99.97));
        assertEquals("1.00", Quantities.number(0.9996));
        assertEquals("10.0 ms", Quantities.format(9.999, Unit.MILLISECONDS));
    }

    @Test
    void thousandsAreSeparated() {
        assertEquals("1,223", Quantities.number(1223.4));
        assertEquals("1,223 tokens/s", Quantities.format(1223.4, Unit.TOKENS_PER_SECOND));
        assertEquals("16,432", Quantities.format(16432, Unit.COUNT));
        assertEquals("1,846 MHz", Quantities.format(1846, Unit.MEGAHERTZ));
    }

    @Test
    void aSettingReadsAsItWasSet() {
        assertEquals("1 ms", Quantities.setting(1, Unit.MILLISECONDS));
        assertEquals("0.5 ms", Quantities.setting(0.5, Unit.MILLISECONDS));
        assertEquals("30 us", Quantities.setting(30, Unit.MICROSECONDS));
        assertEquals("50%", Quantities.setting(50, Unit.PERCENT));
        assertEquals("1.5 s", Quantities.setting(1500, Unit.MILLISECONDS));
    }

    @Test
    void aChangeOfAShareIsInPercentagePoints() {
        assertEquals("+0.361 pp", Quantities.change(0.361, Unit.PERCENT));
        assertEquals("-2.00 pp", Quantities.change(-2, Unit.PERCENT));
        assertEquals("+1.20 ms", Quantities.change(1.2, Unit.MILLISECONDS));
        assertEquals("-3", Quantities.change(-3, Unit.COUNT));
        assertEquals("0 ms", Quantities.change(0, Unit.MILLISECONDS));
    }
}
