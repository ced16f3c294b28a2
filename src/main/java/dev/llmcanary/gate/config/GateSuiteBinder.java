package dev.llmcanary.gate.config;

import dev.llmcanary.config.CommonFields;
import dev.llmcanary.config.Fields;
import dev.llmcanary.config.Values;
import dev.llmcanary.config.YamlNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Binds {@code gates.yaml} ({@code gates: {name: {...}}}) to {@link GateSuite} values, checking that every canary
 * and pool a suite names is configured.
 */
public final class GateSuiteBinder {

    private static final Pattern NAME = CommonFields.NAME;

    static final int DEFAULT_REPETITIONS = 20;
    static final int DEFAULT_CONCURRENCY = 2;
    static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(5);
    static final int DEFAULT_MIN_SAMPLES = 10;

    private static final List<String> SUITE_KEYS = List.of("description", "canaries", "pools", "repetitions",
            "concurrency", "deadline", "inconclusive", "absolute", "comparative");
    private static final List<String> ABSOLUTE_KEYS = List.of("p95_ttft_within_class", "max_stalls",
            "max_out_of_order", "min_guardrail_pass_rate", "max_error_rate", "min_samples");
    private static final List<String> COMPARATIVE_KEYS = List.of("metric", "tolerance", "alpha");

    private final Set<String> canaries;
    private final Set<String> pools;
    private final boolean poolsComplete;

    /**
     * @param canaries      ids of the canaries that loaded
     * @param pools         names of the pools defined
     * @param poolsComplete false when pools.yaml could not be read (pool references are then not checked)
     */
    public GateSuiteBinder(Set<String> canaries, Set<String> pools, boolean poolsComplete) {
        this.canaries = canaries;
        this.pools = pools;
        this.poolsComplete = poolsComplete;
    }

    public Map<String, GateSuite> bind(YamlNode root, Values values) {
        Map<String, GateSuite> suites = new LinkedHashMap<>();
        YamlNode.Mapping top = values.mapping(root, "");
        if (top == null) {
            return suites;
        }
        Fields file = new Fields(values, top, "", List.of("gates"));
        YamlNode node = file.required("gates");
        YamlNode.Mapping all = node == null ? null : values.mapping(node, "gates");
        if (all == null) {
            return suites;
        }
        for (YamlNode.Entry e : all.entries().values()) {
            String path = Fields.child("gates", e.key());
            if (!NAME.matcher(e.key()).matches()) {
                values.problems().at(e, path, "\"" + e.key() + "\" is not a valid name (" + NAME.pattern() + ")");
                continue;
            }
            YamlNode.Mapping m = values.mapping(e.value(), path);
            if (m != null) {
                GateSuite s = bindSuite(e.key(), new Fields(values, m, path, SUITE_KEYS));
                if (s != null) {
                    suites.put(e.key(), s);
                }
            }
        }
        return suites;
    }

    private GateSuite bindSuite(String name, Fields f) {
        int before = f.values().problems().count();
        String description = f.string("description");
        List<String> canaryIds = f.has("canaries") ? f.stringOrList("canaries") : null;
        if (!f.has("canaries")) {
            f.required("canaries");
        } else if (canaryIds != null) {
            if (canaryIds.isEmpty()) {
                f.error("canaries", "must name at least one canary");
            }
            for (String id : canaryIds) {
                if (!canaries.contains(id)) {
                    f.error("canaries", "unknown canary \"" + id + "\"");
                }
            }
        }
        List<String> poolNames = f.has("pools") ? f.stringOrList("pools") : List.of();
        if (poolNames != null && poolsComplete) {
            for (String p : poolNames) {
                if (!pools.contains(p)) {
                    f.error("pools", "unknown pool \"" + p + "\"");
                }
            }
        }
        Long repetitions = atLeastOne(f, "repetitions");
        Long concurrency = atLeastOne(f, "concurrency");
        Duration deadline = f.duration("deadline");
        if (deadline != null && (deadline.isZero() || deadline.isNegative())) {
            f.error("deadline", "must be greater than 0");
        }
        InconclusivePolicy policy = InconclusivePolicy.FAIL;
        String inconclusive = f.string("inconclusive");
        if (inconclusive != null) {
            try {
                policy = InconclusivePolicy.valueOf(inconclusive.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                f.error("inconclusive", "must be fail or pass, got \"" + inconclusive + "\"");
            }
        }
        AbsoluteCriteria absolute = absolute(f);
        List<ComparativeCriterion> comparative = comparative(f);
        if (f.values().problems().count() > before) {
            return null;
        }
        return new GateSuite(name, description, canaryIds, poolNames,
                repetitions == null ? DEFAULT_REPETITIONS : repetitions.intValue(),
                concurrency == null ? DEFAULT_CONCURRENCY : concurrency.intValue(), absolute, comparative, policy,
                deadline == null ? DEFAULT_DEADLINE : deadline, f.values().problems().file());
    }

    private static Long atLeastOne(Fields f, String key) {
        Long v = f.integer(key);
        if (v != null && (v < 1 || v > 100_000)) {
            f.error(key, "must be between 1 and 100000, got " + v);
            return null;
        }
        return v;
    }

    private static AbsoluteCriteria absolute(Fields suite) {
        YamlNode.Mapping m = suite.mapping("absolute");
        if (m == null) {
            return new AbsoluteCriteria(true, 0, 0, 1.0, 0.0, DEFAULT_MIN_SAMPLES);
        }
        Fields f = new Fields(suite.values(), m, suite.path("absolute"), ABSOLUTE_KEYS);
        Boolean p95 = f.bool("p95_ttft_within_class");
        Long stalls = count(f, "max_stalls");
        Long reorder = count(f, "max_out_of_order");
        Double guard = f.number("min_guardrail_pass_rate", d -> d >= 0 && d <= 1, "between 0 and 1");
        Double errors = f.number("max_error_rate", d -> d >= 0 && d <= 1, "between 0 and 1");
        Long min = f.integer("min_samples");
        if (min != null && min < 1) {
            f.error("min_samples", "must be at least 1, got " + min);
        }
        return new AbsoluteCriteria(p95 == null || p95, f.has("max_stalls") ? toInt(stalls) : Integer.valueOf(0),
                f.has("max_out_of_order") ? toInt(reorder) : Integer.valueOf(0),
                f.has("min_guardrail_pass_rate") ? guard : Double.valueOf(1.0),
                f.has("max_error_rate") ? errors : Double.valueOf(0.0),
                min == null ? DEFAULT_MIN_SAMPLES : min.intValue());
    }

    private static Long count(Fields f, String key) {
        Long v = f.integer(key);
        if (v != null && v < 0) {
            f.error(key, "must be 0 or more, got " + v);
        }
        return v;
    }

    private static Integer toInt(Long v) {
        return v == null ? null : v.intValue();
    }

    private static List<ComparativeCriterion> comparative(Fields suite) {
        YamlNode.Sequence seq = suite.sequence("comparative");
        List<ComparativeCriterion> out = new ArrayList<>();
        if (seq == null) {
            return out;
        }
        String metrics = Arrays.stream(GateMetric.values()).map(GateMetric::label).collect(Collectors.joining(", "));
        for (int i = 0; i < seq.items().size(); i++) {
            String path = Fields.index(suite.path("comparative"), i);
            YamlNode.Mapping m = suite.values().mapping(seq.items().get(i), path);
            if (m == null) {
                continue;
            }
            Fields f = new Fields(suite.values(), m, path, COMPARATIVE_KEYS);
            String label = f.requiredString("metric");
            GateMetric metric = label == null ? null : GateMetric.parse(label).orElse(null);
            if (label != null && metric == null) {
                f.error("metric", "unknown metric \"" + label + "\"; one of: " + metrics);
            }
            Double tolerance = f.number("tolerance", d -> d >= 0 && d < 1, "at least 0 and below 1");
            if (!f.has("tolerance")) {
                f.required("tolerance");
            }
            Double alpha = f.number("alpha", d -> d > 0 && d < 0.5, "between 0 and 0.5 (exclusive)");
            if (metric != null && tolerance != null) {
                out.add(new ComparativeCriterion(metric, tolerance,
                        alpha == null ? ComparativeCriterion.DEFAULT_ALPHA : alpha));
            }
        }
        return out;
    }
}
