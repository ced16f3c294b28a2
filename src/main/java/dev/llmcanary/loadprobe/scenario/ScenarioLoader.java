package dev.llmcanary.loadprobe.scenario;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.config.CommonFields;
import dev.llmcanary.config.ConfigError;
import dev.llmcanary.config.Durations;
import dev.llmcanary.config.Fields;
import dev.llmcanary.config.Placeholders;
import dev.llmcanary.config.Problems;
import dev.llmcanary.config.Values;
import dev.llmcanary.config.YamlNode;
import dev.llmcanary.config.YamlTreeReader;
import dev.llmcanary.stream.Flavor;

import com.cronutils.model.Cron;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Loads and validates the load-probe scenarios ({@code scenarios/*.yaml}, one scenario per file) against a catalog,
 * with the same error shape as canaries: {@code file:line:column: field: message}, unknown keys rejected. It lives
 * here to share the located YAML reader and field binders with the canary loader.
 */
public final class ScenarioLoader {

    private static final List<String> KEYS = List.of("id", "description", "pool", "model", "api", "prompt_mix",
            "max_prompt_tokens", "prompts", "max_tokens", "arrival", "duration", "assertions", "off_peak", "abort",
            "regression");
    /** The smallest prompt cap that still leaves a prompt: the runner's smallest bucket starts at 16 tokens. */
    static final int MIN_PROMPT_TOKENS = 16;
    /** Explicit prompts: enough to vary the requests, few enough to keep the plan file small. */
    static final int MAX_PROMPTS = 100;
    private static final List<String> MAX_TOKENS_KEYS = List.of("min", "max");
    private static final List<String> ARRIVAL_KEYS = List.of("type", "rate", "from", "to", "step", "steps",
            "step_duration", "poisson");
    private static final List<String> ASSERTION_KEYS = List.of("ttft_p95", "ttft_p99", "e2e_p95", "max_error_percent",
            "min_output_tokens_per_second");
    private static final List<String> OFF_PEAK_KEYS = List.of("cron", "time_zone", "max_duration");
    private static final List<String> ABORT_KEYS = List.of("max_error_percent", "max_ttft", "min_requests");
    private static final List<String> REGRESSION_KEYS = List.of("ttft_p95_percent", "rate_percent",
            "tokens_per_second_percent", "error_percent_points", "knee_percent", "min_samples");

    private final Placeholders placeholders;
    private final YamlTreeReader reader = new YamlTreeReader();

    public ScenarioLoader(Function<String, Optional<String>> variables) {
        this.placeholders = new Placeholders(variables);
    }

    /**
     * The outcome of a load: the scenarios when all are valid, otherwise every error found. {@code disabled} holds
     * one located warning per scenario left out because its pool is not configured: a scenario written for other
     * pools (the shipped examples name the simulator's) does not fit this deployment, which is not an error in it.
     */
    public record Result(ScenarioSet scenarios, List<ConfigError> errors, List<ConfigError> disabled) {
        public Result {
            errors = List.copyOf(errors);
            disabled = List.copyOf(disabled);
        }

        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** A missing directory is no scenarios, not an error: load probes are optional. */
    public Result load(Path dir, Catalog catalog) {
        List<ConfigError> errors = new ArrayList<>();
        List<ConfigError> disabled = new ArrayList<>();
        List<Scenario> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Result(ScenarioSet.EMPTY, errors, disabled);
        }
        Map<String, String> firstSeen = new HashMap<>();
        for (Path file : files(dir, errors)) {
            String name = Problems.displayName(file, dir);
            Problems problems = new Problems(name, errors);
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.at(0, 0, "", "cannot read file: " + e.getClass().getSimpleName());
                continue;
            }
            Optional<YamlNode> root = reader.read(text, problems);
            if (root.isEmpty()) {
                continue;
            }
            Values values = new Values(problems, placeholders);
            int before = problems.count();
            List<ConfigError> unknownPool = new ArrayList<>();
            Scenario s = bind(root.get(), values, name, catalog, new Problems(name, unknownPool));
            disabled.addAll(unknownPool);
            if (s != null && problems.count() == before) {
                YamlNode idNode = ((YamlNode.Mapping) root.get()).entries().get("id").value();
                String here = name + ":" + idNode.line() + ":" + idNode.column();
                String first = firstSeen.putIfAbsent(s.id(), here);
                if (first != null) {
                    problems.at(idNode, "id", "duplicate scenario id \"" + s.id() + "\" (also defined at " + first + ")");
                } else {
                    out.add(s);
                }
            }
        }
        return errors.isEmpty() ? new Result(new ScenarioSet(out), errors, disabled)
                : new Result(null, errors, disabled);
    }

    private Scenario bind(YamlNode root, Values values, String source, Catalog catalog, Problems unknownPool) {
        YamlNode.Mapping top = values.mapping(root, "");
        if (top == null) {
            return null;
        }
        Fields f = new Fields(values, top, "", KEYS);
        String id = f.matching("id", true, CommonFields.NAME, "a valid id");
        String description = f.string("description");
        Pool pool = pool(f, catalog, unknownPool);
        String model = f.requiredString("model");
        if (pool != null && model != null && !pool.models().contains(model)) {
            f.error("model", "model \"" + model + "\" is not served by pool \"" + pool.name() + "\"; it serves: "
                    + String.join(", ", pool.models()));
        }
        Scenario.Api api = api(f, pool);
        List<Scenario.PromptShare> mix = promptMix(f);
        Integer maxPromptTokens = maxPromptTokens(f, mix);
        List<String> prompts = prompts(f);
        if (prompts != null && !prompts.isEmpty() && f.has("prompt_mix")) {
            f.error("prompts", "set either prompts or prompt_mix, not both");
        }
        if (prompts != null && !prompts.isEmpty() && f.has("max_prompt_tokens")) {
            f.error("max_prompt_tokens", "caps the prompt_mix sizes; explicit prompts are sent as written");
        }
        Scenario.MaxTokens maxTokens = maxTokens(f);
        Scenario.Arrival arrival = arrival(f);
        Duration duration = positiveDuration(f, "duration");
        if (arrival != null && arrival.kind() != Scenario.Arrival.Kind.STAIRS && duration == null && !f.has("duration")) {
            f.required("duration");
        }
        if (arrival != null && arrival.kind() == Scenario.Arrival.Kind.STAIRS && f.has("duration")) {
            f.error("duration", "stairs last steps × step_duration; remove duration");
        }
        Scenario.Assertions assertions = assertions(f);
        Scenario.OffPeak offPeak = offPeak(f);
        Scenario.AbortGuards abort = abort(f);
        Scenario.Tolerances tolerances = tolerances(f);
        if (id == null || pool == null || model == null || api == null || mix == null || maxTokens == null
                || prompts == null || (f.has("max_prompt_tokens") && maxPromptTokens == null)
                || arrival == null || assertions == null || abort == null || tolerances == null
                || (arrival.kind() != Scenario.Arrival.Kind.STAIRS && duration == null)
                || (f.has("off_peak") && offPeak == null)) {
            return null;
        }
        Scenario s = new Scenario(id, source, description, pool.name(), model, api, mix, maxTokens, arrival, duration,
                assertions, offPeak, abort, tolerances, maxPromptTokens, prompts);
        if (offPeak != null && s.plannedDuration().compareTo(offPeak.maxDuration()) > 0) {
            f.error("off_peak", "max_duration " + Durations.format(offPeak.maxDuration())
                    + " is shorter than the run (" + Durations.format(s.plannedDuration()) + ")");
            return null;
        }
        return s;
    }

    /** An unknown pool goes to {@code unknownPool} (the scenario is disabled), not to the errors. */
    private static Pool pool(Fields f, Catalog catalog, Problems unknownPool) {
        String name = f.requiredString("pool");
        if (name == null) {
            return null;
        }
        Optional<Pool> pool = catalog.pool(name);
        if (pool.isEmpty()) {
            String configured = catalog.pools().stream().map(Pool::name).sorted().reduce((a, b) -> a + ", " + b)
                    .orElse("none");
            unknownPool.at(f.node("pool"), "pool", "unknown pool \"" + name + "\" (configured: " + configured
                    + "); scenario disabled");
            return null;
        }
        if (!pool.get().flavor().openAi()) {
            f.error("pool", "pool \"" + name + "\" speaks " + pool.get().flavor().id()
                    + "; load probes need openai-chat or openai-completions");
            return null;
        }
        return pool.get();
    }

    private static Scenario.Api api(Fields f, Pool pool) {
        String text = f.string("api");
        Scenario.Api api;
        if (text == null) {
            api = pool != null && pool.flavor() == Flavor.OPENAI_COMPLETIONS ? Scenario.Api.COMPLETIONS
                    : Scenario.Api.CHAT;
        } else if (text.equals("chat")) {
            api = Scenario.Api.CHAT;
        } else if (text.equals("completions")) {
            api = Scenario.Api.COMPLETIONS;
        } else {
            f.error("api", "must be chat or completions, got \"" + text + "\"");
            return null;
        }
        Flavor wanted = api == Scenario.Api.CHAT ? Flavor.OPENAI_CHAT : Flavor.OPENAI_COMPLETIONS;
        if (pool != null && pool.flavor() != wanted) {
            f.error("api", "pool \"" + pool.name() + "\" speaks " + pool.flavor().id() + ", not " + wanted.id());
            return null;
        }
        return api;
    }

    private static List<Scenario.PromptShare> promptMix(Fields f) {
        YamlNode.Mapping m = f.mapping("prompt_mix");
        if (m == null) {
            return f.has("prompt_mix") ? null : List.of(new Scenario.PromptShare("<=1k", 1));
        }
        List<Scenario.PromptShare> out = new ArrayList<>();
        boolean ok = true;
        double total = 0;
        for (YamlNode.Entry e : m.entries().values()) {
            String path = Fields.child(f.path("prompt_mix"), e.key());
            if (!Scenario.PromptShare.BUCKETS.contains(e.key())) {
                f.values().problems().at(e, path, "unknown context bucket; allowed: "
                        + String.join(", ", Scenario.PromptShare.BUCKETS));
                ok = false;
                continue;
            }
            Double w = f.values().number(e.value(), path);
            if (w == null) {
                ok = false;
            } else if (w < 0) {
                f.values().problems().at(e.value(), path, "must be at least 0, got " + Fields.plain(w));
                ok = false;
            } else {
                total += w;
                out.add(new Scenario.PromptShare(e.key(), w));
            }
        }
        if (ok && total <= 0) {
            f.error("prompt_mix", "weights must add up to more than 0");
            return null;
        }
        return ok ? out : null;
    }

    /** The prompt-size cap, checked against every bucket of the mix: a bucket that starts above it has no prompt. */
    private static Integer maxPromptTokens(Fields f, List<Scenario.PromptShare> mix) {
        if (!f.has("max_prompt_tokens")) {
            return null;
        }
        Long v = f.integer("max_prompt_tokens");
        if (v == null) {
            return null;
        }
        if (v < MIN_PROMPT_TOKENS) {
            f.error("max_prompt_tokens", "must be at least " + MIN_PROMPT_TOKENS + ", got " + v);
            return null;
        }
        YamlNode.Mapping m = f.mapping("prompt_mix");
        if (mix != null && m != null) {
            for (Scenario.PromptShare p : mix) {
                int lowest = Scenario.PromptShare.minTokens(p.bucket());
                if (p.weight() > 0 && lowest > v) {
                    YamlNode.Entry e = m.entries().get(p.bucket());
                    f.values().problems().at(e, Fields.child(f.path("prompt_mix"), p.bucket()), "starts at " + lowest
                            + " prompt tokens, above max_prompt_tokens " + v + "; remove it or raise the cap");
                    return null;
                }
            }
        }
        return v.intValue();
    }

    /** Explicit prompts, sent as written; an empty list when the key is absent, {@code null} after an error. */
    private static List<String> prompts(Fields f) {
        if (!f.has("prompts")) {
            return List.of();
        }
        YamlNode.Sequence seq = f.sequence("prompts");
        if (seq == null) {
            return null;
        }
        if (seq.items().isEmpty() || seq.items().size() > MAX_PROMPTS) {
            f.error("prompts", "must list between 1 and " + MAX_PROMPTS + " prompts, got " + seq.items().size());
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            String path = Fields.index(f.path("prompts"), i);
            String text = f.values().string(seq.items().get(i), path);
            if (text == null) {
                return null;
            }
            if (text.isBlank()) {
                f.values().error(seq.items().get(i), path, "must not be empty");
                return null;
            }
            out.add(text);
        }
        return out;
    }

    private static Scenario.MaxTokens maxTokens(Fields f) {
        YamlNode n = f.node("max_tokens");
        if (n == null) {
            return new Scenario.MaxTokens(128, 128);
        }
        if (n instanceof YamlNode.Scalar) {
            Long v = f.integer("max_tokens");
            if (v == null) {
                return null;
            }
            if (v < 1) {
                f.error("max_tokens", "must be at least 1, got " + v);
                return null;
            }
            return new Scenario.MaxTokens(v.intValue(), v.intValue());
        }
        YamlNode.Mapping m = f.mapping("max_tokens");
        if (m == null) {
            return null;
        }
        Fields t = new Fields(f.values(), m, f.path("max_tokens"), MAX_TOKENS_KEYS);
        if (t.required("min") == null | t.required("max") == null) {
            return null;
        }
        Long min = t.integer("min");
        Long max = t.integer("max");
        if (min == null || max == null) {
            return null;
        }
        if (min < 1) {
            t.error("min", "must be at least 1, got " + min);
            return null;
        }
        if (max < min) {
            t.error("max", "must be at least min (" + min + "), got " + max);
            return null;
        }
        return new Scenario.MaxTokens(min.intValue(), max.intValue());
    }

    private static Scenario.Arrival arrival(Fields f) {
        YamlNode.Mapping m = f.required("arrival") == null ? null : f.mapping("arrival");
        if (m == null) {
            return null;
        }
        Fields a = new Fields(f.values(), m, f.path("arrival"), ARRIVAL_KEYS);
        String type = a.requiredString("type");
        Boolean poisson = a.bool("poisson");
        boolean p = poisson != null && poisson;
        if (type == null) {
            return null;
        }
        switch (type) {
            case "constant" -> {
                onlyFor(a, type, List.of("type", "rate", "poisson"));
                Double rate = a.required("rate") == null ? null : a.positive("rate");
                return rate == null ? null
                        : new Scenario.Arrival(Scenario.Arrival.Kind.CONSTANT, rate, rate, rate, 0, 1, null, p);
            }
            case "ramp" -> {
                onlyFor(a, type, List.of("type", "from", "to", "poisson"));
                Double from = a.required("from") == null ? null : a.number("from", d -> d >= 0, "at least 0");
                Double to = a.required("to") == null ? null : a.positive("to");
                return from == null || to == null ? null
                        : new Scenario.Arrival(Scenario.Arrival.Kind.RAMP, to, from, to, 0, 1, null, p);
            }
            case "stairs" -> {
                onlyFor(a, type, List.of("type", "from", "step", "steps", "step_duration", "poisson"));
                Double from = a.required("from") == null ? null : a.positive("from");
                Double step = a.required("step") == null ? null : a.positive("step");
                Long steps = a.required("steps") == null ? null : a.integer("steps");
                if (steps != null && (steps < 1 || steps > 100)) {
                    a.error("steps", "must be between 1 and 100, got " + steps);
                    steps = null;
                }
                Duration each = a.required("step_duration") == null ? null : positiveDuration(a, "step_duration");
                if (from == null || step == null || steps == null || each == null) {
                    return null;
                }
                double peak = from + step * (steps - 1);
                return new Scenario.Arrival(Scenario.Arrival.Kind.STAIRS, peak, from, peak, step, steps.intValue(),
                        each, p);
            }
            default -> {
                a.error("type", "must be constant, ramp or stairs, got \"" + type + "\"");
                return null;
            }
        }
    }

    /** Keys of another arrival type are errors, so a typo like {@code rate} on a ramp is not silently ignored. */
    private static void onlyFor(Fields a, String type, List<String> allowed) {
        for (YamlNode.Entry e : a.mapping().entries().values()) {
            if (ARRIVAL_KEYS.contains(e.key()) && !allowed.contains(e.key())) {
                a.values().problems().at(e, a.path(e.key()), "not used by type " + type + "; allowed: "
                        + String.join(", ", allowed));
            }
        }
    }

    private static Scenario.Assertions assertions(Fields f) {
        YamlNode.Mapping m = f.mapping("assertions");
        if (m == null) {
            return f.has("assertions") ? null : new Scenario.Assertions(null, null, null, null, null);
        }
        Fields a = new Fields(f.values(), m, f.path("assertions"), ASSERTION_KEYS);
        return new Scenario.Assertions(seconds(a, "ttft_p95"), seconds(a, "ttft_p99"), seconds(a, "e2e_p95"),
                percent(a, "max_error_percent"), a.positive("min_output_tokens_per_second"));
    }

    private static Scenario.OffPeak offPeak(Fields f) {
        YamlNode.Mapping m = f.mapping("off_peak");
        if (m == null) {
            return null;
        }
        Fields w = new Fields(f.values(), m, f.path("off_peak"), OFF_PEAK_KEYS);
        String expression = w.requiredString("cron");
        Cron cron = CommonFields.cron(w, expression);
        Duration max = w.required("max_duration") == null ? null : positiveDuration(w, "max_duration");
        ZoneId zone = CommonFields.timeZone(w);
        return cron == null || max == null || zone == null ? null : new Scenario.OffPeak(expression, cron, zone, max);
    }

    private static Scenario.AbortGuards abort(Fields f) {
        YamlNode.Mapping m = f.mapping("abort");
        if (m == null) {
            return f.has("abort") ? null : Scenario.AbortGuards.DEFAULT;
        }
        int before = f.values().problems().count();
        Fields a = new Fields(f.values(), m, f.path("abort"), ABORT_KEYS);
        Double err = percent(a, "max_error_percent");
        Double ttft = seconds(a, "max_ttft");
        Long min = a.integer("min_requests");
        if (min != null && min < 1) {
            a.error("min_requests", "must be at least 1, got " + min);
        }
        if (f.values().problems().count() != before) {
            return null;
        }
        Scenario.AbortGuards d = Scenario.AbortGuards.DEFAULT;
        return new Scenario.AbortGuards(err == null ? d.maxErrorPercent() : err, ttft,
                min == null ? d.minRequests() : min.intValue());
    }

    private static Scenario.Tolerances tolerances(Fields f) {
        YamlNode.Mapping m = f.mapping("regression");
        if (m == null) {
            return f.has("regression") ? null : Scenario.Tolerances.DEFAULT;
        }
        int before = f.values().problems().count();
        Fields r = new Fields(f.values(), m, f.path("regression"), REGRESSION_KEYS);
        Scenario.Tolerances d = Scenario.Tolerances.DEFAULT;
        double ttft = orDefault(r.number("ttft_p95_percent", v -> v >= 0, "at least 0"), d.ttftPercent());
        double rate = orDefault(percent(r, "rate_percent"), d.ratePercent());
        double tps = orDefault(percent(r, "tokens_per_second_percent"), d.tokensPerSecondPercent());
        double err = orDefault(percent(r, "error_percent_points"), d.errorPercentPoints());
        double knee = orDefault(percent(r, "knee_percent"), d.kneePercent());
        Long min = r.integer("min_samples");
        if (min != null && min < 1) {
            r.error("min_samples", "must be at least 1, got " + min);
        }
        if (f.values().problems().count() != before) {
            return null;
        }
        return new Scenario.Tolerances(ttft, rate, tps, err, knee, min == null ? d.minSamples() : min.intValue());
    }

    private static double orDefault(Double v, double d) {
        return v == null ? d : v;
    }

    private static Double seconds(Fields f, String key) {
        Duration d = positiveDuration(f, key);
        return d == null ? null : d.toNanos() / 1e9;
    }

    private static Double percent(Fields f, String key) {
        return f.number(key, d -> d >= 0 && d <= 100, "between 0 and 100");
    }

    private static Duration positiveDuration(Fields f, String key) {
        Duration d = f.duration(key);
        if (d != null && (d.isZero() || d.isNegative())) {
            f.error(key, "must be greater than 0");
            return null;
        }
        return d;
    }

    private static List<Path> files(Path dir, List<ConfigError> errors) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return (n.endsWith(".yaml") || n.endsWith(".yml")) && !n.startsWith(".");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            errors.add(new ConfigError(dir.toString(), 0, 0, "", "cannot list scenario directory: "
                    + e.getClass().getSimpleName()));
            return List.of();
        }
    }
}
