package dev.llmcanary.client.discovery;

import dev.llmcanary.config.Durations;
import dev.llmcanary.config.Fields;
import dev.llmcanary.config.YamlNode;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Binds a pool's {@code discovery:} block (exactly one of {@code dns} or {@code kubernetes}). */
public final class DiscoveryBinder {

    static final List<String> KEYS = List.of("dns", "kubernetes");
    static final List<String> DNS_KEYS = List.of("name", "port", "scheme", "refresh");
    static final List<String> KUBERNETES_KEYS = List.of("namespace", "selector", "port_name", "port", "scheme");
    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);
    static final Duration MIN_REFRESH = Duration.ofSeconds(1);
    static final String DEFAULT_SCHEME = "http";

    private DiscoveryBinder() {
    }

    /** The discovery under {@code key} of the pool, or {@code null} when absent or after reporting problems. */
    public static Discovery bind(Fields pool, String key) {
        YamlNode.Mapping m = pool.mapping(key);
        if (m == null) {
            return null;
        }
        Fields f = new Fields(pool.values(), m, pool.path(key), KEYS);
        boolean dns = f.has("dns");
        boolean kubernetes = f.has("kubernetes");
        if (dns == kubernetes) {
            pool.error(key, "must declare exactly one of dns, kubernetes");
            return null;
        }
        int before = f.values().problems().count();
        Discovery d = dns ? dns(f) : kubernetes(f);
        return f.values().problems().count() == before ? d : null;
    }

    private static Discovery dns(Fields parent) {
        YamlNode.Mapping m = parent.mapping("dns");
        if (m == null) {
            return null;
        }
        Fields f = new Fields(parent.values(), m, parent.path("dns"), DNS_KEYS);
        String name = f.requiredString("name");
        if (name != null && name.isBlank()) {
            f.error("name", "must not be empty");
            name = null;
        }
        Integer port = port(f, "port", true);
        String scheme = scheme(f);
        Duration refresh = f.has("refresh") ? f.duration("refresh") : DEFAULT_REFRESH;
        if (refresh != null && refresh.compareTo(MIN_REFRESH) < 0) {
            f.error("refresh", "must be at least 1s, got " + Durations.format(refresh));
            refresh = null;
        }
        if (name == null || port == null || scheme == null || refresh == null) {
            return null;
        }
        return new Discovery.Dns(name, port, scheme, refresh);
    }

    private static Discovery kubernetes(Fields parent) {
        YamlNode.Mapping m = parent.mapping("kubernetes");
        if (m == null) {
            return null;
        }
        Fields f = new Fields(parent.values(), m, parent.path("kubernetes"), KUBERNETES_KEYS);
        String namespace = f.matching("namespace", true, KUBERNETES_NAME, "a Kubernetes namespace");
        String selector = f.requiredString("selector");
        if (selector != null && selector.isBlank()) {
            f.error("selector", "must not be empty");
            selector = null;
        }
        String portName = f.string("port_name");
        Integer port = port(f, "port", false);
        boolean portOk = true;
        if (f.has("port_name") == f.has("port")) {
            f.values().error(m, f.path("port_name"), "give exactly one of port_name, port");
            portOk = false;
        }
        String scheme = scheme(f);
        if (namespace == null || selector == null || !portOk || (portName == null && port == null) || scheme == null) {
            return null;
        }
        return new Discovery.Kubernetes(namespace, selector, portName, port, scheme);
    }

    static final java.util.regex.Pattern KUBERNETES_NAME = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private static Integer port(Fields f, String key, boolean required) {
        if (required && f.required(key) == null) {
            return null;
        }
        Long p = f.integer(key);
        if (p == null) {
            return null;
        }
        if (p < 1 || p > 65535) {
            f.error(key, "must be between 1 and 65535, got " + p);
            return null;
        }
        return p.intValue();
    }

    private static String scheme(Fields f) {
        String s = f.string("scheme");
        if (s == null) {
            return f.has("scheme") ? null : DEFAULT_SCHEME;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (!lower.equals("http") && !lower.equals("https")) {
            f.error("scheme", "unknown value \"" + s + "\"; valid: http, https");
            return null;
        }
        return lower;
    }
}
