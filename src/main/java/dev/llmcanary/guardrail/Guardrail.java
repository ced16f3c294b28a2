package dev.llmcanary.guardrail;

/** A content check on the assembled answer of one canary run. Implementations are immutable and thread-safe. */
public interface Guardrail {

    /** The guardrail's configured name, used as the {@code guardrail} metric label (e.g. {@code contains}, {@code no_pii}). */
    String name();

    /** Checks the answer; never throws, a failure carries a reason a person can act on (never the answer text itself). */
    GuardrailVerdict check(Answer answer);
}
