package autoglm.util;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one way autoglm writes and reads its CSV files (docs/formats.md): jackson-dataformat-csv, one row record per
 * file whose {@code @JsonPropertyOrder} and {@code @JsonProperty} names are its header and whose cell codecs
 * ({@link CsvCells}) are how each column is written and read. A header line, then one row per record, RFC 4180
 * quoting only where a cell needs it, "\n" line ends, an empty cell for a missing value.
 *
 * <p>Reading finds columns by name, so a file with extra columns still reads; the columns {@code required} are
 * checked on the header (a file lacking one is bad input). A row that cannot be read (a cell that is not a number,
 * too few cells: the last row of a file cut by a kill) is counted in {@code loss} as
 * "{@code FILE: unreadable rows}" and skipped, never fatal.
 */
public final class CsvFile {
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
            .enable(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
            .enable(CsvParser.Feature.IGNORE_TRAILING_UNMAPPABLE)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
            .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();

    /** The rows read and the file's header (the columns in the order the file has them). */
    public record Rows<T>(List<String> header, List<T> rows) {
    }

    private CsvFile() {
    }

    /** The header of {@code row}'s file, in order. */
    public static List<String> columns(Class<?> row) {
        List<String> out = new ArrayList<>();
        MAPPER.schemaFor(row).forEach(c -> out.add(c.getName()));
        return out;
    }

    /**
     * A writer of {@code row}'s file on {@code out}: the header at once, then each row given to it. It buffers: rows
     * reach {@code out} on {@link SequenceWriter#flush}; closing it does not close {@code out}.
     */
    public static <T> SequenceWriter writer(Class<T> row, Writer out) throws IOException {
        CsvSchema schema = MAPPER.schemaFor(row).withoutHeader().withLineSeparator("\n");
        out.write(String.join(",", columns(row)) + "\n"); // now, not with the first row: a file without rows has it
        return MAPPER.writer(schema).writeValues(out);
    }

    /** The whole file: header and rows. */
    public static <T> void write(Class<T> row, List<? extends T> rows, Writer out) throws IOException {
        try (SequenceWriter w = writer(row, out)) {
            for (T r : rows) {
                w.write(r);
            }
        }
        out.flush();
    }

    /**
     * The rows of {@code file}, absent as none. {@code name} is how loss counts name it; every column of
     * {@code required} must be in its header.
     */
    public static <T> Rows<T> read(Path file, Class<T> row, List<String> required, String name,
            Map<String, Long> loss) {
        if (!Files.exists(file)) {
            return new Rows<>(List.of(), List.of());
        }
        InputFiles.requireRegular(file.toString(), file);
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, row, required, name, loss, file.toString());
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read: " + SafeText.oneLine(String.valueOf(e.getMessage())));
        }
    }

    static <T> Rows<T> read(Reader in, Class<T> row, List<String> required, String name, Map<String, Long> loss,
            String where) throws IOException {
        ObjectReader reader = MAPPER.readerFor(row).with(CsvSchema.emptySchema().withHeader());
        List<T> out = new ArrayList<>();
        try (MappingIterator<T> it = reader.readValues(in)) {
            List<String> header = new ArrayList<>();
            boolean any;
            try {
                any = it.hasNextValue();
            } catch (IOException | RuntimeException e) {
                throw new BadInputException(where + ": the header cannot be read: " + SafeText.oneLine(e.getMessage()));
            }
            ((CsvParser) it.getParser()).getSchema().forEach(c -> header.add(c.getName().strip()));
            if (header.isEmpty()) {
                return new Rows<>(List.of(), List.of());
            }
            List<String> missing = required.stream().filter(c -> !header.contains(c)).toList();
            if (!missing.isEmpty()) {
                throw new BadInputException(where + ": header lacks " + String.join(", ", missing));
            }
            while (any) {
                try {
                    out.add(it.nextValue());
                } catch (IOException | RuntimeException e) {
                    loss.merge(name + ": unreadable rows", 1L, Long::sum);
                }
                try {
                    any = it.hasNextValue();
                } catch (IOException | RuntimeException e) {
                    loss.merge(name + ": unreadable rows", 1L, Long::sum);
                    any = false;
                }
            }
            return new Rows<>(List.copyOf(header), out);
        }
    }
}
