package autoglm.read.trace;

import com.fasterxml.jackson.core.io.SerializedString;
import java.util.Arrays;

/**
 * Guesses the name of the i-th field of an object from the last object of the same kind. Kineto
 * writes the fields of each kind of event in a fixed order, so the guess is nearly always right, and
 * Jackson's {@code nextFieldName(SerializableString)} then matches the raw bytes instead of decoding
 * and canonicalising the name. A wrong guess costs only the normal path, and is learned.
 */
final class FieldPredictor {
    private static final SerializedString NOTHING = new SerializedString("\u0000");

    private SerializedString[] byPosition = new SerializedString[16];
    long hits;
    long misses;

    FieldPredictor() {
        Arrays.fill(byPosition, NOTHING);
    }

    /** The expected name of field number {@code position} (from 0). */
    SerializedString at(int position) {
        return position < byPosition.length ? byPosition[position] : NOTHING;
    }

    /** Records the name actually found at {@code position}; names are Jackson's canonical strings. */
    void saw(int position, String name, SerializedString guessed) {
        if (guessed.getValue() == name) {
            hits++;
            return;
        }
        misses++;
        if (position >= byPosition.length) {
            int old = byPosition.length;
            byPosition = Arrays.copyOf(byPosition, Math.max(position + 1, old * 2));
            Arrays.fill(byPosition, old, byPosition.length, NOTHING);
        }
        byPosition[position] = new SerializedString(name);
    }
}
