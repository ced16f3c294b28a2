package dev.llmcanary.client.discovery;

import java.net.URI;
import java.net.URISyntaxException;

/** Base URLs of discovered addresses. */
final class Urls {

    private Urls() {
    }

    /** {@code scheme://host:port}; IPv6 hosts are bracketed by {@link URI} itself. */
    static URI of(String scheme, String host, int port) {
        try {
            return new URI(scheme, null, host, port, null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid host: " + host, e);
        }
    }
}
