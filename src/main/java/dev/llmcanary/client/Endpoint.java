package dev.llmcanary.client;

import java.net.URI;

/** One server of a pool, addressed by its base URL (the flavor's path is appended to it). */
public record Endpoint(String name, URI baseUrl) {
}
