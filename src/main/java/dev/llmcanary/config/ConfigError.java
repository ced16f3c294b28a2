package dev.llmcanary.config;

/**
 * One problem in the configuration, pointing at the file, the 1-based line and column (0 when unknown) and the
 * field path, e.g. {@code canaries[0].guardrails[1].regex.pattern}.
 */
public record ConfigError(String file, int line, int column, String field, String message) {

    /** {@code canaries/foo.yaml:12:5: canaries[0].guardrails[1].regex.pattern: invalid regular expression: ...}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(file);
        if (line > 0) {
            s.append(':').append(line).append(':').append(column);
        }
        s.append(": ");
        if (field != null && !field.isEmpty()) {
            s.append(field).append(": ");
        }
        return s.append(message).toString();
    }
}
