package autoglm.analyse;

/** A typed, documented, overridable number: an analysis setting or a rule threshold. */
public record Parameter(String name, Unit unit, double defaultValue, String description) {
}
