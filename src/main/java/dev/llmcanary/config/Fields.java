package dev.llmcanary.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The keys of one YAML mapping being bound: rejects keys outside the allowed set on construction, then hands out
 * typed values with their field paths. Explicit {@code null} values count as absent.
 */
public final class Fields {

    private final Values values;
    private final YamlNode.Mapping mapping;
    private final String path;

    public Fields(Values values, YamlNode.Mapping mapping, String path, List<String> allowed) {
        this.values = values;
        this.mapping = mapping;
        this.path = path;
        for (YamlNode.Entry e : mapping.entries().values()) {
            if (!allowed.contains(e.key())) {
                values.problems().at(e, child(path, e.key()),
                        "unknown key; allowed: " + String.join(", ", allowed));
            }
        }
    }

    public static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    public Values values() {
        return values;
    }

    public YamlNode.Mapping mapping() {
        return mapping;
    }

    public String path(String key) {
        return child(path, key);
    }

    /** The value under {@code key}, or {@code null} when absent or null. */
    public YamlNode node(String key) {
        YamlNode.Entry e = mapping.entries().get(key);
        if (e == null || (e.value() instanceof YamlNode.Scalar s && s.type() == YamlNode.Scalar.Type.NULL)) {
            return null;
        }
        return e.value();
    }

    public boolean has(String key) {
        return node(key) != null;
    }

    /** The node, or {@code null} after reporting that the required key is missing. */
    public YamlNode required(String key) {
        YamlNode n = node(key);
        if (n == null) {
            values.error(mapping, path(key), "required field is missing");
        }
        return n;
    }

    public void error(String key, String message) {
        YamlNode n = node(key);
        values.error(n == null ? mapping : n, path(key), message);
    }

    public String string(String key) {
        YamlNode n = node(key);
        return n == null ? null : values.string(n, path(key));
    }

    public String requiredString(String key) {
        YamlNode n = required(key);
        return n == null ? null : values.string(n, path(key));
    }

    /** A string that must match {@code pattern}; {@code what} names the pattern's intent in the message. */
    public String matching(String key, boolean required, java.util.regex.Pattern pattern, String what) {
        String s = required ? requiredString(key) : string(key);
        if (s != null && !pattern.matcher(s).matches()) {
            error(key, "\"" + s + "\" is not " + what + " (" + pattern.pattern() + ")");
            return null;
        }
        return s;
    }

    public Double number(String key) {
        YamlNode n = node(key);
        return n == null ? null : values.number(n, path(key));
    }

    /** A number that must satisfy {@code valid}; {@code rule} says what it must be, e.g. "greater than 0". */
    public Double number(String key, Predicate<Double> valid, String rule) {
        Double d = number(key);
        if (d != null && !valid.test(d)) {
            error(key, "must be " + rule + ", got " + plain(d));
            return null;
        }
        return d;
    }

    public Double positive(String key) {
        return number(key, d -> d > 0, "greater than 0");
    }

    public Long integer(String key) {
        YamlNode n = node(key);
        return n == null ? null : values.integer(n, path(key));
    }

    public Boolean bool(String key) {
        YamlNode n = node(key);
        return n == null ? null : values.bool(n, path(key));
    }

    public Duration duration(String key) {
        YamlNode n = node(key);
        return n == null ? null : values.duration(n, path(key));
    }

    public YamlNode.Mapping mapping(String key) {
        YamlNode n = node(key);
        return n == null ? null : values.mapping(n, path(key));
    }

    public YamlNode.Sequence sequence(String key) {
        YamlNode n = node(key);
        return n == null ? null : values.sequence(n, path(key));
    }

    public List<String> stringOrList(String key) {
        YamlNode n = node(key);
        return n == null ? null : values.stringOrList(n, path(key));
    }

    /** A map of string to text (labels, headers); {@code null} when absent or after reporting problems. */
    public Map<String, String> stringMap(String key, java.util.regex.Pattern keyPattern, String what) {
        YamlNode.Mapping m = mapping(key);
        if (m == null) {
            return null;
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        boolean ok = true;
        for (YamlNode.Entry e : m.entries().values()) {
            String p = child(path(key), e.key());
            if (!keyPattern.matcher(e.key()).matches()) {
                values.problems().at(e, p, "\"" + e.key() + "\" is not " + what + " (" + keyPattern.pattern() + ")");
                ok = false;
                continue;
            }
            String v = values.text(e.value(), p);
            ok &= v != null;
            out.put(e.key(), v);
        }
        return ok ? out : null;
    }

    /** {@code 1.0} as "1.0", {@code 1e-9} as "1.0E-9": numbers are echoed as Java prints them. */
    public static String plain(double d) {
        return Double.toString(d);
    }
}
