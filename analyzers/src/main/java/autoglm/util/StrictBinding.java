package autoglm.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Binds a config or result tree to records with jackson-databind, strictly: an unknown key, a string where a
 * number belongs, a null for a number, or a number for a boolean is refused. A refusal becomes a {@link Problem}
 * that names where it is (the path of keys and list indexes) so that each file's reader can say it in its own
 * words, on one line.
 */
public final class StrictBinding {
    private static final ObjectMapper MAPPER = mapper();

    /** What was wrong: at {@code path} (keys and list indexes, outermost first), {@code key} is unknown or mistyped. */
    public static final class Problem extends RuntimeException {
        private final List<Object> path;
        private final String key;
        private final boolean unknown;
        private final List<String> known;

        Problem(List<Object> path, String key, boolean unknown, List<String> known, String detail) {
            super(detail, null, false, false);
            this.path = List.copyOf(path);
            this.key = key;
            this.unknown = unknown;
            this.known = List.copyOf(known);
        }

        /** Where the offending key sits: the keys and list indexes (Integer) leading to its object. */
        public List<Object> path() {
            return path;
        }

        public String key() {
            return key;
        }

        /** The path as JSON readers write it: "gpus[0]", "settings"; empty at the top. */
        public String location() {
            StringBuilder where = new StringBuilder();
            for (Object step : path) {
                where.append(step instanceof Integer i ? "[" + i + "]" : (where.length() == 0 ? "" : ".") + step);
            }
            return where.toString();
        }

        /** "gpus[0]: unknown key 'x' (...)", or the description alone at the top. */
        public String located() {
            String where = location();
            return (where.isEmpty() ? "" : where + ": ") + describe();
        }

        /** True for an unknown key, false for a known key with a value of the wrong type. */
        public boolean unknown() {
            return unknown;
        }

        /** The keys the object has, sorted (for an unknown key). */
        public List<String> known() {
            return known;
        }

        /** "unknown key 'aplies' (the keys are ...)" or "'default' has the wrong type (...)". */
        public String describe() {
            return unknown ? "unknown key '" + SafeText.safe(key) + "' (the keys are " + String.join(", ", known) + ")"
                    : "'" + SafeText.safe(key) + "' " + getMessage();
        }
    }

    private StrictBinding() {
    }

    private static ObjectMapper mapper() {
        JsonMapper m = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .build();
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        // expressions such as "zero: 0" are text that YAML reads as a number
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert);
        return m;
    }

    /**
     * A file's JSON tree, to bind: a missing, unreadable or invalid file is one line ({@link BadInputException}),
     * as an unknown key is.
     */
    public static JsonNode tree(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return MAPPER.readTree(in);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** The tree bound to {@code type}; a refused key or value throws {@link Problem}. */
    public static <T> T bind(JsonNode tree, Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            List<String> known = new ArrayList<>();
            if (e.getKnownPropertyIds() != null) {
                for (Object o : new TreeSet<>(e.getKnownPropertyIds().stream().map(String::valueOf).toList())) {
                    known.add((String) o);
                }
            }
            List<Object> path = path(e);
            return fail(new Problem(path.subList(0, Math.max(0, path.size() - 1)), e.getPropertyName(), true, known, ""));
        } catch (MismatchedInputException e) {
            List<Object> path = path(e);
            String key = path.isEmpty() ? "(top)" : String.valueOf(path.get(path.size() - 1));
            String expected = e.getTargetType() == null ? "another type" : typeName(e.getTargetType());
            return fail(new Problem(path.subList(0, Math.max(0, path.size() - 1)), key, false, List.of(),
                    "has the wrong type (expected " + expected + ")"));
        } catch (JsonProcessingException e) {
            return fail(new Problem(path(e instanceof JsonMappingException m ? m : null), "(value)", false, List.of(),
                    "cannot be read: " + SafeText.safe(String.valueOf(e.getOriginalMessage()))));
        } catch (IllegalArgumentException e) {
            // a record's compact constructor refused the values
            Throwable c = e.getCause() != null ? e.getCause() : e;
            return fail(new Problem(List.of(), "(value)", false, List.of(), SafeText.safe(String.valueOf(c.getMessage()))));
        }
    }

    private static <T> T fail(Problem p) {
        throw p;
    }

    private static String typeName(Class<?> t) {
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return "a number";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "a whole number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "text";
        }
        if (java.util.Collection.class.isAssignableFrom(t)) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(t) || t.isRecord()) {
            return "a mapping";
        }
        return t.getSimpleName();
    }

    private static List<Object> path(JsonMappingException e) {
        List<Object> out = new ArrayList<>();
        if (e == null) {
            return out;
        }
        for (JsonMappingException.Reference r : e.getPath()) {
            out.add(r.getFieldName() != null ? r.getFieldName() : (Object) r.getIndex());
        }
        return out;
    }
}
