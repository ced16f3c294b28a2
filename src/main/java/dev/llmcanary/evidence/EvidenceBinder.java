package dev.llmcanary.evidence;

import dev.llmcanary.config.CommonFields;
import dev.llmcanary.config.Durations;
import dev.llmcanary.config.Fields;
import dev.llmcanary.config.Values;
import dev.llmcanary.config.YamlNode;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Binds a pool's {@code evidence:} block: the servers' own metrics page and/or a Prometheus server with queries. */
public final class EvidenceBinder {

    static final List<String> KEYS = List.of("server_metrics", "prometheus", "min_interval", "max_age", "timeout");
    static final List<String> SERVER_KEYS = List.of("dialect", "path", "port", "mapping");
    static final List<String> PROMETHEUS_KEYS = List.of("url", "queries");
    static final List<String> GAUGE_KEYS = List.of("metric", "scale");
    static final List<String> MEAN_KEYS = List.of("sum", "count", "scale");
    static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static final Pattern QUERY_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/-]*");
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    static final List<String> QUERY_PLACEHOLDERS = List.of("pool", "endpoint", "instance");
    static final int MAX_QUERIES = 16;
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

    private EvidenceBinder() {
    }

    /** The settings, or {@code null} after reporting problems. */
    public static EvidenceSettings bind(Fields pool, String key) {
        YamlNode.Mapping m = pool.mapping(key);
        if (m == null) {
            return null;
        }
        int before = pool.values().problems().count();
        Fields f = new Fields(pool.values(), m, pool.path(key), KEYS);
        if (!f.has("server_metrics") && !f.has("prometheus")) {
            pool.error(key, "needs server_metrics, prometheus or both");
        }
        EvidenceSettings.ServerMetrics server = f.has("server_metrics") ? server(f) : null;
        EvidenceSettings.PrometheusSource prometheus = f.has("prometheus") ? prometheus(f) : null;
        Duration minInterval = positive(f, "min_interval", EvidenceSettings.DEFAULT_MIN_INTERVAL);
        Duration maxAge = positive(f, "max_age", EvidenceSettings.DEFAULT_MAX_AGE);
        Duration timeout = positive(f, "timeout", EvidenceSettings.DEFAULT_TIMEOUT);
        if (timeout != null && timeout.compareTo(MAX_TIMEOUT) > 0) {
            f.error("timeout", "must be at most " + Durations.format(MAX_TIMEOUT) + ", got "
                    + Durations.format(timeout));
        }
        if (pool.values().problems().count() > before) {
            return null;
        }
        return new EvidenceSettings(server, prometheus, minInterval, maxAge, timeout);
    }

    private static EvidenceSettings.ServerMetrics server(Fields parent) {
        YamlNode.Mapping m = parent.mapping("server_metrics");
        if (m == null) {
            return null;
        }
        Fields f = new Fields(parent.values(), m, parent.path("server_metrics"), SERVER_KEYS);
        MetricsDialect dialect = MetricsDialect.AUTO;
        String id = f.string("dialect");
        if (id != null) {
            dialect = MetricsDialect.fromId(id).orElse(null);
            if (dialect == null) {
                f.error("dialect", "unknown dialect \"" + id + "\"; valid: " + Arrays.stream(MetricsDialect.values())
                        .map(MetricsDialect::id).collect(Collectors.joining(", ")));
            }
        }
        String path = f.has("path") ? f.matching("path", false, PATH, "a URL path") : EvidenceSettings.DEFAULT_PATH;
        Long port = f.integer("port");
        if (port != null && (port < 1 || port > 65535)) {
            f.error("port", "must be between 1 and 65535, got " + port);
            port = null;
        }
        Map<Figure, FigureRule> overrides = mapping(f);
        if (dialect == null || path == null || overrides == null) {
            return null;
        }
        return new EvidenceSettings.ServerMetrics(dialect, path, port == null ? null : port.intValue(), overrides);
    }

    /** Per-figure overrides: a metric name, a list of names, {metric, scale} or {sum, count, scale}. */
    private static Map<Figure, FigureRule> mapping(Fields parent) {
        YamlNode.Mapping m = parent.mapping("mapping");
        if (m == null) {
            return parent.has("mapping") ? null : Map.of();
        }
        Values values = parent.values();
        Map<Figure, FigureRule> out = new EnumMap<>(Figure.class);
        boolean ok = true;
        for (YamlNode.Entry e : m.entries().values()) {
            String path = Fields.child(parent.path("mapping"), e.key());
            Figure figure = Figure.fromId(e.key()).orElse(null);
            if (figure == null) {
                values.problems().at(e, path, "unknown figure; valid: " + Arrays.stream(Figure.values())
                        .map(Figure::id).collect(Collectors.joining(", ")));
                ok = false;
                continue;
            }
            FigureRule rule = rule(values, e.value(), path);
            ok &= rule != null;
            if (rule != null) {
                out.put(figure, rule);
            }
        }
        return ok ? out : null;
    }

    private static FigureRule rule(Values values, YamlNode node, String path) {
        if (!(node instanceof YamlNode.Mapping m)) {
            List<String> names = values.stringOrList(node, path);
            if (names == null || !metricNames(values, node, path, names)) {
                return null;
            }
            if (names.isEmpty()) {
                values.error(node, path, "must name at least one metric");
                return null;
            }
            return new FigureRule.Gauge(names, 1.0);
        }
        boolean mean = m.entries().containsKey("sum") || m.entries().containsKey("count");
        Fields f = new Fields(values, m, path, mean ? MEAN_KEYS : GAUGE_KEYS);
        Double scale = f.has("scale") ? f.positive("scale") : Double.valueOf(1.0);
        if (mean) {
            String sum = f.matching("sum", true, METRIC_NAME, "a metric name");
            String count = f.matching("count", true, METRIC_NAME, "a metric name");
            return sum == null || count == null || scale == null ? null : new FigureRule.Mean(sum, count, scale);
        }
        YamlNode metric = f.required("metric");
        List<String> names = metric == null ? null : values.stringOrList(metric, f.path("metric"));
        boolean namesOk = names != null && metricNames(values, metric, f.path("metric"), names);
        if (!namesOk || scale == null) {
            return null;
        }
        return new FigureRule.Gauge(names, scale);
    }

    private static boolean metricNames(Values values, YamlNode at, String path, List<String> names) {
        for (String n : names) {
            if (!METRIC_NAME.matcher(n).matches()) {
                values.error(at, path, "\"" + n + "\" is not a metric name (" + METRIC_NAME.pattern() + ")");
                return false;
            }
        }
        return true;
    }

    private static EvidenceSettings.PrometheusSource prometheus(Fields parent) {
        YamlNode.Mapping m = parent.mapping("prometheus");
        if (m == null) {
            return null;
        }
        Fields f = new Fields(parent.values(), m, parent.path("prometheus"), PROMETHEUS_KEYS);
        URI url = CommonFields.url(f);
        Map<String, String> queries = queries(f);
        return url == null || queries == null ? null : new EvidenceSettings.PrometheusSource(url, queries);
    }

    /**
     * PromQL is read as written: {@code ${pool}}, {@code ${endpoint}} and {@code ${instance}} are filled per endpoint
     * at query time, so environment placeholders do not apply here.
     */
    private static Map<String, String> queries(Fields f) {
        YamlNode node = f.required("queries");
        YamlNode.Mapping m = node == null ? null : f.values().mapping(node, f.path("queries"));
        if (m == null) {
            return null;
        }
        if (m.entries().isEmpty() || m.entries().size() > MAX_QUERIES) {
            f.error("queries", "must have between 1 and " + MAX_QUERIES + " queries, got " + m.entries().size());
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        boolean ok = true;
        for (YamlNode.Entry e : m.entries().values()) {
            String path = Fields.child(f.path("queries"), e.key());
            if (!QUERY_NAME.matcher(e.key()).matches()) {
                f.values().problems().at(e, path, "\"" + e.key() + "\" is not a figure name ("
                        + QUERY_NAME.pattern() + ")");
                ok = false;
                continue;
            }
            if (!(e.value() instanceof YamlNode.Scalar s) || s.type() != YamlNode.Scalar.Type.STRING
                    || s.text().isBlank()) {
                f.values().error(e.value(), path, "expected a PromQL query string, got " + e.value().describe());
                ok = false;
                continue;
            }
            Matcher pm = PLACEHOLDER.matcher(s.text());
            String unknown = null;
            while (pm.find() && unknown == null) {
                if (!QUERY_PLACEHOLDERS.contains(pm.group(1))) {
                    unknown = pm.group(1);
                }
            }
            if (unknown != null) {
                f.values().error(s, path, "unknown placeholder ${" + unknown + "}; queries may use ${pool},"
                        + " ${endpoint} and ${instance}");
                ok = false;
                continue;
            }
            out.put(e.key(), s.text());
        }
        return ok ? out : null;
    }

    private static Duration positive(Fields f, String key, Duration fallback) {
        if (!f.has(key)) {
            return fallback;
        }
        Duration d = f.duration(key);
        if (d != null && (d.isZero() || d.isNegative())) {
            f.error(key, "must be greater than 0");
            return null;
        }
        return d;
    }
}
