package autoglm.analyse.load;

import autoglm.analyse.workload.RequestTable;
import autoglm.util.CsvCells.DecimalCell;
import autoglm.util.CsvCells.IntCell;
import autoglm.util.CsvCells.LongCell;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * The server's steps one row each (served-steps.csv, docs/formats.md): its number, wall-clock start and end, time,
 * kernels, GPU busy share and time not on the GPU (empty without GPU activity), the running batch its /metrics
 * reported (empty before the first scrape), the client's requests in flight and the vision encoder's time in it.
 * {@link Row} declares the file, written through autoglm.util.CsvFile.
 */
public final class ServedStepTable {
    /** One row of served-steps.csv. */
    @JsonPropertyOrder({"step", "start_unix_ns", "end_unix_ns", "step_ms", "kernels", "gpu_busy_pct", "not_on_gpu_ms",
        "batch", "in_flight", "vision_ms"})
    public record Row(
            @JsonProperty("step") @IntCell int step,
            @JsonProperty("start_unix_ns") @LongCell long startUnixNs,
            @JsonProperty("end_unix_ns") @LongCell long endUnixNs,
            @JsonProperty("step_ms") @DecimalCell double stepMs,
            @JsonProperty("kernels") @IntCell int kernels,
            @JsonProperty("gpu_busy_pct") @DecimalCell double gpuBusyPct,
            @JsonProperty("not_on_gpu_ms") @DecimalCell double notOnGpuMs,
            @JsonProperty("batch") @DecimalCell double batch,
            @JsonProperty("in_flight") @IntCell int inFlight,
            @JsonProperty("vision_ms") @DecimalCell double visionMs) {

        /** The rows of a table of {@link ServedStepTable#of}. */
        public static List<Row> of(Table t) {
            List<Row> out = new ArrayList<>(t.rowCount());
            for (int i = 0; i < t.rowCount(); i++) {
                out.add(new Row(t.intColumn("step").getInt(i), t.longColumn("start_unix_ns").getLong(i),
                        t.longColumn("end_unix_ns").getLong(i), RequestTable.num(t, "step_ms", i),
                        t.intColumn("kernels").getInt(i), RequestTable.num(t, "gpu_busy_pct", i),
                        RequestTable.num(t, "not_on_gpu_ms", i), RequestTable.num(t, "batch", i),
                        t.intColumn("in_flight").getInt(i), RequestTable.num(t, "vision_ms", i)));
            }
            return out;
        }
    }

    private ServedStepTable() {
    }

    public static Table of(ServedSteps.Result r) {
        IntColumn step = IntColumn.create("step");
        LongColumn start = LongColumn.create("start_unix_ns");
        LongColumn end = LongColumn.create("end_unix_ns");
        DoubleColumn ms = DoubleColumn.create("step_ms");
        IntColumn kernels = IntColumn.create("kernels");
        DoubleColumn busy = DoubleColumn.create("gpu_busy_pct");
        DoubleColumn off = DoubleColumn.create("not_on_gpu_ms");
        DoubleColumn batch = DoubleColumn.create("batch");
        IntColumn flight = IntColumn.create("in_flight");
        DoubleColumn vision = DoubleColumn.create("vision_ms");
        int i = 0;
        for (ServedSteps.Step s : r.steps()) {
            step.append(i++);
            start.append(s.startNs());
            end.append(s.endNs());
            ms.append(s.ms());
            kernels.append(s.kernels());
            boolean gpu = s.busyNs() >= 0 && s.endNs() > s.startNs();
            if (gpu) {
                busy.append(100.0 * s.busyNs() / (s.endNs() - s.startNs()));
                off.append((s.endNs() - s.startNs() - s.busyNs()) / 1e6);
            } else {
                busy.appendMissing();
                off.appendMissing();
            }
            if (Double.isNaN(s.batch())) {
                batch.appendMissing();
            } else {
                batch.append(s.batch());
            }
            flight.append(s.inFlight());
            vision.append(s.visionNs() / 1e6);
        }
        return Table.create("served-steps", step, start, end, ms, kernels, busy, off, batch, flight, vision);
    }
}
