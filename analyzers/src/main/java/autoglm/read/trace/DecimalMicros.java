package autoglm.read.trace;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Converts the decimal text of a trace timestamp or duration, in microseconds, to whole nanoseconds
 * without going through a double: Kineto writes 13 integer and 3 fraction digits, which is more than
 * a double holds exactly once multiplied by 1000. Digits beyond the nanosecond are rounded half-up.
 */
public final class DecimalMicros {
    private DecimalMicros() {
    }

    /** Parses {@code len} characters of {@code buf} from {@code off}; throws NumberFormatException. */
    public static long toNanos(char[] buf, int off, int len) {
        int i = off;
        int end = off + len;
        if (i >= end) {
            throw new NumberFormatException("empty number");
        }
        boolean negative = false;
        if (buf[i] == '-') {
            negative = true;
            i++;
        } else if (buf[i] == '+') {
            i++;
        }
        long whole = 0;
        int intDigits = 0;
        while (i < end && buf[i] >= '0' && buf[i] <= '9') {
            whole = whole * 10 + (buf[i] - '0');
            i++;
            if (++intDigits > 18) {
                return slow(buf, off, len);
            }
        }
        long frac = 0;
        int fracDigits = 0;
        boolean roundUp = false;
        if (i < end && buf[i] == '.') {
            i++;
            while (i < end && buf[i] >= '0' && buf[i] <= '9') {
                if (fracDigits < 3) {
                    frac = frac * 10 + (buf[i] - '0');
                } else if (fracDigits == 3) {
                    roundUp = buf[i] >= '5';
                }
                fracDigits++;
                i++;
            }
        }
        if (i != end) {
            // exponent or anything unusual: the exact slow path
            return slow(buf, off, len);
        }
        if (intDigits == 0 && fracDigits == 0) {
            throw new NumberFormatException("not a number: " + new String(buf, off, len));
        }
        for (int d = Math.min(fracDigits, 3); d < 3; d++) {
            frac *= 10;
        }
        try {
            long nanos = Math.addExact(Math.multiplyExact(whole, 1000L), frac + (roundUp ? 1 : 0));
            return negative ? -nanos : nanos;
        } catch (ArithmeticException e) {
            throw new NumberFormatException("timestamp out of range: " + new String(buf, off, len));
        }
    }

    public static long toNanos(String text) {
        return toNanos(text.toCharArray(), 0, text.length());
    }

    private static long slow(char[] buf, int off, int len) {
        try {
            BigDecimal micros = new BigDecimal(buf, off, len);
            return micros.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            throw new NumberFormatException("timestamp out of range: " + new String(buf, off, len));
        }
    }
}
