package dev.llmcanary.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Converts located YAML nodes to typed values, substituting placeholders and reporting a type mismatch at the node.
 * Every method returns {@code null} after reporting a problem, so binding carries on and collects all errors.
 */
public final class Values {

    private final Problems problems;
    private final Placeholders placeholders;

    public Values(Problems problems, Placeholders placeholders) {
        this.problems = problems;
        this.placeholders = placeholders;
    }

    public Problems problems() {
        return problems;
    }

    public void error(YamlNode at, String path, String message) {
        problems.at(at, path, message);
    }

    /** A string scalar, placeholders substituted. */
    public String string(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.type() == YamlNode.Scalar.Type.STRING) {
            return substitute(s, path);
        }
        return mismatch(node, path, "a string");
    }

    /** Any non-null scalar as text (label and header values, where {@code version: 2} should just work). */
    public String text(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.type() != YamlNode.Scalar.Type.NULL) {
            return s.type() == YamlNode.Scalar.Type.STRING ? substitute(s, path) : s.text();
        }
        return mismatch(node, path, "a string");
    }

    public Double number(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s) {
            if (s.number() != null) {
                return s.number().doubleValue();
            }
            if (isPlaceholder(s)) {
                String substituted = substitute(s, path);
                if (substituted == null) {
                    return null;
                }
                try {
                    return Double.parseDouble(substituted.trim());
                } catch (NumberFormatException e) {
                    return mismatch(node, path, "a number");
                }
            }
        }
        return mismatch(node, path, "a number");
    }

    public Long integer(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s) {
            if (s.type() == YamlNode.Scalar.Type.INTEGER) {
                try {
                    return Long.parseLong(s.number().toString());
                } catch (NumberFormatException e) {
                    error(node, path, "integer out of range: " + s.text());
                    return null;
                }
            }
            if (isPlaceholder(s)) {
                String substituted = substitute(s, path);
                if (substituted == null) {
                    return null;
                }
                try {
                    return Long.parseLong(substituted.trim());
                } catch (NumberFormatException e) {
                    return mismatch(node, path, "an integer");
                }
            }
        }
        return mismatch(node, path, "an integer");
    }

    public Boolean bool(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.type() == YamlNode.Scalar.Type.BOOLEAN) {
            return Boolean.parseBoolean(s.text().toLowerCase(java.util.Locale.ROOT));
        }
        return mismatch(node, path, "a boolean (true or false)");
    }

    public Duration duration(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.type() != YamlNode.Scalar.Type.NULL
                && s.type() != YamlNode.Scalar.Type.BOOLEAN) {
            String text = s.type() == YamlNode.Scalar.Type.STRING ? substitute(s, path) : s.text();
            if (text == null) {
                return null;
            }
            Optional<Duration> parsed = Durations.parse(text);
            if (parsed.isEmpty()) {
                error(node, path, "invalid duration \"" + text + "\": use 500ms, 30s, 5m, 1h or a number of seconds");
                return null;
            }
            return parsed.get();
        }
        return mismatch(node, path, "a duration (500ms, 30s, 5m, 1h)");
    }

    public YamlNode.Mapping mapping(YamlNode node, String path) {
        if (node instanceof YamlNode.Mapping m) {
            return m;
        }
        return mismatch(node, path, "a mapping");
    }

    public YamlNode.Sequence sequence(YamlNode node, String path) {
        if (node instanceof YamlNode.Sequence s) {
            return s;
        }
        return mismatch(node, path, "a list");
    }

    /** A single string or a list of strings, as a list; {@code null} after reporting a problem. */
    public List<String> stringOrList(YamlNode node, String path) {
        if (node instanceof YamlNode.Sequence seq) {
            List<String> out = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < seq.items().size(); i++) {
                String item = string(seq.items().get(i), Fields.index(path, i));
                ok &= item != null;
                out.add(item);
            }
            return ok ? out : null;
        }
        String one = string(node, path);
        return one == null ? null : List.of(one);
    }

    /** Placeholders substituted in a string scalar; {@code null} after reporting an unresolved variable. */
    public String substitute(YamlNode.Scalar s, String path) {
        Placeholders.Result r = placeholders.substitute(s.text());
        if (r.unresolved() != null) {
            error(s, path, "unresolved variable ${" + r.unresolved() + "}: define it or write ${"
                    + r.unresolved() + ":default}");
            return null;
        }
        return r.text();
    }

    /** A number may come from a placeholder ({@code ${TIMEOUT:30}}), which YAML reads as a string. */
    private static boolean isPlaceholder(YamlNode.Scalar s) {
        return s.type() == YamlNode.Scalar.Type.STRING && Placeholders.contains(s.text());
    }

    private <T> T mismatch(YamlNode node, String path, String expected) {
        error(node, path, "expected " + expected + ", got " + node.describe());
        return null;
    }
}
