package dev.llmcanary.canary.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmcanary.guardrail.Guardrail;
import dev.llmcanary.guardrail.GuardrailSpecException;
import dev.llmcanary.guardrail.Guardrails;

/** Builds one guardrail from its kind and YAML spec; a seam so the loader can be tested without real guardrails. */
@FunctionalInterface
public interface GuardrailFactory {

    Guardrail create(String kind, JsonNode spec) throws GuardrailSpecException;

    /** The product's guardrails. */
    static GuardrailFactory standard() {
        return Guardrails::create;
    }
}
