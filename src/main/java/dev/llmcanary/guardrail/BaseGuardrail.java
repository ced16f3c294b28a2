package dev.llmcanary.guardrail;

import java.util.Objects;

/**
 * The shared shell of every guardrail: it normalises a missing answer text to "", turns a failure reason into a
 * verdict and keeps {@link Guardrail#check} from ever throwing, so one faulty check cannot break a canary run.
 */
abstract class BaseGuardrail implements Guardrail {

    private final String name;

    BaseGuardrail(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final GuardrailVerdict check(Answer answer) {
        String text = answer == null || answer.text() == null ? "" : answer.text();
        String finishReason = answer == null ? null : answer.finishReason();
        try {
            String reason = failureReason(text, finishReason);
            return reason == null ? GuardrailVerdict.pass(name) : GuardrailVerdict.fail(name, reason);
        } catch (RuntimeException | StackOverflowError e) {
            // Only the class: an exception message may quote the answer.
            return GuardrailVerdict.fail(name, "guardrail error: " + e.getClass().getName());
        }
    }

    /**
     * Checks the answer.
     *
     * @param text         the answer text, never null
     * @param finishReason the normalised finish reason, may be null
     * @return null when the answer passes, otherwise a one-line reason that never quotes the answer
     */
    abstract String failureReason(String text, String finishReason);
}
