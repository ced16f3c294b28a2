package dev.llmcanary.canary.config;

import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.stream.BufferedDelivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Binds {@code slo-classes.yaml} ({@code slo_classes: {name: {...}}}) to {@link SloClass} values. */
final class SloClassBinder {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    static final double DEFAULT_STALL_SECONDS = 5;
    static final double DEFAULT_STALL_ABORT_SECONDS = 30;
    static final double DEFAULT_TIMEOUT_SECONDS = 120;
    static final double DEFAULT_OBJECTIVE = 0.99;
    static final double DEFAULT_LATENCY_PERCENTILE = 0.95;

    private static final List<String> CLASS_KEYS = List.of("description", "ttft_seconds", "e2e_seconds",
            "min_output_tokens_per_second", "stall_seconds", "stall_abort_seconds", "timeout_seconds", "objective",
            "latency_percentile", "headers_timeout_seconds", "first_token_timeout_seconds", "buffered_delivery");
    private static final List<String> BUFFERED_KEYS = List.of("enabled", "min_chunks", "max_chunks_per_burst");

    /**
     * What was bound: the valid classes, and the names of every class defined (valid or not). {@code complete} is
     * false when the file could not be read or parsed, so references to classes cannot be checked.
     */
    record Bound(Map<String, SloClass> classes, Set<String> names, boolean complete) {
        static Bound unreadable() {
            return new Bound(Map.of(), Set.of(), false);
        }
    }

    Bound bind(YamlNode root, Values values) {
        Map<String, SloClass> classes = new LinkedHashMap<>();
        Set<String> names = new java.util.LinkedHashSet<>();
        YamlNode.Mapping top = values.mapping(root, "");
        if (top == null) {
            return new Bound(classes, names, true);
        }
        Fields file = new Fields(values, top, "", List.of("slo_classes"));
        YamlNode node = file.required("slo_classes");
        YamlNode.Mapping all = node == null ? null : values.mapping(node, "slo_classes");
        if (all == null) {
            return new Bound(classes, names, true);
        }
        for (YamlNode.Entry e : all.entries().values()) {
            String path = Fields.child("slo_classes", e.key());
            names.add(e.key());
            if (!NAME.matcher(e.key()).matches()) {
                values.problems().at(e, path, "\"" + e.key() + "\" is not a valid name (" + NAME.pattern() + ")");
                continue;
            }
            YamlNode.Mapping m = values.mapping(e.value(), path);
            if (m != null) {
                SloClass slo = bindClass(e.key(), new Fields(values, m, path, CLASS_KEYS));
                if (slo != null) {
                    classes.put(e.key(), slo);
                }
            }
        }
        return new Bound(classes, names, true);
    }

    private static SloClass bindClass(String name, Fields f) {
        int before = errorCount(f);
        f.string("description");
        Double ttft = f.positive("ttft_seconds");
        Double e2e = f.positive("e2e_seconds");
        Double minTps = f.positive("min_output_tokens_per_second");
        Double stall = f.positive("stall_seconds");
        Double stallAbort = f.positive("stall_abort_seconds");
        Double timeout = f.positive("timeout_seconds");
        Double objective = f.number("objective", d -> d > 0 && d < 1, "between 0 and 1 (exclusive)");
        Double percentile = f.number("latency_percentile", d -> d > 0 && d < 1, "between 0 and 1 (exclusive)");
        Double headersTimeout = f.positive("headers_timeout_seconds");
        Double firstTokenTimeout = f.positive("first_token_timeout_seconds");
        BufferedDelivery buffered = bufferedDelivery(f);
        double total = timeout == null ? DEFAULT_TIMEOUT_SECONDS : timeout;
        // The phases are nested (headers before the first token before the end), so their limits must be too.
        if (firstTokenTimeout != null && firstTokenTimeout > total) {
            f.error("first_token_timeout_seconds", "first_token_timeout_seconds (" + Fields.plain(firstTokenTimeout)
                    + ") must not exceed timeout_seconds (" + Fields.plain(total) + ")");
        }
        if (headersTimeout != null) {
            double outer = firstTokenTimeout != null ? firstTokenTimeout : total;
            String outerName = firstTokenTimeout != null ? "first_token_timeout_seconds" : "timeout_seconds";
            if (headersTimeout > outer) {
                f.error("headers_timeout_seconds", "headers_timeout_seconds (" + Fields.plain(headersTimeout)
                        + ") must not exceed " + outerName + " (" + Fields.plain(outer) + ")");
            }
        }
        double stallValue = stall == null ? DEFAULT_STALL_SECONDS : stall;
        double abortValue = stallAbort == null ? DEFAULT_STALL_ABORT_SECONDS : stallAbort;
        boolean bothValid = (stall != null || !f.has("stall_seconds"))
                && (stallAbort != null || !f.has("stall_abort_seconds"));
        if (bothValid) {
            Thresholds.stallOrderProblem(stallValue, abortValue).ifPresent(problem ->
                    f.error(f.has("stall_abort_seconds") ? "stall_abort_seconds" : "stall_seconds", problem));
        }
        if (errorCount(f) > before) {
            return null;
        }
        Thresholds t = new Thresholds(ttft, e2e, minTps, stallValue, abortValue, total, headersTimeout,
                firstTokenTimeout);
        return new SloClass(name, t, objective == null ? DEFAULT_OBJECTIVE : objective,
                percentile == null ? DEFAULT_LATENCY_PERCENTILE : percentile, buffered);
    }

    /**
     * {@code buffered_delivery: {enabled, min_chunks, max_chunks_per_burst}}: on with the defaults when absent;
     * {@code null} (not judged) when {@code enabled: false} or invalid (the error is reported).
     */
    private static BufferedDelivery bufferedDelivery(Fields f) {
        YamlNode.Mapping m = f.mapping("buffered_delivery");
        if (m == null) {
            return f.has("buffered_delivery") ? null : BufferedDelivery.DEFAULT;
        }
        Fields b = new Fields(f.values(), m, f.path("buffered_delivery"), BUFFERED_KEYS);
        Boolean enabled = b.bool("enabled");
        Long minChunks = wholeAtLeast(b, "min_chunks", 2);
        Long perBurst = wholeAtLeast(b, "max_chunks_per_burst", 1);
        if (Boolean.FALSE.equals(enabled)) {
            return null;
        }
        BufferedDelivery d = BufferedDelivery.DEFAULT;
        return new BufferedDelivery(minChunks == null ? d.minChunks() : minChunks.intValue(),
                perBurst == null ? d.maxChunksPerBurst() : perBurst.intValue());
    }

    private static Long wholeAtLeast(Fields f, String key, int min) {
        Long v = f.integer(key);
        if (v != null && (v < min || v > 1_000_000)) {
            f.error(key, "must be between " + min + " and 1000000, got " + v);
            return null;
        }
        return v;
    }

    private static int errorCount(Fields f) {
        return f.values().problems().count();
    }
}
