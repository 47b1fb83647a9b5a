package autoglm.read.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import autoglm.read.trace.DecimalMicros;
import org.junit.jupiter.api.Test;

class DecimalMicrosTest {
    @Test
    void kinetoTimestampsConvertExactlyToNanoseconds() {
        // 13 integer and 3 fraction digits: more than a double keeps once scaled by 1000
        assertEquals(4491900438977259L, DecimalMicros.toNanos("4491900438977.259"));
        assertEquals(55261717L, DecimalMicros.toNanos("55261.717"));
        assertEquals(1500L, DecimalMicros.toNanos("1.5"));
        assertEquals(7000L, DecimalMicros.toNanos("7"));
        assertEquals(-2500L, DecimalMicros.toNanos("-2.5"));
    }

    @Test
    void absoluteEpochMicrosecondsFit() {
        assertEquals(1795348946758193580L, DecimalMicros.toNanos("1795348946758193.58"));
    }

    @Test
    void digitsBeyondTheNanosecondRoundHalfUp() {
        assertEquals(1235L, DecimalMicros.toNanos("1.2345"));
        assertEquals(1234L, DecimalMicros.toNanos("1.2344999"));
    }

    @Test
    void exponentsTakeTheExactPath() {
        assertEquals(1500000L, DecimalMicros.toNanos("1.5e3"));
        assertEquals(10L, DecimalMicros.toNanos("1E-2"));
    }

    @Test
    void garbageIsRefused() {
        assertThrows(NumberFormatException.class, () -> DecimalMicros.toNanos("abc"));
        assertThrows(NumberFormatException.class, () -> DecimalMicros.toNanos("."));
        assertThrows(NumberFormatException.class, () -> DecimalMicros.toNanos("99999999999999999999"));
    }
}
