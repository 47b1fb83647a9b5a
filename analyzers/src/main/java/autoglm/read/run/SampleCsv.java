package autoglm.read.run;

import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuSample;
import autoglm.model.run.HostSample;
import autoglm.util.CsvFile;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The sample files of a run folder, one row record each ({@link GpuRow}, {@link GpmRow}, {@link HostRow}) that both
 * the sampler's writer (autoglm.record.SampleWriter) and this reader use through {@link CsvFile}: a header whose
 * column names end in their unit ({@code _ms}, {@code _pct}, {@code _bytes}, {@code _w}, {@code _mhz}, {@code _c},
 * {@code _mib_s}), then one row per sample. Columns are found by name when reading, so files with extra columns still
 * read; the last row of a file cut by a kill is counted as unreadable. docs/formats.md documents every column.
 */
public final class SampleCsv {
    /** One kind of sample: its file, its row record, and the conversions between them. */
    public record Format<T, R>(String file, Class<R> row, Function<T, R> toRow, Function<R, T> toSample) {
        public List<String> columns() {
            return CsvFile.columns(row);
        }
    }

    public static final Format<GpuSample, GpuRow> GPU = new Format<>("gpu.csv", GpuRow.class, GpuRow::of,
            GpuRow::sample);
    public static final Format<GpmSample, GpmRow> GPM = new Format<>("gpm.csv", GpmRow.class, GpmRow::of,
            GpmRow::sample);
    public static final Format<HostSample, HostRow> HOST = new Format<>("host.csv", HostRow.class, HostRow::of,
            HostRow::sample);

    private SampleCsv() {
    }

    /**
     * The samples of {@code dir}'s file of this kind (none when it is absent). Unreadable rows are counted in
     * {@code loss}, and so are rows with a number that is not finite (read as +Infinity, see
     * autoglm.util.CsvCells#parseNumber).
     */
    public static <T, R> List<T> read(Path dir, Format<T, R> f, Map<String, Long> loss) {
        List<R> rows = CsvFile.read(dir.resolve(f.file()), f.row(), f.columns(), f.file(), loss).rows();
        List<T> out = new ArrayList<>(rows.size());
        for (R r : rows) {
            if (!finite(r)) {
                loss.merge(f.file() + ": rows with a value that is not a finite number (NaN, Infinity)", 1L,
                        Long::sum);
            }
            out.add(f.toSample().apply(r));
        }
        return out;
    }

    private static boolean finite(Object row) {
        for (RecordComponent c : row.getClass().getRecordComponents()) {
            if (c.getType() == double.class) {
                try {
                    if (Double.isInfinite((double) c.getAccessor().invoke(row))) {
                        return false;
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return true;
    }
}
