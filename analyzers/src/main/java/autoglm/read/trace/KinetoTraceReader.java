package autoglm.read.trace;

import autoglm.model.trace.EventKind;
import autoglm.model.trace.ReadCounts;
import autoglm.model.trace.TraceHeader;

import autoglm.util.BadInputException;

import autoglm.model.trace.NamePool;
import autoglm.model.trace.Names;
import autoglm.model.trace.ShapePool;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.util.Arrays;

/**
 * A pull-style streaming reader of PyTorch profiler (Kineto) Chrome-trace JSON: {@link #next()}
 * moves to the next event of {@code traceEvents} and {@link #event()} shows it. Nothing but the
 * current event is held, so memory does not grow with the trace. Both the object format
 * ({@code {"traceEvents": [...]}}) and the bare array format of the Trace Event Format are read.
 *
 * <p>Timestamps ({@code ts}, {@code dur}) are microseconds in the format, whatever {@code
 * displayTimeUnit} says (it only tells viewers how to display them); they are converted exactly
 * to nanoseconds. The trace-level fields are available from {@link #header()} once {@link #next()}
 * has returned false, since they may follow the events.
 */
public final class KinetoTraceReader implements AutoCloseable {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNestingDepth(10_000)
                    .maxNumberLength(1000)
                    .build())
            .build();

    private final TraceInput input;
    private final JsonParser parser;
    private final NamePool names;
    private final ShapePool shapes;
    private final TraceEvent event = new TraceEvent();
    private final ReadCounts counts = new ReadCounts();
    private final HeaderBuilder header = new HeaderBuilder();
    private EventKind[] kindByCategory = new EventKind[64];
    private final InputDimsReader inputDims;
    private final FieldPredictor eventFields = new FieldPredictor();
    private final FieldPredictor[] phaseFields = new FieldPredictor[128];
    private FieldPredictor[] argsFields = new FieldPredictor[16];

    private final boolean chunk;
    private long arrayEnd = -1;
    private boolean inEvents;
    private boolean sawEvents;
    private boolean finished;

    public KinetoTraceReader(TraceInput input, NamePool names, ShapePool shapes) {
        this(input, names, shapes, false);
    }

    /**
     * In chunk mode the input is a JSON array of events cut from a larger trace ({@link EventChunks}): reading stops
     * at the array's end, whatever follows, and {@link #arrayEnd()} tells where that was.
     */
    KinetoTraceReader(TraceInput input, NamePool names, ShapePool shapes, boolean chunk) {
        this.chunk = chunk;
        for (int i = 0; i < phaseFields.length; i++) {
            phaseFields[i] = new FieldPredictor();
        }
        this.input = input;
        this.names = names;
        this.shapes = shapes;
        this.inputDims = new InputDimsReader(shapes);
        try {
            this.parser = input.bytes() != null ? FACTORY.createParser(input.bytes()) : FACTORY.createParser(input.stream());
        } catch (IOException e) {
            throw ReadErrors.failure(input, e);
        }
    }

    /** In chunk mode, once {@link #next()} has returned false: the byte offset of the array's closing ']'. */
    long arrayEnd() {
        return arrayEnd;
    }

    public TraceEvent event() {
        return event;
    }

    public ReadCounts counts() {
        return counts;
    }

    /** The trace-level fields; complete once {@link #next()} has returned false. */
    public TraceHeader header() {
        return header.build();
    }

    /** Moves to the next event; false when the trace is fully read. */
    public boolean next() {
        try {
            return advance();
        } catch (IOException e) {
            throw ReadErrors.failure(input, e);
        }
    }

    private boolean advance() throws IOException {
        if (finished) {
            return false;
        }
        if (!inEvents) {
            if (!seekEvents()) {
                finished = true;
                return false;
            }
        }
        while (true) {
            JsonToken t = parser.nextToken();
            if (t == null) {
                throw new JsonEOFException(parser, null, "end of input inside traceEvents");
            }
            if (t == JsonToken.END_ARRAY && chunk) {
                arrayEnd = parser.currentTokenLocation().getByteOffset();
                finished = true;
                return false;
            }
            if (t == JsonToken.END_ARRAY) {
                inEvents = false;
                readRestOfHeader();
                finished = true;
                return false;
            }
            if (t == JsonToken.START_OBJECT) {
                firstElement = false;
                if (readEvent()) {
                    return true;
                }
            } else {
                if (firstElement && header.arrayFormat) {
                    // a bare array of the Trace Event Format holds event objects; one of arrays or numbers is
                    // something else (HTA's memory_timeline.raw is an array of arrays)
                    throw new BadInputException(input.path() + ": not a Chrome/Kineto trace: a JSON array whose first "
                            + "element is " + article(ReadErrors.describe(t)) + ", not a trace event object (HTA's "
                            + "memory_timeline.raw is such an array)");
                }
                firstElement = false;
                parser.skipChildren();
                counts.malformed("not an object");
            }
        }
    }

    private static String article(String what) {
        return ("aeiou".indexOf(what.isEmpty() ? 'x' : what.charAt(0)) >= 0 ? "an " : "a ") + what;
    }

    /** Whether no element of the events array has been read yet. */
    private boolean firstElement = true;

    /** Reads header fields up to the start of traceEvents; false if there is none. */
    private boolean seekEvents() throws IOException {
        if (parser.currentToken() == null) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new BadInputException(input.path() + ": the file holds no JSON value");
            }
            if (first == JsonToken.START_ARRAY) {
                header.arrayFormat = true;
                inEvents = true;
                sawEvents = true;
                return true;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new BadInputException(input.path() + ": not a Chrome/Kineto trace (the JSON is a "
                        + ReadErrors.describe(first) + ", not an object with traceEvents)");
            }
        }
        return readHeaderFieldsUntilEvents();
    }

    private boolean readHeaderFieldsUntilEvents() throws IOException {
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("traceEvents".equals(field) && sawEvents) {
                parser.skipChildren();
                counts.malformed("second traceEvents array (ignored)");
                continue;
            }
            if ("traceEvents".equals(field)) {
                if (value != JsonToken.START_ARRAY) {
                    throw new BadInputException(input.path() + ": traceEvents is a " + ReadErrors.describe(value)
                            + ", not an array");
                }
                inEvents = true;
                sawEvents = true;
                return true;
            }
            header.field(field, value, parser);
        }
        if (t == null) {
            throw new JsonEOFException(parser, null, "end of input in the trace object");
        }
        if (!sawEvents) {
            throw new BadInputException(input.path() + ": not a Chrome/Kineto trace: no traceEvents array");
        }
        expectEnd();
        return false;
    }

    private void readRestOfHeader() throws IOException {
        if (header.arrayFormat) {
            expectEnd();
            return;
        }
        readHeaderFieldsUntilEvents();
    }

    private void expectEnd() throws IOException {
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new BadInputException(input.path() + ": unexpected content after the trace at "
                    + ReadErrors.where(parser.currentLocation()));
        }
    }

    /** Parses one event object; false when it was malformed (counted) and skipped. */
    private boolean readEvent() throws IOException {
        TraceEvent e = event;
        e.reset();
        boolean numberError = false;
        String wrongType = null;
        int position = 0;
        FieldPredictor fields = eventFields;
        String f;
        while ((f = nextField(fields, position++)) != null) {
            JsonToken v = parser.nextToken();
            switch (f) {
                case "ph":
                    if (v == JsonToken.VALUE_STRING && parser.getTextLength() > 0) {
                        e.ph = parser.getTextCharacters()[parser.getTextOffset()];
                        // each phase (X, s, f, M...) has its own field order
                        fields = phaseFields[e.ph & 0x7f];
                    } else if (v != JsonToken.VALUE_NULL) {
                        // "ph": [] or {}: skipped whole, and the event counted as malformed
                        parser.skipChildren();
                        wrongType = "ph";
                    }
                    break;
                case "cat":
                    wrongType = structured(v, "cat", wrongType);
                    e.cat = unnamed(e.ph) ? Names.NONE : internText(v);
                    break;
                case "name":
                    wrongType = structured(v, "name", wrongType);
                    // flow and instant events' names are never used: not interned (Kineto writes ph first)
                    e.name = unnamed(e.ph) ? Names.NONE : internText(v);
                    break;
                case "pid":
                    wrongType = structured(v, "pid", wrongType);
                    e.pid = idValue(v);
                    break;
                case "tid":
                    wrongType = structured(v, "tid", wrongType);
                    e.tid = idValue(v);
                    break;
                case "ts":
                    try {
                        e.tsNs = micros(v);
                        e.hasTs = true;
                    } catch (NumberFormatException ex) {
                        numberError = true;
                    }
                    break;
                case "dur":
                    try {
                        e.durNs = micros(v);
                        e.hasDur = true;
                    } catch (NumberFormatException ex) {
                        numberError = true;
                    }
                    break;
                case "args":
                    if (v == JsonToken.START_OBJECT) {
                        e.hasArgs = true;
                        String wrongArg = readArgs(e);
                        wrongType = wrongType == null ? wrongArg : wrongType;
                    } else {
                        parser.skipChildren();
                    }
                    break;
                default:
                    parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT) {
            throw new JsonEOFException(parser, null, "end of input inside an event");
        }
        if (numberError) {
            counts.malformed("ts or dur is not a number");
            return false;
        }
        if (wrongType != null) {
            counts.malformed(wrongType + (wrongType.startsWith("args.") ? " not a number"
                    : " of the wrong type (an array, an object or a boolean)"));
            return false;
        }
        EventKind kind = EventKind.ofPhase(e.ph);
        if (e.ph == 'X') {
            kind = categoryKind(e.cat);
            if (!e.hasTs || !e.hasDur) {
                counts.malformed("complete event without ts or dur");
                return false;
            }
            if (e.durNs < 0) {
                counts.malformed("negative duration");
                return false;
            }
        } else if (e.ph == 0) {
            counts.malformed("event without ph");
            return false;
        } else if (kind != EventKind.METADATA && !e.hasTs) {
            counts.malformed("event without ts");
            return false;
        }
        e.kind = kind;
        counts.count(kind);
        return true;
    }

    /**
     * Moves to the next field of the current object, guessing its name from {@code fields} so Jackson
     * can match raw bytes; returns the name, or null at the end of the object (or of the input).
     */
    private String nextField(FieldPredictor fields, int position) throws IOException {
        SerializedString guess = fields.at(position);
        parser.nextFieldName(guess);
        if (parser.currentToken() != JsonToken.FIELD_NAME) {
            return null;
        }
        String name = parser.currentName();
        fields.saw(position, name, guess);
        return name;
    }

    /** Arguments differ by category (kernel, cpu_op, cuda_runtime...), so each has its own predictor. */
    private FieldPredictor argsPredictor(int cat) {
        int slot = cat + 1;
        if (slot >= argsFields.length) {
            argsFields = Arrays.copyOf(argsFields, Math.max(slot + 1, argsFields.length * 2));
        }
        FieldPredictor p = argsFields[slot];
        if (p == null) {
            p = new FieldPredictor();
            argsFields[slot] = p;
        }
        return p;
    }

    private static boolean unnamed(char ph) {
        return ph == 's' || ph == 'f' || ph == 't' || ph == 'i' || ph == 'I';
    }

    /** Reads an event's args; returns the name of a numeric arg given a value of another type, or null. */
    private String readArgs(TraceEvent e) throws IOException {
        FieldPredictor fields = argsPredictor(e.cat);
        int position = 0;
        String f;
        String wrong = null;
        while ((f = nextField(fields, position++)) != null) {
            JsonToken v = parser.nextToken();
            switch (f) {
                case "correlation":
                    wrong = numeric(v, "args.correlation", wrong);
                    e.correlation = longValue(v);
                    break;
                case "device":
                    wrong = numeric(v, "args.device", wrong);
                    e.device = (int) longValue(v);
                    break;
                case "stream":
                    if (v == JsonToken.VALUE_STRING && hexStream()) {
                        // ROCm writes some streams as a hex string ("0x0"): the same number
                        e.stream = (int) Long.parseLong(parser.getText().substring(2), 16);
                        break;
                    }
                    wrong = numeric(v, "args.stream", wrong);
                    e.stream = (int) longValue(v);
                    break;
                case "bytes":
                    wrong = numeric(v, "args.bytes", wrong);
                    e.bytes = longValue(v);
                    break;
                case "est. achieved occupancy %":
                    e.occupancyPct = floatValue(v);
                    break;
                case "blocks per SM":
                    e.blocksPerSm = floatValue(v);
                    break;
                case "Input Dims":
                    e.shape = inputDims.read(parser, v);
                    break;
                default:
                    parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT) {
            throw new JsonEOFException(parser, null, "end of input inside args");
        }
        return wrong;
    }

    /** Whether the current string is a stream id in hex, as ROCm writes them: "0x" and up to 15 hex digits. */
    private boolean hexStream() throws IOException {
        String t = parser.getText();
        return t.length() > 2 && t.length() <= 17 && (t.startsWith("0x") || t.startsWith("0X"))
                && t.substring(2).chars().allMatch(ch -> Character.digit(ch, 16) >= 0);
    }

    /** The arg's name when its value is not a number (null is no value, not a wrong one), else {@code was}. */
    private static String numeric(JsonToken v, String field, String was) {
        boolean ok = v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT || v == JsonToken.VALUE_NULL;
        return ok || was != null ? was : field;
    }

    private int internText(JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            parser.skipChildren();
            return Names.NONE;
        }
        return names.intern(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
    }

    /** The field's name when its value is an array, object or boolean (never valid for it), else {@code was}. */
    private static String structured(JsonToken v, String field, String was) {
        boolean wrong = v == JsonToken.START_ARRAY || v == JsonToken.START_OBJECT || v == JsonToken.VALUE_TRUE
                || v == JsonToken.VALUE_FALSE;
        return wrong && was == null ? field : was;
    }

    /** An int, or {@code dflt} for an integer beyond 32 bits (Jackson would throw on it). */
    static int intOf(JsonParser p, int dflt) throws IOException {
        return p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : dflt;
    }

    /** A long, or {@code dflt} for an integer beyond 64 bits. */
    static long longOf(JsonParser p, long dflt) throws IOException {
        JsonParser.NumberType t = p.getNumberType();
        return t == JsonParser.NumberType.INT || t == JsonParser.NumberType.LONG ? p.getLongValue() : dflt;
    }

    private long idValue(JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            return longOf(parser, -1);
        }
        if (v == JsonToken.VALUE_STRING) {
            return TraceEvent.STRING_ID_BASE + internText(v);
        }
        parser.skipChildren();
        return -1;
    }

    private long micros(JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_FLOAT || v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_STRING) {
            return DecimalMicros.toNanos(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
        }
        parser.skipChildren();
        throw new NumberFormatException("not a number");
    }

    private long longValue(JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            return longOf(parser, -1);
        }
        if (v == JsonToken.VALUE_NUMBER_FLOAT) {
            return (long) parser.getDoubleValue();
        }
        parser.skipChildren();
        return -1;
    }

    private float floatValue(JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            return (float) FastDecimal.parse(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
        }
        parser.skipChildren();
        return Float.NaN;
    }

    private EventKind categoryKind(int cat) {
        if (cat < 0) {
            return EventKind.OTHER_COMPLETE;
        }
        if (cat >= kindByCategory.length) {
            kindByCategory = Arrays.copyOf(kindByCategory, Math.max(cat + 1, kindByCategory.length * 2));
        }
        EventKind k = kindByCategory[cat];
        if (k == null) {
            k = EventKind.ofCompleteCategory(names.get(cat));
            kindByCategory[cat] = k;
        }
        return k;
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException ignored) {
            // read-only
        }
        input.close();
    }
}
