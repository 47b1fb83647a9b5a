package autoglm.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The small expression language of rule conditions and gain formulas: numbers, names (metrics and the
 * rule's thresholds), {@code + - * /}, comparisons, {@code and or not}, parentheses and the functions
 * {@code min, max, abs, value_or(name, default), present(name)}. Booleans are 1 and 0.
 * Evaluating a name that has no value throws {@link Missing}.
 */
public final class Expression {
    /** Gives names their values. */
    public interface Env {
        /** The value, or NaN when the name has no value here. */
        double value(String name);
    }

    /** A name was evaluated that has no value. */
    public static final class Missing extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String name;

        Missing(String name) {
            super("no value for '" + name + "'");
            this.name = name;
        }

        public String name() {
            return name;
        }
    }

    private interface Node {
        double eval(Env env);
    }

    private final String source;
    private final Node root;
    private final Set<String> names;

    private Expression(String source, Node root, Set<String> names) {
        this.source = source;
        this.root = root;
        this.names = names;
    }

    public static Expression parse(String source) {
        Parser p = new Parser(source);
        Node n = p.expression();
        p.expectEnd();
        return new Expression(source, n, p.names);
    }

    public double evaluate(Env env) {
        return root.eval(env);
    }

    public boolean test(Env env) {
        return root.eval(env) != 0;
    }

    /** Every name the expression refers to. */
    public Set<String> names() {
        return names;
    }

    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return source;
    }

    private static final class Parser {
        private final String s;
        private int pos;
        private final Set<String> names = new LinkedHashSet<>();

        Parser(String s) {
            this.s = s;
        }

        Node expression() {
            Node left = and();
            while (keyword("or")) {
                Node l = left;
                Node r = and();
                left = env -> (l.eval(env) != 0 || r.eval(env) != 0) ? 1 : 0;
            }
            return left;
        }

        private Node and() {
            Node left = not();
            while (keyword("and")) {
                Node l = left;
                Node r = not();
                left = env -> (l.eval(env) != 0 && r.eval(env) != 0) ? 1 : 0;
            }
            return left;
        }

        private Node not() {
            if (keyword("not")) {
                Node inner = not();
                return env -> inner.eval(env) == 0 ? 1 : 0;
            }
            return comparison();
        }

        private Node comparison() {
            Node left = additive();
            skipSpace();
            String[] ops = {"<=", ">=", "==", "!=", "<", ">"};
            for (String op : ops) {
                if (s.startsWith(op, pos)) {
                    pos += op.length();
                    Node r = additive();
                    Node l = left;
                    switch (op) {
                        case "<=":
                            return env -> l.eval(env) <= r.eval(env) ? 1 : 0;
                        case ">=":
                            return env -> l.eval(env) >= r.eval(env) ? 1 : 0;
                        case "==":
                            return env -> l.eval(env) == r.eval(env) ? 1 : 0;
                        case "!=":
                            return env -> l.eval(env) != r.eval(env) ? 1 : 0;
                        case "<":
                            return env -> l.eval(env) < r.eval(env) ? 1 : 0;
                        default:
                            return env -> l.eval(env) > r.eval(env) ? 1 : 0;
                    }
                }
            }
            return left;
        }

        private Node additive() {
            Node left = multiplicative();
            while (true) {
                skipSpace();
                if (peek('+')) {
                    pos++;
                    Node l = left;
                    Node r = multiplicative();
                    left = env -> l.eval(env) + r.eval(env);
                } else if (peek('-')) {
                    pos++;
                    Node l = left;
                    Node r = multiplicative();
                    left = env -> l.eval(env) - r.eval(env);
                } else {
                    return left;
                }
            }
        }

        private Node multiplicative() {
            Node left = unary();
            while (true) {
                skipSpace();
                if (peek('*')) {
                    pos++;
                    Node l = left;
                    Node r = unary();
                    left = env -> l.eval(env) * r.eval(env);
                } else if (peek('/')) {
                    pos++;
                    Node l = left;
                    Node r = unary();
                    left = env -> {
                        double d = r.eval(env);
                        // a zero denominator has no value: NaN, so a gain or score made of it is not applicable
                        return d == 0 ? Double.NaN : l.eval(env) / d;
                    };
                } else {
                    return left;
                }
            }
        }

        private Node unary() {
            skipSpace();
            if (peek('-')) {
                pos++;
                Node inner = unary();
                return env -> -inner.eval(env);
            }
            return primary();
        }

        private Node primary() {
            skipSpace();
            if (peek('(')) {
                pos++;
                Node inner = expression();
                expect(')');
                return inner;
            }
            if (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
                int start = pos;
                while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.'
                        || s.charAt(pos) == 'e' || s.charAt(pos) == 'E'
                        || ((s.charAt(pos) == '+' || s.charAt(pos) == '-')
                            && (s.charAt(pos - 1) == 'e' || s.charAt(pos - 1) == 'E')))) {
                    pos++;
                }
                double v;
                try {
                    v = Double.parseDouble(s.substring(start, pos));
                } catch (NumberFormatException e) {
                    throw error("bad number '" + s.substring(start, pos) + "'");
                }
                return env -> v;
            }
            String id = identifier();
            if (id == null) {
                throw error("expected a number, a name or '('");
            }
            skipSpace();
            if (peek('(')) {
                pos++;
                return call(id);
            }
            names.add(id);
            return env -> {
                double v = env.value(id);
                if (Double.isNaN(v)) {
                    throw new Missing(id);
                }
                return v;
            };
        }

        private Node call(String fn) {
            if (fn.equals("value_or") || fn.equals("present")) {
                skipSpace();
                String id = identifier();
                if (id == null) {
                    throw error(fn + "() takes a name first");
                }
                names.add(id);
                if (fn.equals("present")) {
                    expect(')');
                    return env -> Double.isNaN(env.value(id)) ? 0 : 1;
                }
                expect(',');
                Node fallback = expression();
                expect(')');
                return env -> {
                    double v = env.value(id);
                    return Double.isNaN(v) ? fallback.eval(env) : v;
                };
            }
            List<Node> args = new ArrayList<>();
            skipSpace();
            if (!peek(')')) {
                args.add(expression());
                skipSpace();
                while (peek(',')) {
                    pos++;
                    args.add(expression());
                    skipSpace();
                }
            }
            expect(')');
            Node[] a = args.toArray(new Node[0]);
            switch (fn) {
                case "min":
                    requireArgs(fn, a, 1);
                    return env -> {
                        double m = Double.POSITIVE_INFINITY;
                        for (Node n : a) {
                            m = Math.min(m, n.eval(env));
                        }
                        return m;
                    };
                case "max":
                    requireArgs(fn, a, 1);
                    return env -> {
                        double m = Double.NEGATIVE_INFINITY;
                        for (Node n : a) {
                            m = Math.max(m, n.eval(env));
                        }
                        return m;
                    };
                case "abs":
                    if (a.length != 1) {
                        throw error("abs() takes one argument");
                    }
                    return env -> Math.abs(a[0].eval(env));
                default:
                    throw error("unknown function '" + fn + "'");
            }
        }

        private void requireArgs(String fn, Node[] a, int min) {
            if (a.length < min) {
                throw error(fn + "() needs at least " + min + " argument");
            }
        }

        private String identifier() {
            skipSpace();
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                if (pos == start && Character.isDigit(s.charAt(pos))) {
                    return null;
                }
                pos++;
            }
            return pos > start ? s.substring(start, pos) : null;
        }

        private boolean keyword(String k) {
            skipSpace();
            if (s.startsWith(k, pos) && (pos + k.length() == s.length()
                    || !Character.isLetterOrDigit(s.charAt(pos + k.length())) && s.charAt(pos + k.length()) != '_')) {
                pos += k.length();
                return true;
            }
            return false;
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void expect(char c) {
            skipSpace();
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        void expectEnd() {
            skipSpace();
            if (pos != s.length()) {
                throw error("unexpected '" + s.substring(pos) + "'");
            }
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private IllegalArgumentException error(String msg) {
            return new IllegalArgumentException("in expression \"" + s + "\" at " + pos + ": " + msg);
        }
    }
}
