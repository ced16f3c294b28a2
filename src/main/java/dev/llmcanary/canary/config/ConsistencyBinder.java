package dev.llmcanary.canary.config;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.config.Durations;
import dev.llmcanary.config.Fields;
import dev.llmcanary.config.YamlNode;
import dev.llmcanary.consistency.Consistency;
import dev.llmcanary.consistency.Golden;
import dev.llmcanary.stream.Flavor;

import java.time.Duration;
import java.util.List;

/**
 * Binds a canary's {@code consistency: {mode, prefix_tokens, min_similarity, window}} and {@code golden:} and refuses
 * them without deterministic sampling: servers that sample answer differently by design, so comparing answers would
 * only cry wolf.
 */
final class ConsistencyBinder {

    static final int MAX_PREFIX_TOKENS = 1024;
    private static final List<String> KEYS = List.of("mode", "prefix_tokens", "min_similarity", "window");
    private static final List<String> GOLDEN_KEYS = List.of("sha256", "text", "mode", "prefix_tokens",
            "min_similarity");
    private static final java.util.regex.Pattern SHA256 = java.util.regex.Pattern.compile(
            "[0-9a-fA-F]{16}|[0-9a-fA-F]{64}");

    private ConsistencyBinder() {
    }

    /**
     * The check, {@code null} when the canary declares none or after reporting its problems.
     *
     * @param pools the pools the canary runs on (for which of them take a seed)
     */
    static Consistency bind(Fields f, Double temperature, Long seed, Duration interval, Api api, List<Pool> pools) {
        if (!f.has("consistency")) {
            return null;
        }
        deterministic(f, "consistency", temperature, seed, api, pools);
        YamlNode.Mapping m = f.mapping("consistency");
        if (m == null) {
            return null;
        }
        int before = f.values().problems().count();
        Fields c = new Fields(f.values(), m, f.path("consistency"), KEYS);
        Consistency.Mode mode = PoolBinder.choice(c, "mode", Consistency.Mode.class, Consistency.Mode.PREFIX);
        Long prefix = c.integer("prefix_tokens");
        if (prefix != null && mode != null && mode != Consistency.Mode.PREFIX) {
            c.error("prefix_tokens", "only for mode prefix");
        } else if (prefix != null && (prefix < 1 || prefix > MAX_PREFIX_TOKENS)) {
            c.error("prefix_tokens", "must be between 1 and " + MAX_PREFIX_TOKENS + ", got " + prefix);
        }
        Double similarity = c.number("min_similarity", d -> d > 0 && d <= 1, "greater than 0 and at most 1");
        if (similarity != null && mode != null && mode != Consistency.Mode.SIMILARITY) {
            c.error("min_similarity", "only for mode similarity");
        }
        Duration window = c.duration("window");
        if (window != null && interval != null && window.compareTo(interval) < 0) {
            // shorter than the interval, every endpoint's answer would expire before the others' next run
            c.error("window", "must be at least the canary's interval (" + Durations.format(interval) + "), got "
                    + Durations.format(window));
        }
        if (f.values().problems().count() > before) {
            return null;
        }
        return new Consistency(mode == null ? Consistency.Mode.PREFIX : mode,
                prefix == null ? Consistency.DEFAULT_PREFIX_TOKENS : prefix.intValue(),
                similarity == null ? Consistency.DEFAULT_MIN_SIMILARITY : similarity, window);
    }

    /**
     * A canary's {@code golden: {sha256 | text, mode, prefix_tokens, min_similarity}}: exactly one of the hash (16 or
     * 64 hex digits; exact mode only) and the text; {@code null} when absent or after reporting its problems.
     */
    static Golden bindGolden(Fields f, Double temperature, Long seed, Api api, List<Pool> pools) {
        if (!f.has("golden")) {
            return null;
        }
        if (!f.has("consistency")) {
            deterministic(f, "golden", temperature, seed, api, pools); // reported once when both are declared
        }
        YamlNode.Mapping m = f.mapping("golden");
        if (m == null) {
            return null;
        }
        int before = f.values().problems().count();
        Fields g = new Fields(f.values(), m, f.path("golden"), GOLDEN_KEYS);
        String sha = g.matching("sha256", false, SHA256, "a SHA-256 in hex (16 or 64 digits)");
        String text = g.string("text");
        if (sha == null && text == null && !g.has("sha256")) {
            f.values().error(m, f.path("golden"), "give the golden answer as sha256 or text");
        } else if (g.has("sha256") && g.has("text")) {
            g.error("text", "give either sha256 or text, not both");
        }
        Consistency.Mode mode = PoolBinder.choice(g, "mode", Consistency.Mode.class,
                g.has("sha256") ? Consistency.Mode.EXACT : Consistency.Mode.PREFIX);
        if (g.has("sha256") && mode != null && mode != Consistency.Mode.EXACT) {
            g.error("mode", "a sha256 compares exactly; give the text for mode " + mode.name().toLowerCase(
                    java.util.Locale.ROOT));
        }
        Long prefix = g.integer("prefix_tokens");
        if (prefix != null && mode != null && mode != Consistency.Mode.PREFIX) {
            g.error("prefix_tokens", "only for mode prefix");
        } else if (prefix != null && (prefix < 1 || prefix > MAX_PREFIX_TOKENS)) {
            g.error("prefix_tokens", "must be between 1 and " + MAX_PREFIX_TOKENS + ", got " + prefix);
        }
        Double similarity = g.number("min_similarity", d -> d > 0 && d <= 1, "greater than 0 and at most 1");
        if (similarity != null && mode != null && mode != Consistency.Mode.SIMILARITY) {
            g.error("min_similarity", "only for mode similarity");
        }
        if (f.values().problems().count() > before) {
            return null;
        }
        return new Golden(sha, text, new Consistency(mode,
                prefix == null ? Consistency.DEFAULT_PREFIX_TOKENS : prefix.intValue(),
                similarity == null ? Consistency.DEFAULT_MIN_SIMILARITY : similarity, null));
    }

    /** Temperature 0, and a fixed seed when a pool it runs on takes one (TGI samples greedily without one). */
    private static void deterministic(Fields f, String key, Double temperature, Long seed, Api api,
                                      List<Pool> pools) {
        if (temperature == null) {
            f.error(key, "needs deterministic sampling: set temperature: 0 (the server's default"
                    + " temperature samples, so replicas would differ by design)");
        } else if (temperature != 0) {
            f.error("temperature", "must be 0 for a canary with " + key + " (sampling makes answers differ by"
                    + " design), got " + Fields.plain(temperature));
        }
        if (seed != null) {
            return;
        }
        for (Pool p : pools) {
            if (seeded(p.flavor()) && (api == Api.CHAT) == p.flavor().chat()) {
                f.error(key, "needs deterministic sampling: set a fixed seed (pool \"" + p.name()
                        + "\" is " + p.flavor().id() + ", which takes one)");
                return;
            }
        }
    }

    /** Whether the flavor's request takes a seed: TGI at temperature 0 decodes greedily and has none to fix. */
    private static boolean seeded(Flavor flavor) {
        return flavor != Flavor.TGI_GENERATE;
    }
}
