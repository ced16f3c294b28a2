package dev.llmcanary.evidence;

import java.util.List;

/** How one normalized {@link Figure} is read from a server's metrics page. */
public sealed interface FigureRule permits FigureRule.Gauge, FigureRule.Mean {

    /**
     * The value of the first of {@code metrics} present on the page (servers renamed metrics across versions, e.g.
     * vLLM's {@code gpu_cache_usage_perc} became {@code kv_cache_usage_perc}), all its series combined, times
     * {@code scale} (e.g. 0.01 for a 0–100 percentage).
     */
    record Gauge(List<String> metrics, double scale) implements FigureRule {
        public Gauge {
            metrics = List.copyOf(metrics);
            if (metrics.isEmpty()) {
                throw new IllegalArgumentException("a gauge rule needs at least one metric");
            }
        }

        public static Gauge of(String... metrics) {
            return new Gauge(List.of(metrics), 1.0);
        }
    }

    /**
     * A mean from two counters — a histogram's or summary's {@code _sum} and {@code _count}, or Triton's cumulative
     * duration and request counters: the increase of {@code sum} over the increase of {@code count} since the
     * previous scrape of the endpoint (since the server started when there is none), times {@code scale}.
     */
    record Mean(String sum, String count, double scale) implements FigureRule {
    }
}
