package autoglm.analyse;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * The server's steps one row each (served-steps.csv, docs/formats.md): its number, wall-clock start and end, time,
 * kernels, GPU busy share and time not on the GPU (empty without GPU activity), the running batch its /metrics
 * reported (empty before the first scrape), the client's requests in flight and the vision encoder's time in it.
 */
public final class ServedStepTable {
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
