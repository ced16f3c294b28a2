package dev.llmcanary.config;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Substitutes {@code ${NAME}} and {@code ${NAME:default}} in configuration strings from a variable lookup. */
public final class Placeholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]*)(?::([^}]*))?}");

    private final Function<String, Optional<String>> variables;

    public Placeholders(Function<String, Optional<String>> variables) {
        this.variables = variables;
    }

    public static boolean contains(String text) {
        return text != null && text.contains("${");
    }

    /** The text with every placeholder replaced, or the name of the first variable that has no value and no default. */
    public Result substitute(String text) {
        if (!contains(text)) {
            return new Result(text, null);
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1).trim();
            Optional<String> value = name.isEmpty() ? Optional.empty() : variables.apply(name);
            if (value.isEmpty() && m.group(2) == null) {
                return new Result(null, name);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value.orElse(m.group(2))));
        }
        m.appendTail(out);
        return new Result(out.toString(), null);
    }

    /** Either the substituted text or the unresolved variable's name. */
    public record Result(String text, String unresolved) {
    }
}
