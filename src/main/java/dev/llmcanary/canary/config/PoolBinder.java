package dev.llmcanary.canary.config;

import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.config.CommonFields;
import dev.llmcanary.config.Fields;
import dev.llmcanary.config.Values;
import dev.llmcanary.config.YamlNode;
import dev.llmcanary.consistency.IdentityPin;
import dev.llmcanary.consistency.IdentitySource;
import dev.llmcanary.client.ServedIdentity;
import dev.llmcanary.evidence.EvidenceBinder;
import dev.llmcanary.evidence.EvidenceSettings;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.client.discovery.Discovery;
import dev.llmcanary.client.discovery.DiscoveryBinder;

import com.cronutils.model.Cron;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Binds {@code pools.yaml} ({@code pools: [...]}) to {@link Pool} values. */
public final class PoolBinder {

    static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");
    static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    static final String DEFAULT_DEVICE_TYPE = "unknown";

    private static final List<String> POOL_KEYS = List.of("name", "device_type", "flavor", "endpoints", "models",
            "api_key_env", "require_done", "cumulative", "labels", "max_concurrent_canaries",
            "canary_token_budget_per_hour", "quiet_windows", "discovery", "evidence", "expected_identity");
    /** A {@code system_fingerprint} as servers write them ({@code fp_44709d6fcb}, {@code b4500}, {@code 3.0.1-native}). */
    static final java.util.regex.Pattern IDENTITY = java.util.regex.Pattern.compile("[A-Za-z0-9_.:+/-]{1,128}");
    private static final List<String> ENDPOINT_KEYS = List.of("name", "url");
    private static final List<String> QUIET_WINDOW_KEYS = List.of("cron", "duration", "time_zone");

    /**
     * What was bound: the valid pools, and the names of every pool defined (valid or not). {@code complete} is
     * false when the file could not be read or parsed, so references to pools cannot be checked.
     */
    public record Bound(List<Pool> pools, Set<String> names, boolean complete) {
        public static Bound unreadable() {
            return new Bound(List.of(), Set.of(), false);
        }
    }

    public Bound bind(YamlNode root, Values values) {
        List<Pool> pools = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        YamlNode.Mapping top = values.mapping(root, "");
        if (top == null) {
            return new Bound(pools, names, true);
        }
        Fields file = new Fields(values, top, "", List.of("pools"));
        YamlNode node = file.required("pools");
        YamlNode.Sequence all = node == null ? null : values.sequence(node, "pools");
        if (all == null) {
            return new Bound(pools, names, true);
        }
        Map<String, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < all.items().size(); i++) {
            String path = Fields.index("pools", i);
            YamlNode.Mapping m = values.mapping(all.items().get(i), path);
            if (m == null) {
                continue;
            }
            int before = values.problems().count();
            Fields f = new Fields(values, m, path, POOL_KEYS);
            String name = f.matching("name", true, CommonFields.NAME, "a valid name");
            if (name != null) {
                names.add(name);
                Integer first = firstLine.putIfAbsent(name, f.node("name").line());
                if (first != null) {
                    f.error("name", "duplicate pool name \"" + name + "\" (first defined at line " + first + ")");
                }
            }
            Pool pool = bindPool(name, f);
            if (values.problems().count() == before) {
                pools.add(pool);
            }
        }
        return new Bound(pools, names, true);
    }

    private static Pool bindPool(String name, Fields f) {
        String deviceType = f.string("device_type");
        Flavor flavor = flavor(f);
        int beforeDiscovery = f.values().problems().count();
        Discovery discovery = f.has("discovery") ? DiscoveryBinder.bind(f, "discovery") : null;
        boolean discoveryOk = f.values().problems().count() == beforeDiscovery;
        List<Endpoint> endpoints = endpoints(f, f.has("discovery"));
        List<String> models = models(f);
        String apiKeyEnv = f.matching("api_key_env", false, ENV_NAME, "an environment variable name");
        RequireDone requireDone = requireDone(f);
        Cumulative cumulative = choice(f, "cumulative", Cumulative.class, Cumulative.AUTO);
        Map<String, String> labels = f.stringMap("labels", LABEL_NAME, "a valid label name");
        Pool.Scheduling scheduling = scheduling(f);
        int beforeEvidence = f.values().problems().count();
        EvidenceSettings evidence = f.has("evidence") ? EvidenceBinder.bind(f, "evidence") : null;
        boolean evidenceOk = f.values().problems().count() == beforeEvidence;
        int beforeIdentity = f.values().problems().count();
        IdentityPin expectedIdentity = expectedIdentity(f, flavor);
        if (f.values().problems().count() != beforeIdentity) {
            return null;
        }
        if (name == null || flavor == null || endpoints == null || models == null || requireDone == null
                || cumulative == null || scheduling == null || !discoveryOk || !evidenceOk) {
            return null;
        }
        return new Pool(name, deviceType == null ? DEFAULT_DEVICE_TYPE : deviceType, flavor, endpoints, models,
                apiKeyEnv, requireDone, cumulative, labels == null ? Map.of() : labels, scheduling, discovery, evidence,
                expectedIdentity);
    }

    /**
     * {@code expected_identity:} as a plain value (the streams' {@code system_fingerprint}, OpenAI flavors only) or a
     * mapping of source to value ({@code {model_sha: 5f2b…}}); each source must be one the pool's flavor reports.
     */
    private static IdentityPin expectedIdentity(Fields f, Flavor flavor) {
        YamlNode n = f.node("expected_identity");
        if (n == null) {
            return null;
        }
        if (!(n instanceof YamlNode.Mapping m)) {
            String fp = f.matching("expected_identity", false, IDENTITY, "a system_fingerprint");
            if (fp != null && flavor != null && !flavor.openAi()) {
                f.error("expected_identity", "only for openai-chat and openai-completions pools (" + flavor.id()
                        + " streams report no system_fingerprint); pin another source with {source: value}");
                return null;
            }
            return fp == null ? null : IdentityPin.fingerprint(fp);
        }
        Map<IdentitySource, String> expected = new LinkedHashMap<>();
        String path = f.path("expected_identity");
        for (YamlNode.Entry e : m.entries().values()) {
            String p = Fields.child(path, e.key());
            IdentitySource source = IdentitySource.fromLabel(e.key()).orElse(null);
            if (source == null) {
                f.values().problems().at(e, p, "unknown identity source; one of " + Arrays.stream(
                        IdentitySource.values()).map(IdentitySource::label).collect(Collectors.joining(", ")));
                continue;
            }
            if (flavor != null && !ServedIdentity.sources(flavor).contains(source)) {
                f.values().problems().at(e, p, flavor.id() + " servers do not report " + source.label()
                        + "; they report " + ServedIdentity.sources(flavor).stream().map(IdentitySource::label)
                        .collect(Collectors.joining(", ")));
                continue;
            }
            String v = f.values().string(e.value(), p);
            if (v != null && !IDENTITY.matcher(v).matches()) {
                f.values().error(e.value(), p, "\"" + v + "\" is not an identifier (" + IDENTITY.pattern()
                        + "); a value that is not one is compared as its sha256: prefix, pin that");
                continue;
            }
            if (v != null) {
                expected.put(source, v);
            }
        }
        if (m.entries().isEmpty()) {
            f.error("expected_identity", "names no source; e.g. {model_sha: 5f2b…} or a system_fingerprint");
            return null;
        }
        return expected.isEmpty() ? null : new IdentityPin(expected);
    }

    private static Pool.Scheduling scheduling(Fields f) {
        int before = f.values().problems().count();
        Long max = f.integer("max_concurrent_canaries");
        if (max != null && max < 1) {
            f.error("max_concurrent_canaries", "must be at least 1, got " + max);
        }
        Long budget = f.integer("canary_token_budget_per_hour");
        if (budget != null && budget < 1) {
            f.error("canary_token_budget_per_hour", "must be at least 1 (leave it out for unlimited), got " + budget);
        }
        List<Pool.QuietWindow> windows = quietWindows(f);
        if (f.values().problems().count() > before) {
            return null;
        }
        return new Pool.Scheduling(max == null ? Pool.Scheduling.DEFAULT_MAX_CONCURRENT_CANARIES : max.intValue(),
                budget, windows);
    }

    private static List<Pool.QuietWindow> quietWindows(Fields f) {
        YamlNode.Sequence seq = f.sequence("quiet_windows");
        if (seq == null) {
            return List.of();
        }
        List<Pool.QuietWindow> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            String path = Fields.index(f.path("quiet_windows"), i);
            YamlNode.Mapping m = f.values().mapping(seq.items().get(i), path);
            if (m == null) {
                continue;
            }
            Fields w = new Fields(f.values(), m, path, QUIET_WINDOW_KEYS);
            String expression = w.requiredString("cron");
            Cron cron = CommonFields.cron(w, expression);
            Duration duration = w.required("duration") == null ? null : w.duration("duration");
            if (duration != null && (duration.isZero() || duration.isNegative())) {
                w.error("duration", "must be greater than 0");
                duration = null;
            }
            ZoneId zone = CommonFields.timeZone(w);
            if (cron != null && duration != null && zone != null) {
                out.add(new Pool.QuietWindow(expression, cron, duration, zone));
            }
        }
        return out;
    }

    private static Flavor flavor(Fields f) {
        String id = f.requiredString("flavor");
        if (id == null) {
            return null;
        }
        return Flavor.fromId(id).orElseGet(() -> {
            f.error("flavor", "unknown flavor \"" + id + "\"; valid: "
                    + Arrays.stream(Flavor.values()).map(Flavor::id).collect(Collectors.joining(", ")));
            return null;
        });
    }

    /** With discovery, the static list may be absent or empty: discovered endpoints are added to it. */
    private static List<Endpoint> endpoints(Fields f, boolean discovered) {
        if (discovered && !f.has("endpoints")) {
            return List.of();
        }
        YamlNode node = f.required("endpoints");
        YamlNode.Sequence seq = node == null ? null : f.values().sequence(node, f.path("endpoints"));
        if (seq == null) {
            return null;
        }
        if (seq.items().isEmpty() && !discovered) {
            f.error("endpoints", "must list at least one endpoint");
            return null;
        }
        List<Endpoint> out = new ArrayList<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        boolean ok = true;
        for (int i = 0; i < seq.items().size(); i++) {
            String path = Fields.index(f.path("endpoints"), i);
            YamlNode.Mapping m = f.values().mapping(seq.items().get(i), path);
            if (m == null) {
                ok = false;
                continue;
            }
            Fields e = new Fields(f.values(), m, path, ENDPOINT_KEYS);
            String name = e.matching("name", true, CommonFields.NAME, "a valid name");
            if (name != null) {
                Integer first = firstLine.putIfAbsent(name, e.node("name").line());
                if (first != null) {
                    e.error("name", "duplicate endpoint name \"" + name + "\" (first defined at line " + first + ")");
                    name = null;
                }
            }
            URI url = CommonFields.url(e);
            if (name == null || url == null) {
                ok = false;
            } else {
                out.add(new Endpoint(name, url));
            }
        }
        return ok ? out : null;
    }

    private static List<String> models(Fields f) {
        YamlNode node = f.required("models");
        YamlNode.Sequence seq = node == null ? null : f.values().sequence(node, f.path("models"));
        if (seq == null) {
            return null;
        }
        if (seq.items().isEmpty()) {
            f.error("models", "must list at least one model");
            return null;
        }
        List<String> models = f.values().stringOrList(seq, f.path("models"));
        if (models == null) {
            return null;
        }
        for (int i = 0; i < models.size(); i++) {
            String m = models.get(i);
            if (m.isBlank() || models.indexOf(m) != i) {
                f.values().error(seq.items().get(i), Fields.index(f.path("models"), i),
                        m.isBlank() ? "model name is empty" : "duplicate model \"" + m + "\"");
                return null;
            }
        }
        return models;
    }

    /** YAML reads {@code true}/{@code false} as booleans, so both booleans and the string {@code auto} are accepted. */
    private static RequireDone requireDone(Fields f) {
        YamlNode n = f.node("require_done");
        if (n == null) {
            return RequireDone.AUTO;
        }
        if (n instanceof YamlNode.Scalar s && s.type() == YamlNode.Scalar.Type.BOOLEAN) {
            return Boolean.TRUE.equals(f.bool("require_done")) ? RequireDone.TRUE : RequireDone.FALSE;
        }
        return choice(f, "require_done", RequireDone.class, RequireDone.AUTO);
    }

    /** An enum written in lower case in YAML; the message lists the choices. */
    static <E extends Enum<E>> E choice(Fields f, String key, Class<E> type, E fallback) {
        String text = f.string(key);
        if (text == null) {
            return f.has(key) ? null : fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(text)) {
                return e;
            }
        }
        f.error(key, "unknown value \"" + text + "\"; valid: " + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        return null;
    }
}
