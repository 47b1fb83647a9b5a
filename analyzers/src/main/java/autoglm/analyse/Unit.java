package autoglm.analyse;

/** The unit of a metric or threshold. Formatting lives in the reports; this only names the unit. */
public enum Unit {
    PERCENT("%"),
    SECONDS("s"),
    MILLISECONDS("ms"),
    MICROSECONDS("us"),
    NANOSECONDS("ns"),
    COUNT(""),
    PER_STEP("per step"),
    BYTES("B"),
    GB_PER_SECOND("GB/s"),
    PERCENT_PER_STEP("%/step"),
    FACTOR("x"),
    WATTS("W"),
    MEGAHERTZ("MHz"),
    TOKENS_PER_SECOND("tok/s"),
    PER_TURN("per turn"),
    REQUESTS_PER_SECOND("req/s"),
    MS_PER_STEP("ms per step"),
    VERSION(""),
    TEXT("");

    private final String symbol;

    Unit(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /**
     * Whether a figure of this unit is a signed rate of change (a slope per step or per turn, a trend): its
     * before/after is a difference, never a ratio, whatever the signs of the two values.
     */
    public boolean signed() {
        return this == PERCENT_PER_STEP || this == MS_PER_STEP || this == PER_TURN;
    }

    /** The name used in YAML and JSON: "percent", "ms", "us", "count", ... */
    public String key() {
        switch (this) {
            case PERCENT:
                return "percent";
            case SECONDS:
                return "s";
            case MILLISECONDS:
                return "ms";
            case MICROSECONDS:
                return "us";
            case NANOSECONDS:
                return "ns";
            case COUNT:
                return "count";
            case PER_STEP:
                return "per-step";
            case BYTES:
                return "bytes";
            case GB_PER_SECOND:
                return "GB/s";
            case PERCENT_PER_STEP:
                return "percent-per-step";
            case FACTOR:
                return "factor";
            case WATTS:
                return "W";
            case MEGAHERTZ:
                return "MHz";
            case TOKENS_PER_SECOND:
                return "tokens/s";
            case PER_TURN:
                return "percent-per-turn";
            case REQUESTS_PER_SECOND:
                return "requests/s";
            case MS_PER_STEP:
                return "ms-per-step";
            case VERSION:
                return "version";
            default:
                return "text";
        }
    }

    public static Unit ofKey(String key) {
        for (Unit u : values()) {
            if (u.key().equalsIgnoreCase(key) || u.name().equalsIgnoreCase(key)) {
                return u;
            }
        }
        throw new IllegalArgumentException("unknown unit '" + key + "'");
    }
}
