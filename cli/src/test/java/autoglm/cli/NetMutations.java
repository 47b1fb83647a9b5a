package autoglm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the network fuzz does to a recorded good answer: to a stream of server-sent events, a Prometheus page and
 * a Prometheus API answer, each mutation returns the new body and says what it did (for the failure message).
 */
final class NetMutations {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Numbers no field expects, as they would appear in JSON or in a Prometheus page. */
    private static final String[] NUMBERS = {"NaN", "Infinity", "-Infinity", "-5", "1e400", "-1e400",
        "99999999999999999999999", "1000000", "1e30", "-0", "1e-400", "0", "4294967296", "9223372036854775808"};
    private static final String[] JSON_VALUES = {"true", "\"x\"", "null", "[]", "{}", "\"\"", "[1]", "{\"a\":1}"};
    private static final Pattern JSON_NUMBER = Pattern.compile("(?<=[:\\[,])-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

    /** A body and what was done to it. */
    record Mutated(byte[] body, String what) {
        static Mutated of(String text, String what) {
            return new Mutated(text.getBytes(StandardCharsets.UTF_8), what);
        }
    }

    private final Random rnd;

    NetMutations(Random rnd) {
        this.rnd = rnd;
    }

    private String pick(String[] a) {
        return a[rnd.nextInt(a.length)];
    }

    /** A line of {@code n} characters that is one JSON chunk carrying text (valid) or not (garbage). */
    private String hugeLine(int n, boolean valid) {
        char[] c = new char[n];
        Arrays.fill(c, 'a');
        String s = new String(c);
        return valid ? "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + s + "\"}}]}" : "data: " + s;
    }

    // ---- streams (text/event-stream)

    Mutated stream(byte[] good) {
        String text = new String(good, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        switch (rnd.nextInt(11)) {
            case 0: {
                int at = rnd.nextInt(good.length);
                return new Mutated(Arrays.copyOf(good, at), "stream cut at byte " + at);
            }
            case 1: {
                int i = dataLine(lines);
                String m = replaceNumber(lines.get(i));
                lines.set(i, m);
                return Mutated.of(String.join("\n", lines), "stream line " + i + " number: " + clip(m));
            }
            case 2: {
                String v = pick(new String[] {"1000000", "1e400", "99999999999999999999999", "-3", "NaN", "1.5",
                    "true", "\"12\""});
                String m = text.replaceAll("\"completion_tokens\":\\s*\\d+", "\"completion_tokens\":" + v)
                        .replaceAll("\"prompt_tokens\":\\s*\\d+", "\"prompt_tokens\":" + pick(NUMBERS));
                return Mutated.of(m, "usage completion_tokens " + v);
            }
            case 3: {
                int n = (1 + rnd.nextInt(3)) * 1_000_000;
                boolean valid = rnd.nextBoolean();
                lines.add(dataLine(lines), hugeLine(n, valid) + (rnd.nextBoolean() ? "\n" : ""));
                return Mutated.of(String.join("\n", lines), "a " + n + "-character line, " + (valid ? "a chunk" : "garbage"));
            }
            case 4: {
                int i = dataLine(lines);
                lines.set(i, lines.get(i).substring(0, rnd.nextInt(lines.get(i).length() + 1)));
                return Mutated.of(String.join("\n", lines), "stream line " + i + " cut");
            }
            case 5: {
                lines.removeIf(l -> l.contains("[DONE]"));
                return Mutated.of(String.join("\n", lines), "no [DONE]");
            }
            case 6: {
                int i = dataLine(lines);
                String[] errors = {"data: {\"error\":{\"message\":\"boom\",\"code\":500}}",
                    "error: {\"code\":500,\"message\":\"boom\"}", "data: {\"object\":\"error\",\"message\":\"boom\"}",
                    "data: {\"choices\":[]}", "data: {}", "data: null", "data: [1,2]", "event: error", ": keep-alive",
                    "data: {\"choices\":[{\"delta\":{\"content\":\"\\u202e\\u001b[31mred\"}}]}"};
                String e = pick(errors);
                lines.add(i, e);
                lines.add(i + 1, "");
                return Mutated.of(String.join("\n", lines), "inserted '" + e + "'");
            }
            case 7: {
                byte[] b = good.clone();
                int k = 1 + rnd.nextInt(8);
                for (int j = 0; j < k; j++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                return new Mutated(b, k + " bytes flipped");
            }
            case 8: {
                int i = dataLine(lines);
                int copies = 1 + rnd.nextInt(2000);
                for (int j = 0; j < copies; j++) {
                    lines.add(i, lines.get(i));
                    lines.add(i + 1, "");
                }
                return Mutated.of(String.join("\n", lines), "line " + i + " repeated " + copies + " times");
            }
            case 9: {
                String m = text.replace("\n\n", "\r\n\r\n").replace("data: ", rnd.nextBoolean() ? "data:" : "data:  ");
                return Mutated.of(m, "CRLF and spacing");
            }
            default: {
                int i = dataLine(lines);
                String v = pick(JSON_VALUES);
                String m = lines.get(i).replaceFirst("\"(content|role|finish_reason|choices|delta|usage)\":", "\"$1\":" + v
                        + ",\"_was\":");
                lines.set(i, m);
                return Mutated.of(String.join("\n", lines), "stream line " + i + " field became " + v);
            }
        }
    }

    private int dataLine(List<String> lines) {
        List<Integer> data = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("data:")) {
                data.add(i);
            }
        }
        return data.isEmpty() ? 0 : data.get(rnd.nextInt(data.size()));
    }

    private String replaceNumber(String line) {
        Matcher m = JSON_NUMBER.matcher(line);
        List<int[]> at = new ArrayList<>();
        while (m.find()) {
            at.add(new int[] {m.start(), m.end()});
        }
        if (at.isEmpty()) {
            return line;
        }
        int[] r = at.get(rnd.nextInt(at.size()));
        return line.substring(0, r[0]) + pick(rnd.nextBoolean() ? NUMBERS : JSON_VALUES) + line.substring(r[1]);
    }

    // ---- Prometheus pages (text exposition)

    Mutated page(byte[] good) {
        List<String> lines = new ArrayList<>(Arrays.asList(new String(good, StandardCharsets.UTF_8).split("\n", -1)));
        List<Integer> samples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isEmpty() && !lines.get(i).startsWith("#")) {
                samples.add(i);
            }
        }
        int i = samples.get(rnd.nextInt(samples.size()));
        String l = lines.get(i);
        switch (rnd.nextInt(7)) {
            case 0: {
                int k = 1 + rnd.nextInt(6);
                StringBuilder what = new StringBuilder("values:");
                for (int j = 0; j < k; j++) {
                    int s = samples.get(rnd.nextInt(samples.size()));
                    String v = pick(new String[] {"NaN", "+Inf", "-Inf", "-5", "-50", "1e30", "-1e30", "1e400", "abc", ""});
                    lines.set(s, lines.get(s).replaceFirst(" [^ ]+$", " " + v));
                    what.append(' ').append(clip(lines.get(s)));
                }
                return Mutated.of(String.join("\n", lines), what.toString());
            }
            case 1: {
                String v = l.replaceFirst(" [^ ]+$", " " + pick(new String[] {"0", "1e9", "95", "-1"}));
                lines.add(i + 1, v);
                return Mutated.of(String.join("\n", lines), "duplicated series: " + clip(v));
            }
            case 2: {
                for (int s : samples) {
                    if (lines.get(s).contains("_bucket{") && rnd.nextInt(3) == 0) {
                        lines.set(s, lines.get(s).replaceFirst(" [^ ]+$", " " + rnd.nextInt(3)));
                    }
                }
                return Mutated.of(String.join("\n", lines), "buckets made non-cumulative");
            }
            case 3: {
                byte[] b = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
                int at = rnd.nextInt(b.length);
                return new Mutated(Arrays.copyOf(b, at), "page cut at byte " + at);
            }
            case 4: {
                int n = 1_000_000 + rnd.nextInt(2_000_000);
                lines.add(i, "x".repeat(n));
                return Mutated.of(String.join("\n", lines), "a " + n + "-character line");
            }
            case 5: {
                int k = 50_000 + rnd.nextInt(150_000);
                StringBuilder sb = new StringBuilder(String.join("\n", lines));
                for (int j = 0; j < k; j++) {
                    sb.append("unrelated_series_total{id=\"").append(j).append("\"} ").append(j).append('\n');
                }
                return Mutated.of(sb.toString(), k + " unrelated series added");
            }
            default: {
                lines.set(i, l.replaceFirst("\\{", "{le=\"x\",") + " 12 extra");
                return Mutated.of(String.join("\n", lines), "malformed line: " + clip(lines.get(i)));
            }
        }
    }

    // ---- Prometheus HTTP API answers (JSON)

    Mutated promAnswer(byte[] good, double startS, double endS) throws java.io.IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(good);
        ArrayNode result = (ArrayNode) root.path("data").path("result");
        switch (rnd.nextInt(9)) {
            case 0: {
                int at = rnd.nextInt(good.length);
                return new Mutated(Arrays.copyOf(good, at), "answer cut at byte " + at);
            }
            case 1: {
                String[] v = {"NaN", "+Inf", "-Inf", "-5", "1e30", "abc", "", "1e400"};
                int k = 1 + rnd.nextInt(20);
                for (int j = 0; j < k; j++) {
                    ArrayNode values = (ArrayNode) result.get(rnd.nextInt(result.size())).path("values");
                    if (values.size() > 0) {
                        ((ArrayNode) values.get(rnd.nextInt(values.size()))).set(1, F.textNode(pick(v)));
                    }
                }
                return new Mutated(JSON.writeValueAsBytes(root), k + " values made special");
            }
            case 2: {
                for (JsonNode s : result) {
                    ArrayNode values = (ArrayNode) s.path("values");
                    if (values.size() > 1) {
                        ((ArrayNode) values.get(1)).set(0, values.get(0).get(0));
                    }
                }
                return new Mutated(JSON.writeValueAsBytes(root), "duplicated timestamps");
            }
            case 3: {
                for (JsonNode s : result) {
                    ArrayNode values = (ArrayNode) s.path("values");
                    values.add(F.arrayNode().add(endS + 3600).add("1e6"));
                    values.insert(0, F.arrayNode().add(startS - 3600).add("-7"));
                }
                return new Mutated(JSON.writeValueAsBytes(root), "points outside the window");
            }
            case 4: {
                for (JsonNode s : result) {
                    ArrayNode values = (ArrayNode) s.path("values");
                    for (int j = 0; j < values.size(); j++) {
                        ((ArrayNode) values.get(j)).set(1, F.textNode(Integer.toString(values.size() - j)));
                    }
                }
                return new Mutated(JSON.writeValueAsBytes(root), "every series decreasing");
            }
            case 5: {
                JsonNode s = result.get(rnd.nextInt(result.size()));
                JsonNode bad = F.numberNode(1);
                String field = pick(new String[] {"metric", "values", "__name__"});
                if (field.equals("__name__")) {
                    ((ObjectNode) s.path("metric")).remove("__name__");
                } else {
                    ((ObjectNode) s).set(field, rnd.nextBoolean() ? bad : F.objectNode());
                }
                return new Mutated(JSON.writeValueAsBytes(root), "a series' " + field + " wrong");
            }
            case 6: {
                ArrayNode values = (ArrayNode) result.get(rnd.nextInt(result.size())).path("values");
                if (values.size() > 0) {
                    values.set(rnd.nextInt(values.size()), rnd.nextBoolean() ? F.arrayNode().add(startS + 1)
                            : F.arrayNode().add(startS + 1).add(F.nullNode()));
                }
                return new Mutated(JSON.writeValueAsBytes(root), "a point without a value");
            }
            case 7: {
                String[] top = {"no data", "result an object", "status error", "resultType vector"};
                String t = pick(top);
                switch (t) {
                    case "no data" -> root.remove("data");
                    case "result an object" -> ((ObjectNode) root.get("data")).set("result", F.objectNode());
                    case "status error" -> root.put("status", "error").put("errorType", "bad_data").put("error", "\u001b[31mno");
                    default -> ((ObjectNode) root.get("data")).put("resultType", "vector");
                }
                return new Mutated(JSON.writeValueAsBytes(root), t);
            }
            default: {
                int copies = 2 + rnd.nextInt(3);
                ArrayNode more = result.deepCopy();
                for (int j = 1; j < copies; j++) {
                    result.addAll(more.deepCopy());
                }
                return new Mutated(JSON.writeValueAsBytes(root), "every series " + copies + " times");
            }
        }
    }

    static String clip(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
