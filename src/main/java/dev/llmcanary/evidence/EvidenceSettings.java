package dev.llmcanary.evidence;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * A pool's {@code evidence:} block: where its servers' own figures are read and how often.
 *
 * @param serverMetrics each endpoint's own Prometheus text page, or {@code null}
 * @param prometheus    a Prometheus server queried per endpoint, or {@code null}
 * @param minInterval   at most one scrape per endpoint per this (both sources together)
 * @param maxAge        the newest scrape counts as "before the run" only when at most this old
 * @param timeout       the limit of each scrape request, connecting included
 */
public record EvidenceSettings(ServerMetrics serverMetrics, PrometheusSource prometheus, Duration minInterval,
                               Duration maxAge, Duration timeout) {

    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final String DEFAULT_PATH = "/metrics";

    /**
     * The endpoint's own metrics page.
     *
     * @param port      another port than the endpoint's (Triton serves metrics on 8002), or {@code null}
     * @param overrides rules replacing the dialect's shipped ones, by figure
     */
    public record ServerMetrics(MetricsDialect dialect, String path, Integer port, Map<Figure, FigureRule> overrides) {
        public ServerMetrics {
            overrides = Map.copyOf(overrides);
        }
    }

    /**
     * A Prometheus server and the instant queries to run for each endpoint.
     *
     * @param queries figure name (one of {@link Figure} or another name of the operator's) to PromQL, with
     *                {@code ${pool}}, {@code ${endpoint}} and {@code ${instance}} (the endpoint's host:port)
     *                substituted per endpoint
     */
    public record PrometheusSource(URI url, Map<String, String> queries) {
        public PrometheusSource {
            queries = Map.copyOf(queries);
        }
    }

    /** What the evidence names as its source, e.g. {@code vllm /metrics + prometheus}. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (serverMetrics != null) {
            s.append(serverMetrics.dialect().id()).append(' ').append(serverMetrics.path());
        }
        if (prometheus != null) {
            s.append(s.length() > 0 ? " + " : "").append("prometheus");
        }
        return s.toString();
    }
}
