package dev.llmcanary.api;

import java.util.List;

/** The answer to a triggered check of a pool: every endpoint's fresh health and model check. */
public record PoolChecksResponse(String pool, List<PoolView.EndpointView> endpoints) {
}
