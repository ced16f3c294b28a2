package dev.llmcanary.canary;

import dev.llmcanary.client.Endpoint;

/** One place a canary runs: a model on one endpoint of one pool. */
public record Target(CanaryDefinition canary, Pool pool, Endpoint endpoint, String model) {
}
