package dev.llmcanary.gate.config;

/** What an inconclusive verdict answers to a pipeline: fail (the default: fail-closed) or pass. */
public enum InconclusivePolicy {
    FAIL, PASS
}
