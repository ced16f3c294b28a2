package dev.llmcanary.canary.config;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Message;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.ThresholdOverrides;
import dev.llmcanary.consistency.Consistency;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.config.CommonFields;
import dev.llmcanary.config.Durations;
import dev.llmcanary.config.Fields;
import dev.llmcanary.config.Values;
import dev.llmcanary.config.YamlNode;
import dev.llmcanary.guardrail.Guardrail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds one canary file (a single canary mapping, a top-level list, or {@code canaries: [...]}) to
 * {@link CanaryDefinition} values, checking references to SLO classes and pools defined in the other files.
 */
public final class CanaryBinder {

    static final int DEFAULT_MAX_TOKENS = 64;
    static final int MAX_MAX_TOKENS = 32768;
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    private static final List<String> CANARY_KEYS = List.of("id", "description", "models", "pools", "slo_class",
            "api", "messages", "prompt", "max_tokens", "temperature", "top_p", "seed", "stop", "ignore_eos",
            "interval", "headers", "thresholds", "guardrails", "enabled", "priority", "consistency", "golden");
    private static final List<String> MESSAGE_KEYS = List.of("role", "content");
    private static final List<String> ROLES = List.of("system", "user", "assistant");
    private static final List<String> THRESHOLD_KEYS = List.of("ttft_seconds", "e2e_seconds",
            "min_output_tokens_per_second", "stall_seconds", "stall_abort_seconds", "timeout_seconds");

    /** A bound canary and where its id is written (for the duplicate-id message). */
    public record Bound(CanaryDefinition canary, int line, int column, String field) {
    }

    private final SloClassBinder.Bound sloClasses;
    private final PoolBinder.Bound pools;
    private final GuardrailSpecs guardrails;

    public CanaryBinder(SloClassBinder.Bound sloClasses, PoolBinder.Bound pools, GuardrailSpecs guardrails) {
        this.sloClasses = sloClasses;
        this.pools = pools;
        this.guardrails = guardrails;
    }

    /** Every canary of the file that bound without errors. */
    public List<Bound> bind(YamlNode root, Values values) {
        List<Bound> out = new ArrayList<>();
        if (root instanceof YamlNode.Mapping m && m.entries().containsKey("canaries")) {
            new Fields(values, m, "", List.of("canaries"));
            YamlNode.Sequence seq = values.sequence(m.entries().get("canaries").value(), "canaries");
            if (seq != null) {
                bindAll(seq, "canaries", values, out);
            }
        } else if (root instanceof YamlNode.Sequence seq) {
            bindAll(seq, "", values, out);
        } else if (root instanceof YamlNode.Mapping m) {
            bindOne(m, "", values, out);
        } else {
            values.error(root, "", "expected a canary mapping, a list of canaries or 'canaries: [...]', got "
                    + root.describe());
        }
        return out;
    }

    private void bindAll(YamlNode.Sequence seq, String path, Values values, List<Bound> out) {
        for (int i = 0; i < seq.items().size(); i++) {
            String itemPath = Fields.index(path, i);
            YamlNode.Mapping m = values.mapping(seq.items().get(i), itemPath);
            if (m != null) {
                bindOne(m, itemPath, values, out);
            }
        }
    }

    private void bindOne(YamlNode.Mapping m, String path, Values values, List<Bound> out) {
        int before = values.problems().count();
        Fields f = new Fields(values, m, path, CANARY_KEYS);
        String id = f.matching("id", true, CommonFields.NAME, "a valid id");
        String description = f.string("description");
        List<String> models = selection(f, "models");
        List<String> pools = selection(f, "pools");
        checkPools(f, pools);
        String sloName = f.requiredString("slo_class");
        SloClass slo = sloClass(f, sloName);
        Api api = PoolBinder.choice(f, "api", Api.class, Api.CHAT);
        List<Message> messages = messages(f, api);
        String prompt = prompt(f, api);
        Long maxTokens = f.integer("max_tokens");
        if (maxTokens != null && (maxTokens < 1 || maxTokens > MAX_MAX_TOKENS)) {
            f.error("max_tokens", "must be between 1 and " + MAX_MAX_TOKENS + ", got " + maxTokens);
        }
        Double temperature = f.number("temperature", d -> d >= 0 && d <= 2, "between 0 and 2");
        // 0 would keep no token at all; servers reject it (vLLM, TGI) or clamp it, never what was meant
        Double topP = f.number("top_p", d -> d > 0 && d <= 1, "greater than 0 and at most 1");
        Long seed = f.integer("seed");
        List<String> stop = f.stringOrList("stop");
        Boolean ignoreEos = f.bool("ignore_eos");
        Duration interval = f.duration("interval");
        if (interval != null && interval.compareTo(MIN_INTERVAL) < 0) {
            f.error("interval", "must be at least 1s, got " + Durations.format(interval));
        }
        Map<String, String> headers = f.stringMap("headers", HEADER_NAME, "a valid header name");
        ThresholdOverrides overrides = thresholds(f, slo);
        List<Guardrail> built = guardrails.build(f);
        Boolean enabled = f.bool("enabled");
        CanaryDefinition.Priority priority = PoolBinder.choice(f, "priority", CanaryDefinition.Priority.class,
                CanaryDefinition.Priority.NORMAL);
        List<dev.llmcanary.canary.Pool> selected = this.pools.pools().stream()
                .filter(p -> pools.contains("*") || pools.contains(p.name())).toList();
        Consistency consistency = ConsistencyBinder.bind(f, temperature, seed,
                interval == null ? DEFAULT_INTERVAL : interval, api, selected);
        dev.llmcanary.consistency.Golden golden = ConsistencyBinder.bindGolden(f, temperature, seed, api, selected);
        if (values.problems().count() > before) {
            return;
        }
        CanaryDefinition canary = new CanaryDefinition(id, description, models, pools, sloName, api, messages,
                prompt, maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens.intValue(), temperature, seed,
                stop == null ? List.of() : stop, ignoreEos, interval == null ? DEFAULT_INTERVAL : interval,
                headers == null ? Map.of() : headers, overrides, built, enabled == null || enabled,
                values.problems().file(), priority, topP, consistency, golden);
        YamlNode idNode = f.node("id");
        out.add(new Bound(canary, idNode.line(), idNode.column(), f.path("id")));
    }

    /** A list of names or {@code "*"}; absent means {@code *}. */
    private static List<String> selection(Fields f, String key) {
        List<String> names = f.stringOrList(key);
        if (names == null) {
            return List.of("*");
        }
        if (names.isEmpty()) {
            f.error(key, "must not be empty (use \"*\" for all)");
        }
        return names;
    }

    private void checkPools(Fields f, List<String> selected) {
        if (!pools.complete()) {
            return; // pools.yaml is unreadable and already reported; every name would look unknown
        }
        Set<String> poolNames = pools.names();
        if (!(f.node("pools") instanceof YamlNode.Sequence seq)) {
            if (selected.size() == 1 && !selected.contains("*") && !poolNames.contains(selected.get(0))) {
                f.error("pools", unknownPool(selected.get(0)));
            }
            return;
        }
        for (int i = 0; i < selected.size(); i++) {
            String name = selected.get(i);
            if (!name.equals("*") && !poolNames.contains(name)) {
                f.values().error(seq.items().get(i), Fields.index(f.path("pools"), i), unknownPool(name));
            }
        }
    }

    private String unknownPool(String name) {
        return "unknown pool \"" + name + "\"; defined: " + String.join(", ", pools.names());
    }

    private SloClass sloClass(Fields f, String name) {
        if (name == null) {
            return null;
        }
        SloClass slo = sloClasses.classes().get(name);
        // A class that exists but failed validation is already reported in slo-classes.yaml.
        if (slo == null && sloClasses.complete() && !sloClasses.names().contains(name)) {
            f.error("slo_class", "unknown slo class \"" + name + "\"; defined: "
                    + String.join(", ", sloClasses.names()));
        }
        return slo;
    }

    private static List<Message> messages(Fields f, Api api) {
        if (api == null) {
            return List.of();
        }
        if (api != Api.CHAT) {
            if (f.has("messages")) {
                f.error("messages", "only for api chat; api completion takes 'prompt'");
            }
            return List.of();
        }
        if (f.has("prompt") && f.has("messages")) {
            f.error("prompt", "give either 'messages' or 'prompt', not both (api chat takes 'messages')");
            return List.of();
        }
        YamlNode node = f.node("messages");
        if (node == null) {
            f.values().error(f.mapping(), f.path("messages"), f.has("prompt")
                    ? "api chat takes 'messages', not 'prompt' (or set api: completion)"
                    : "required field is missing (api chat needs at least one message)");
            return List.of();
        }
        YamlNode.Sequence seq = f.values().sequence(node, f.path("messages"));
        if (seq == null) {
            return List.of();
        }
        if (seq.items().isEmpty()) {
            f.error("messages", "must list at least one message");
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            String path = Fields.index(f.path("messages"), i);
            YamlNode.Mapping m = f.values().mapping(seq.items().get(i), path);
            if (m == null) {
                continue;
            }
            Fields mf = new Fields(f.values(), m, path, MESSAGE_KEYS);
            String role = mf.requiredString("role");
            if (role != null && !ROLES.contains(role)) {
                mf.error("role", "unknown role \"" + role + "\"; valid: " + String.join(", ", ROLES));
            }
            String content = mf.requiredString("content");
            out.add(new Message(role, content));
        }
        return out;
    }

    private static String prompt(Fields f, Api api) {
        if (api != Api.COMPLETION) {
            return null;
        }
        if (f.has("messages")) {
            return null; // reported by messages()
        }
        return f.requiredString("prompt");
    }

    private static ThresholdOverrides thresholds(Fields f, SloClass slo) {
        YamlNode.Mapping m = f.mapping("thresholds");
        if (m == null) {
            return ThresholdOverrides.none();
        }
        Fields t = new Fields(f.values(), m, f.path("thresholds"), THRESHOLD_KEYS);
        ThresholdOverrides o = new ThresholdOverrides(t.positive("ttft_seconds"), t.positive("e2e_seconds"),
                t.positive("min_output_tokens_per_second"), t.positive("stall_seconds"),
                t.positive("stall_abort_seconds"), t.positive("timeout_seconds"));
        if (slo == null) {
            return o;
        }
        Thresholds c = slo.thresholds();
        String cls = slo.name();
        ceiling(t, cls, "ttft_seconds", c.ttftSeconds(), o.ttftSeconds());
        ceiling(t, cls, "e2e_seconds", c.e2eSeconds(), o.e2eSeconds());
        ceiling(t, cls, "stall_seconds", c.stallSeconds(), o.stallSeconds());
        ceiling(t, cls, "stall_abort_seconds", c.stallAbortSeconds(), o.stallAbortSeconds());
        ceiling(t, cls, "timeout_seconds", c.timeoutSeconds(), o.timeoutSeconds());
        Double floor = c.minOutputTokensPerSecond();
        Double set = o.minOutputTokensPerSecond();
        if (floor != null && set != null && set < floor) {
            t.error("min_output_tokens_per_second", loosened(cls, "min_output_tokens_per_second", floor, set));
        }
        Thresholds effective = c.tightenedBy(o);
        if (o.stallSeconds() != null || o.stallAbortSeconds() != null) {
            effective.stallOrderProblem().ifPresent(problem ->
                    t.error(o.stallAbortSeconds() != null ? "stall_abort_seconds" : "stall_seconds", problem));
        }
        return o;
    }

    private static void ceiling(Fields t, String cls, String key, Double classValue, Double set) {
        if (classValue != null && set != null && set > classValue) {
            t.error(key, loosened(cls, key, classValue, set));
        }
    }

    private static String loosened(String cls, String key, double classValue, double set) {
        return "may only tighten the slo class: \"" + cls + "\" sets " + key + " " + Fields.plain(classValue)
                + ", this sets " + Fields.plain(set);
    }
}
