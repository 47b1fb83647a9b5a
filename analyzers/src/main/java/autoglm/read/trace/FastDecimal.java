package autoglm.read.trace;

/**
 * Parses the plain decimals of trace arguments ("248.242432", "100") from a parser's character
 * buffer without making a String; anything else (exponents, more than 18 digits) goes through
 * {@link Double#parseDouble}. Used for values kept as float, where the last bit does not matter.
 */
final class FastDecimal {
    private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18};

    private FastDecimal() {
    }

    static double parse(char[] buf, int off, int len) {
        int i = off;
        int end = off + len;
        boolean negative = i < end && buf[i] == '-';
        if (negative) {
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int scale = 0;
        boolean dot = false;
        for (; i < end; i++) {
            char c = buf[i];
            if (c >= '0' && c <= '9') {
                if (++digits > 18) {
                    return Double.parseDouble(new String(buf, off, len));
                }
                mantissa = mantissa * 10 + (c - '0');
                if (dot) {
                    scale++;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                return Double.parseDouble(new String(buf, off, len));
            }
        }
        if (digits == 0) {
            throw new NumberFormatException("not a number: " + new String(buf, off, len));
        }
        double v = mantissa / POW10[scale];
        return negative ? -v : v;
    }
}
