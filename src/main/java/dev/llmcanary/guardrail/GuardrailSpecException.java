package dev.llmcanary.guardrail;

/**
 * A guardrail specification that cannot be built. {@link #field()} is the path below the guardrail entry
 * (e.g. {@code pattern} or {@code schema.type}, empty for the entry itself) so the config loader can point
 * at file, line and field.
 */
public class GuardrailSpecException extends Exception {
    private final String field;

    public GuardrailSpecException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
