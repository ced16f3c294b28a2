package dev.llmcanary.api;

import io.micrometer.prometheus.PrometheusMeterRegistry;

import java.util.Locale;

/**
 * The one exposition rule behind both scrape paths, {@code /metrics} and {@code /q/metrics}: content negotiation the
 * way Prometheus asks, and exemplars only where OpenMetrics allows them ({@link OpenMetricsExemplars}).
 *
 * <p>Prometheus sends a ranked list, e.g. {@code application/openmetrics-text;version=1.0.0,
 * application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*}{@code /*;q=0.1}. The format with
 * the higher {@code q} wins and OpenMetrics wins a tie (it is the one that carries exemplars); no {@code Accept}, or
 * one naming neither format, gets the Prometheus text format, which every scraper reads — never a 406, since a scrape
 * that fails on a header loses every canary metric.
 */
public final class MetricsExposition {

    public static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    public static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsExposition(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /** A scrape body with its content type. */
    public record Page(String contentType, String body) {
    }

    public Page scrape(String accept) {
        if (prefersOpenMetrics(accept)) {
            return new Page(OPENMETRICS, OpenMetricsExemplars.keepAllowed(registry.scrape(OPENMETRICS)));
        }
        return new Page(TEXT, registry.scrape(TEXT));
    }

    /** Whether {@code accept} ranks OpenMetrics at least as high as the text format (and above zero). */
    static boolean prefersOpenMetrics(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        double openMetrics = 0;
        double text = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.regionMatches(true, 0, "q=", 0, 2)) {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (type.equals("application/openmetrics-text")) {
                openMetrics = Math.max(openMetrics, q);
            } else if (type.equals("text/plain")) {
                text = Math.max(text, q);
            }
        }
        return openMetrics > 0 && openMetrics >= text;
    }
}
