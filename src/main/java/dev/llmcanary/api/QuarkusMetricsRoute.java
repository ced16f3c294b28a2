package dev.llmcanary.api;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Serves {@code /q/metrics} by the same rule as {@code /metrics} ({@link MetricsExposition}), ahead of Quarkus's
 * built-in handler: that one answers a plain {@code Accept: application/openmetrics-text} with 406, gives
 * Prometheus' usual Accept list the text format (exemplars lost), and with {@code version=1.0.0} puts exemplars on
 * {@code _count} samples, which makes Prometheus reject the whole scrape.
 */
@Singleton
public class QuarkusMetricsRoute {

    /** Lower than any route Quarkus adds, so this one answers first. */
    static final int ORDER = -1000;

    private final MetricsExposition exposition;

    public QuarkusMetricsRoute(MetricsExposition exposition) {
        this.exposition = exposition;
    }

    void register(@Observes Router router) {
        // a worker thread: a scrape walks every meter, and the event loops carry the canaries' streams
        router.get("/q/metrics").order(ORDER).blockingHandler(ctx -> {
            MetricsExposition.Page page = exposition.scrape(ctx.request().getHeader("Accept"));
            ctx.response().putHeader("Content-Type", page.contentType()).end(page.body());
        }, false);
    }
}
