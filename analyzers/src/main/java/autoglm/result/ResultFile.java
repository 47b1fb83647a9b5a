package autoglm.result;

import autoglm.analyse.Metric;
import autoglm.analyse.Metrics;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.trace.Window;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.InputDiagnosis;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.TraceHeader;
import autoglm.model.trace.TraceSource;
import autoglm.rules.Ranking;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result file, schema 1 (docs/formats.md#diagnose---format-json): what {@code diagnose} and {@code profile}
 * write with {@code --format json}, and a run folder's verify.json. These records are the one declaration of it:
 * {@code autoglm.report.JsonReport} writes a diagnosis through them ({@link #of}, {@link #write}) and
 * {@link ResultJson} reads a file back through them with {@link autoglm.util.StrictBinding} (a key not declared here
 * is refused). Keys come in the components' order; a component marked NON_NULL is left out when it has no value,
 * every other is written, null when it has none. A number that is NaN or infinite is written null.
 */
public record ResultFile(String tool, String version, Integer schema, Map<String, Double> overrides,
        List<Input> inputs, RunEntry run, Map<String, MetricEntry> metrics, String findingsOrder,
        List<FindingEntry> findings, List<FindingEntry.GainOverlapEntry> gainOverlaps,
        @JsonInclude(JsonInclude.Include.NON_NULL) BreakdownEntry breakdown,
        @JsonInclude(JsonInclude.Include.NON_NULL) RanksEntry ranks,
        @JsonInclude(JsonInclude.Include.NON_NULL) FleetEntry fleet,
        @JsonInclude(JsonInclude.Include.NON_NULL) ServedEntry served,
        DataLossEntry dataLoss, List<VerifyEntry> verify) {

    public static final int SCHEMA = 1;
    private static final ObjectWriter WRITER = JsonMapper.builder(JsonFactory.builder()
                    .disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build())
            .addModule(new SimpleModule().addSerializer(Double.class, new autoglm.util.FiniteOrNull())
                    .addSerializer(Double.TYPE, new autoglm.util.FiniteOrNull()))
            .build().writerWithDefaultPrettyPrinter();

    /**
     * One trace or recording of the result: where it came from and how it was read, its devices and the iterations
     * analysed; with several inputs also its own metrics, findings and data loss.
     */
    public record Input(String path, String format, Long fileBytes, Long jsonBytes, Long events, Integer rank,
            String timeBase, String displayTimeUnit, List<Device> devices, Iterations iterations,
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, MetricEntry> metrics,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<FindingEntry> findings,
            @JsonInclude(JsonInclude.Include.NON_NULL) DataLossEntry dataLoss) {
    }

    public record Device(Integer id, String name, String computeCapability, Integer sms, Long memoryBytes) {
    }

    /** How the iterations were found ({@code basis}), how many, the step left out, the device and the anchor kernel. */
    public record Iterations(String basis, Integer count, String dropped, Integer device,
            @JsonInclude(JsonInclude.Include.NON_NULL) String anchor) {
    }

    /** Data lost or left out, by group: reason to count ({@code lost}: the total of malformed and unmatched). */
    public record DataLossEntry(Long lost, Map<String, Long> malformed, Map<String, Long> unmatched,
            Map<String, Long> excluded, Map<String, Long> skipped, Map<String, Long> probe) {

        public static DataLossEntry of(DataLoss d) {
            return new DataLossEntry(d.lost(), d.get(DataLoss.Group.MALFORMED), d.get(DataLoss.Group.UNMATCHED),
                    d.get(DataLoss.Group.EXCLUDED), d.get(DataLoss.Group.SKIPPED), d.get(DataLoss.Group.PROBE));
        }
    }

    /**
     * The diagnosis as its result file; {@code work}: the metrics of a verification that measure the work done
     * rather than its speed (autoglm.verify.Verifier.WORK, which this stage cannot name).
     */
    public static ResultFile of(Diagnosis d, java.util.Set<String> work) {
        Map<String, Double> overrides = new LinkedHashMap<>();
        d.overrides().forEach((k, v) -> overrides.put(k, Double.parseDouble(v)));
        boolean several = d.inputs().size() > 1;
        return new ResultFile(d.tool(), d.version(), SCHEMA, overrides,
                d.inputs().stream().map(in -> input(in, several)).toList(),
                d.run() == null ? null : RunEntry.of(d.run()), metrics(d.metrics()), Ranking.DESCRIPTION,
                FindingEntry.of(d.findings()), FindingEntry.GainOverlapEntry.of(d.findings()),
                d.inputs().size() == 1 ? BreakdownEntry.of(d.inputs().get(0).analysis().breakdown()) : null,
                d.ranks() == null ? null : RanksEntry.of(d.ranks()), d.fleet() == null ? null : FleetEntry.of(d.fleet()),
                d.served() == null ? null : ServedEntry.of(d.served()), DataLossEntry.of(d.dataLoss()),
                d.verifications().stream().map(v -> VerifyEntry.of(v, work)).toList());
    }

    /** The file's text: the records as indented JSON, and a newline. */
    public static void write(ResultFile r, Writer out) throws IOException {
        WRITER.writeValue(out, r);
        out.write('\n');
        out.flush();
    }

    static Map<String, MetricEntry> metrics(Metrics metrics) {
        Map<String, MetricEntry> out = new LinkedHashMap<>();
        for (Metric m : metrics.all().values()) {
            out.put(m.name(), MetricEntry.of(m));
        }
        return out;
    }

    private static Input input(InputDiagnosis in, boolean several) {
        TraceAnalysis a = in.analysis();
        TraceSource src = a.model().source();
        TraceHeader h = a.model().header();
        Window w = a.window();
        Iterations it = new Iterations(w.basis().name().toLowerCase(Locale.ROOT).replace('_', '-'), w.iterations(),
                w.droppedStep(), w.device(), w.anchor());
        return new Input(src.path(), src.gzip() ? "gzip" : TraceSource.KINETO.equals(src.format()) ? "json" : "cupti",
                src.fileBytes(), src.jsonBytes(), src.events(), h.rank(),
                h.baseTimeNanoseconds() == null ? "absolute" : "baseTimeNanoseconds", h.displayTimeUnit(),
                h.devices().stream().map(dp -> new Device(dp.id(), dp.name(), dp.computeCapability(), dp.numSms(),
                        dp.totalGlobalMem())).toList(), it,
                several ? metrics(a.metrics()) : null, several ? FindingEntry.of(in.findings()) : null,
                several ? DataLossEntry.of(a.dataLoss()) : null);
    }
}
