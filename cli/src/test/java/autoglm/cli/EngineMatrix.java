package autoglm.cli;

import autoglm.analyse.load.EngineEvidence;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accuracy matrix's scenarios (the traffic that meets each emulator scenario), engines and expectations: the
 * first finding is the scenario's cause, unless {@link EngineEvidence} (the matrix docs/rules.md prints) says the
 * cause's rule cannot decide on that engine, in which case the rule must be not applicable with that reason.
 */
final class EngineMatrix {
    static final List<String> ENGINES = List.of("vllm", "vllm-dp2", "vllm-0.8", "sglang", "tgi", "llamacpp", "ollama");

    /**
     * What every emulator runs with: a model that answers in at most 48 tokens (the agent's requests ask for up to
     * 3,000, as Open-AutoGLM does; a real model stops at its end-of-sequence token well before), 8 ms a decode step
     * (so that a load spans several of the 500 ms scrapes).
     */
    static final List<String> EMULATOR = List.of("--max-output", "48", "--decode-ms", "8");

    /**
     * Engine/scenario -> emulator options beyond the scenario's: vLLM with two data-parallel engines splits the
     * four sessions between them, so each engine's cache is made as tight for its two as the scenario's for four.
     */
    static final Map<String, List<String>> EMULATOR_FOR = Map.of("vllm-dp2/kv-pressure", List.of("--kv-tokens",
            "1024"));

    /** Scenario -> the load's traffic. */
    static final Map<String, List<String>> SCENARIOS = new LinkedHashMap<>();
    /** Scenario -> the rules that name its cause (the first finding must be one of them). */
    static final Map<String, String> CAUSE = new LinkedHashMap<>();
    static final Map<String, List<String>> CAUSES = new LinkedHashMap<>();
    /**
     * Scenario -> the symptoms that may be reported first where the cause's rule cannot decide: requests waiting
     * for KV room queue, and without prefix caching (or word of it) TTFT grows with the history.
     */
    static final Map<String, List<String>> SYMPTOMS = Map.of("kv-pressure", List.of("queueing", "multi-turn-growth"),
            "prefix-miss", List.of("multi-turn-growth"));

    static {
        List<String> agent = List.of("--workload", "agent", "--think-time", "10ms-30ms");
        scenario("healthy", null, List.of(), "--workload", "synthetic", "--profile", "concurrent:4", "--requests",
                "16", "--input-len", "200", "--output-len", "16");
        scenario("queueing", "queueing", List.of(), "--workload", "synthetic", "--profile", "concurrent:4",
                "--requests", "24", "--input-len", "100", "--output-len", "16");
        scenario("kv-pressure", "kv-cache-pressure", List.of("preemption"), cat(agent, "--sessions", "4", "--steps",
                "3", "--image", "280x560"));
        scenario("prefix-miss", "prefix-cache-miss", List.of(), cat(agent, "--sessions", "2", "--steps", "5",
                "--image", "56x112"));
        scenario("long-context", "long-context", List.of(), "--workload", "synthetic", "--profile", "sync",
                "--requests", "12", "--input-len", "8500", "--input-spread", "0.88", "--output-len", "4");
        scenario("prefill-interference", "prefill-interference", List.of("prefill-stalls-decode"), "--workload",
                "synthetic", "--profile", "constant:5", "--requests", "32", "--input-len", "1500", "--input-spread",
                "0.5", "--output-len", "48");
        scenario("image-heavy", "image-heavy", List.of(), cat(agent, "--sessions", "2", "--steps", "3", "--image",
                "1080x2400"));
    }

    private static List<String> cat(List<String> a, String... b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(List.of(b));
        return l;
    }

    private static void scenario(String name, String cause, List<String> alsoCauses, String... traffic) {
        scenario(name, cause, alsoCauses, List.of(traffic));
    }

    private static void scenario(String name, String cause, List<String> alsoCauses, List<String> traffic) {
        SCENARIOS.put(name, traffic);
        if (cause != null) {
            CAUSE.put(name, cause);
            List<String> all = new ArrayList<>(List.of(cause));
            all.addAll(alsoCauses);
            CAUSES.put(name, all);
        }
    }

    private EngineMatrix() {
    }

    static boolean problem(JsonNode f) {
        String s = f.get("severity").asText();
        return s.equals("warning") || s.equals("info");
    }

    /** The first finding reported (info or warning), or null when none. */
    static JsonNode firstFinding(JsonNode report) {
        for (JsonNode f : report.get("findings")) {
            if (problem(f)) {
                return f;
            }
        }
        return null;
    }

    static JsonNode finding(JsonNode report, String rule) {
        for (JsonNode f : report.get("findings")) {
            if (f.get("rule").asText().equals(rule)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Where the server says nothing (Ollama), queueing decides from the TTFT under load above an unloaded baseline and
     * says that it is waiting or interference: first, it names the prefill-interference scenario's cause too.
     */
    static boolean saidAsSuch(JsonNode report, JsonNode first, String scenario) {
        return scenario.equals("prefill-interference") && first.get("rule").asText().equals("queueing")
                && report.get("metrics").path("queue_basis").path("text").asText().startsWith("baseline-excess");
    }

    /** What is wrong with a cell, as lines (empty when right). */
    static List<String> check(AccuracyMatrixTest.Cell c) {
        List<String> wrong = new ArrayList<>();
        String where = c.engine() + "/" + c.scenario() + ": ";
        // every cell of the rules-by-engine matrix that says "cannot" holds on this engine in every scenario
        for (String rule : EngineEvidence.cells().keySet()) {
            String why = EngineEvidence.cannotDecide(rule, c.engine());
            JsonNode f = finding(c.report(), rule);
            if (why != null && f != null && !"not-applicable".equals(f.get("severity").asText())) {
                wrong.add(where + "the matrix says " + rule + " cannot decide here (" + why + "), but it was "
                        + f.get("severity").asText());
            }
        }
        JsonNode first = firstFinding(c.report());
        List<String> causes = CAUSES.get(c.scenario());
        if (causes == null) {
            if (first != null) {
                wrong.add(where + "the healthy control reported " + first.get("rule").asText() + " ("
                        + first.get("severity").asText() + "): " + first.path("summary").asText());
            }
            return wrong;
        }
        String cause = CAUSE.get(c.scenario());
        String cannot = EngineEvidence.cannotDecide(cause, c.engine());
        JsonNode f = finding(c.report(), cause);
        if (cannot == null) {
            if (first == null || !causes.contains(first.get("rule").asText()) && !saidAsSuch(c.report(), first,
                    c.scenario())) {
                wrong.add(where + "first finding " + (first == null ? "none" : first.get("rule").asText()) + ", not "
                        + causes + (f == null ? "" : "; " + cause + ": " + f.get("severity").asText() + " "
                        + f.path("reason").asText()));
            }
        } else if (f == null || !"not-applicable".equals(f.get("severity").asText())) {
            wrong.add(where + "the matrix says " + cause + " cannot decide here (" + cannot + "), but it was "
                    + (f == null ? "absent" : f.get("severity").asText()));
        } else if (first != null && !causes.contains(first.get("rule").asText())
                && !SYMPTOMS.getOrDefault(c.scenario(), List.of()).contains(first.get("rule").asText())) {
            wrong.add(where + cause + " cannot decide here, and " + first.get("rule").asText()
                    + " was reported first instead: " + first.path("summary").asText());
        }
        return wrong;
    }
}
