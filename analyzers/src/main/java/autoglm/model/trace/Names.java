package autoglm.model.trace;

/** Interned strings of a trace (event names, categories, thread labels), addressed by small ids. */
public interface Names {
    /** Id used where a name is absent. */
    int NONE = -1;

    String get(int id);

    int size();

    /** The id of {@code name}, or {@link #NONE} when the trace never mentions it. */
    int find(String name);
}
