package dev.llmcanary.client.discovery;

import java.time.Duration;

/**
 * Where a pool finds endpoints beyond its static list: a DNS name whose records are re-resolved, or Kubernetes
 * EndpointSlices that are watched. Discovered endpoints are added to the pool's static ones at run time.
 */
public sealed interface Discovery {

    /** Every A/AAAA record of {@code name} is one endpoint {@code scheme://address:port}, re-resolved every refresh. */
    record Dns(String name, int port, String scheme, Duration refresh) implements Discovery {
    }

    /**
     * Every ready address of the EndpointSlices in {@code namespace} that {@code selector} selects is one endpoint;
     * the port is the slice port called {@code portName}, or the fixed {@code port} when no name is given.
     */
    record Kubernetes(String namespace, String selector, String portName, Integer port, String scheme)
            implements Discovery {
    }
}
