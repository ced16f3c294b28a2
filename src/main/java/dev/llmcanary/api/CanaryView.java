package dev.llmcanary.api;

import java.util.List;

/** A canary definition as the API lists it, with the last result on each of its targets. */
public record CanaryView(String id, String description, String sloClass, String api, long intervalSeconds,
                         boolean enabled, String source, List<String> guardrails, List<TargetView> targets) {

    /** One (pool, endpoint, model) the canary runs on and its last run there, if any. */
    public record TargetView(String pool, String endpoint, String model, RunSummary last) {
    }
}
