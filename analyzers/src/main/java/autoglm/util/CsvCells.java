package autoglm.util;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Locale;

/**
 * How a CSV column is written and read back (docs/formats.md), one codec pair per kind of cell, named on the row
 * records' components with {@code @JsonSerialize(using = ...)} and {@code @JsonDeserialize(using = ...)}
 * ({@link CsvFile}). A missing value is an empty cell in every kind.
 */
public final class CsvCells {
    private CsvCells() {
    }

    /** A double column written by {@link #number}, read by {@link #parseNumber} (the sample files). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @JacksonAnnotationsInside
    @JsonSerialize(using = Number.Write.class)
    @JsonDeserialize(using = Number.Read.class)
    public @interface NumberCell {
    }

    /** An int column of the sample files: written whole, read as {@link #parseNumber} cut to an int (empty: 0). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @JacksonAnnotationsInside
    @JsonDeserialize(using = Number.ReadWhole.class)
    public @interface WholeNumberCell {
    }

    /** A double column written as {@link Double#toString} (empty when NaN) and read back as written. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @JacksonAnnotationsInside
    @JsonSerialize(using = Decimal.Write.class)
    @JsonDeserialize(using = Decimal.Read.class)
    public @interface DecimalCell {
    }

    /** A time in ms always with 3 decimals. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @JacksonAnnotationsInside
    @JsonSerialize(using = Millis.Write.class)
    @JsonDeserialize(using = Millis.Read.class)
    public @interface MillisCell {
    }

    /** A long count that may be unknown (negative: empty). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @JacksonAnnotationsInside
    @JsonSerialize(using = Count.Write.class)
    @JsonDeserialize(using = Count.Read.class)
    public @interface CountCell {
    }

    /** An int that is always there. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @JacksonAnnotationsInside
    @JsonDeserialize(using = Whole.Read.class)
    public @interface IntCell {
    }

    /** A long that is always there. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @JacksonAnnotationsInside
    @JsonDeserialize(using = Whole.ReadLong.class)
    public @interface LongCell {
    }

    /** true or false (anything else reads as false). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @JacksonAnnotationsInside
    @JsonDeserialize(using = Flag.class)
    public @interface FlagCell {
    }

    /** Text that may be absent (null: empty). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @JacksonAnnotationsInside
    @JsonDeserialize(using = Text.class)
    public @interface TextCell {
    }

    /** A number as the sample files hold it: empty when not finite, integers without a point, else up to 3 decimals. */
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

    /**
     * A cell of {@link #number} read back: NaN when empty (no value). A cell that holds a number but not a finite
     * one ("NaN", "Infinity", "1e400"), which the writer never writes, is a bad value: it reads as +Infinity, so
     * that every figure computed from it is not finite either and is reported as bad (a gate fails on it) instead
     * of passing as "no value".
     */
    public static double parseNumber(String cell) {
        if (cell.isEmpty()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(cell);
        return Double.isFinite(v) ? v : Double.POSITIVE_INFINITY;
    }

    private static String text(JsonParser p) throws IOException {
        return p.getValueAsString("");
    }

    /** {@link #number} and {@link #parseNumber}. */
    public static final class Number {
        private Number() {
        }

        public static final class Write extends JsonSerializer<Double> {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                String s = number(v);
                if (s.isEmpty()) {
                    g.writeNull();
                } else {
                    g.writeNumber(s);
                }
            }
        }

        public static final class Read extends JsonDeserializer<Double> {
            @Override
            public Double deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return parseNumber(text(p));
            }

            @Override
            public Double getNullValue(DeserializationContext c) {
                return Double.NaN;
            }
        }

        /** A whole number of {@link #number}'s kind (a GPU's index, a count): empty or not finite reads as 0. */
        public static final class ReadWhole extends JsonDeserializer<Integer> {
            @Override
            public Integer deserialize(JsonParser p, DeserializationContext c) throws IOException {
                double v = parseNumber(text(p));
                return Double.isNaN(v) ? 0 : (int) v;
            }

            @Override
            public Integer getNullValue(DeserializationContext c) {
                return 0;
            }
        }
    }

    /** A number as Java writes it ({@link Double#toString}, Tablesaw's way); empty when NaN; read back as written. */
    public static final class Decimal {
        private Decimal() {
        }

        public static final class Write extends JsonSerializer<Double> {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (Double.isNaN(v)) {
                    g.writeNull();
                } else {
                    g.writeNumber(Double.toString(v));
                }
            }
        }

        public static final class Read extends JsonDeserializer<Double> {
            @Override
            public Double deserialize(JsonParser p, DeserializationContext c) throws IOException {
                String s = text(p);
                return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
            }

            @Override
            public Double getNullValue(DeserializationContext c) {
                return Double.NaN;
            }
        }
    }

    /** A time in ms to the microsecond, always 3 decimals ("%.3f"): the key that joins scrapes.csv to server-metrics.csv. */
    public static final class Millis {
        private Millis() {
        }

        public static String format(double ms) {
            return String.format(Locale.ROOT, "%.3f", ms);
        }

        public static final class Write extends JsonSerializer<Double> {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeNumber(format(v));
            }
        }

        public static final class Read extends JsonDeserializer<Double> {
            @Override
            public Double deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return Double.parseDouble(text(p));
            }
        }
    }

    /** A count that may be unknown: negative is written empty and an empty cell reads as -1. */
    public static final class Count {
        private Count() {
        }

        public static final class Write extends JsonSerializer<Long> {
            @Override
            public void serialize(Long v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (v < 0) {
                    g.writeNull();
                } else {
                    g.writeNumber(v);
                }
            }
        }

        public static final class Read extends JsonDeserializer<Long> {
            @Override
            public Long deserialize(JsonParser p, DeserializationContext c) throws IOException {
                String s = text(p);
                return s.isEmpty() ? -1L : Long.parseLong(s);
            }

            @Override
            public Long getNullValue(DeserializationContext c) {
                return -1L;
            }
        }
    }

    /** A whole number that is always there: an empty cell or anything else is refused (an absent column: 0). */
    public static final class Whole {
        private Whole() {
        }

        public static final class Read extends JsonDeserializer<Integer> {
            @Override
            public Integer deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return Integer.parseInt(text(p));
            }

            /** A column the file lacks (an older file, see the row record); an empty cell is refused. */
            @Override
            public Integer getNullValue(DeserializationContext c) {
                return 0;
            }
        }

        public static final class ReadLong extends JsonDeserializer<Long> {
            @Override
            public Long deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return Long.parseLong(text(p));
            }

            @Override
            public Long getNullValue(DeserializationContext c) {
                return 0L;
            }
        }
    }

    /** true or false; any other cell reads as false. */
    public static final class Flag extends JsonDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext c) throws IOException {
            return Boolean.parseBoolean(text(p));
        }

        @Override
        public Boolean getNullValue(DeserializationContext c) {
            return false;
        }
    }

    /** Text that may be absent: null is written empty and an empty cell reads as null. */
    public static final class Text extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext c) throws IOException {
            String s = text(p);
            return s.isEmpty() ? null : s;
        }
    }
}
