package dev.llmcanary.guardrail;

/** The result of one guardrail: its name, whether it passed and, when it failed, why (never containing answer text). */
public record GuardrailVerdict(String name, boolean passed, String reason) {

    public static GuardrailVerdict pass(String name) {
        return new GuardrailVerdict(name, true, null);
    }

    public static GuardrailVerdict fail(String name, String reason) {
        return new GuardrailVerdict(name, false, reason);
    }
}
