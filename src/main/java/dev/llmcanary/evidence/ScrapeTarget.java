package dev.llmcanary.evidence;

import java.net.URI;

/** One endpoint evidence is read for: its pool and name (for PromQL placeholders) and base URL. */
public record ScrapeTarget(String pool, String endpoint, URI baseUrl) {

    /** The rate limit and the "before" cache are per endpoint address. */
    String key() {
        return pool + "/" + endpoint + "@" + baseUrl;
    }

    /** {@code host:port} as Prometheus' {@code instance} label usually has it. */
    String instance() {
        int port = baseUrl.getPort() >= 0 ? baseUrl.getPort() : "https".equalsIgnoreCase(baseUrl.getScheme()) ? 443 : 80;
        return baseUrl.getHost() + ":" + port;
    }
}
