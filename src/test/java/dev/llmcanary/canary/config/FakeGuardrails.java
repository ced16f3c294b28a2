package dev.llmcanary.canary.config;

import dev.llmcanary.guardrail.GuardrailSpecException;
import dev.llmcanary.guardrail.GuardrailVerdict;

/** Test guardrail factories: the real guardrails are another feature's concern. */
public final class FakeGuardrails {

    private FakeGuardrails() {
    }

    /** Accepts every kind and builds a guardrail that always passes. */
    public static GuardrailFactory accepting() {
        return (kind, spec) -> new dev.llmcanary.guardrail.Guardrail() {
            @Override
            public String name() {
                return kind;
            }

            @Override
            public GuardrailVerdict check(dev.llmcanary.guardrail.Answer answer) {
                return GuardrailVerdict.pass(kind);
            }
        };
    }

    /**
     * Like {@link #accepting()}, but rejects every {@code regex} spec the way a bad pattern would be rejected, and
     * fails with an unchecked exception for the kind {@code broken}.
     */
    public static GuardrailFactory rejectingRegex() {
        GuardrailFactory accept = accepting();
        return (kind, spec) -> {
            if (kind.equals("regex")) {
                throw new GuardrailSpecException("pattern", "invalid regular expression: Unclosed group near index 9");
            }
            if (kind.equals("broken")) {
                throw new IllegalStateException("bug in a guardrail");
            }
            return accept.create(kind, spec);
        };
    }
}
