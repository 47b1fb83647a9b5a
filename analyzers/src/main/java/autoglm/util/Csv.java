package autoglm.util;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The little CSV this project writes and reads: RFC 4180 quoting, empty cell for a missing value. */
public final class Csv {
    private Csv() {
    }

    /** A number as the CSV holds it: empty when NaN, integers without a decimal point, else up to 3 decimals. */
    public static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e18) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, s.charAt(end - 1) == '.' ? end - 1 : end);
    }

    public static String text(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** Splits one line into cells (quoted cells may hold commas and doubled quotes, not newlines). */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted cell");
        }
        out.add(cell.toString());
        return out;
    }

    /**
     * A cell as a number: NaN when empty (the writer's "no value"). A cell that holds a number but not a
     * finite one ("NaN", "Infinity", "1e400") is a bad value, which the writer never writes: it reads as
     * +Infinity, so that every figure computed from it is not finite either and is reported as bad (a gate
     * fails on it) instead of passing as "no value".
     */
    public static double parse(String cell) {
        if (cell.isEmpty()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(cell);
        return Double.isFinite(v) ? v : Double.POSITIVE_INFINITY;
    }

    /**
     * Whether a cell holds a number that is not finite (see {@link #parse}). Only "NaN", "Infinity" and
     * numbers with an exponent or over 300 characters can be; every other cell is judged without parsing it
     * again.
     */
    public static boolean isBad(String cell) {
        boolean candidate = cell.endsWith("NaN") || cell.endsWith("Infinity") || cell.length() > 300
                || cell.indexOf('e') >= 0 || cell.indexOf('E') >= 0;
        if (!candidate) {
            return false;
        }
        try {
            return !Double.isFinite(Double.parseDouble(cell));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
