package dev.llmcanary.evidence;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The metric vocabularies of the inference servers llm-canary ships mappings for, each mapped to the normalized
 * {@link Figure}s. {@link #AUTO} recognizes the server from the names on its page.
 */
public enum MetricsDialect {
    /** vLLM's {@code vllm:*} (its KV-cache "perc" gauges are ratios, 1 = 100 %). */
    VLLM("vllm:", Map.of(
            Figure.REQUESTS_RUNNING, FigureRule.Gauge.of("vllm:num_requests_running"),
            Figure.REQUESTS_WAITING, FigureRule.Gauge.of("vllm:num_requests_waiting"),
            Figure.KV_CACHE_USAGE_RATIO, FigureRule.Gauge.of("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"),
            Figure.QUEUE_TIME_SECONDS, new FigureRule.Mean("vllm:request_queue_time_seconds_sum",
                    "vllm:request_queue_time_seconds_count", 1.0))),
    /** Hugging Face TGI's {@code tgi_*} (no KV-cache gauge; the queue duration histogram is in seconds). */
    TGI("tgi_", Map.of(
            Figure.REQUESTS_RUNNING, FigureRule.Gauge.of("tgi_batch_current_size"),
            Figure.REQUESTS_WAITING, FigureRule.Gauge.of("tgi_queue_size"),
            Figure.QUEUE_TIME_SECONDS, new FigureRule.Mean("tgi_request_queue_duration_sum",
                    "tgi_request_queue_duration_count", 1.0))),
    /** The llama.cpp server's {@code llamacpp:*} (started with {@code --metrics}). */
    LLAMACPP("llamacpp:", Map.of(
            Figure.REQUESTS_RUNNING, FigureRule.Gauge.of("llamacpp:requests_processing"),
            Figure.REQUESTS_WAITING, FigureRule.Gauge.of("llamacpp:requests_deferred"),
            Figure.KV_CACHE_USAGE_RATIO, FigureRule.Gauge.of("llamacpp:kv_cache_usage_ratio"))),
    /**
     * NVIDIA Triton's {@code nv_*} on its metrics port (8002 by default): pending requests, the cumulative queue
     * time in microseconds over successful requests, GPU utilization (a ratio) and memory.
     */
    TRITON("nv_", Map.of(
            Figure.REQUESTS_WAITING, FigureRule.Gauge.of("nv_inference_pending_request_count"),
            Figure.QUEUE_TIME_SECONDS, new FigureRule.Mean("nv_inference_queue_duration_us",
                    "nv_inference_request_success", 1e-6),
            Figure.GPU_UTILIZATION_RATIO, FigureRule.Gauge.of("nv_gpu_utilization"),
            Figure.GPU_MEMORY_USED_BYTES, FigureRule.Gauge.of("nv_gpu_memory_used_bytes"))),
    /** Whichever of the above the page's metric names belong to. */
    AUTO("", Map.of());

    private final String prefix;
    private final Map<Figure, FigureRule> rules;

    MetricsDialect(String prefix, Map<Figure, FigureRule> rules) {
        this.prefix = prefix;
        EnumMap<Figure, FigureRule> m = new EnumMap<>(Figure.class);
        m.putAll(rules);
        this.rules = Collections.unmodifiableMap(m);
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The prefix every metric of this dialect starts with. */
    public String prefix() {
        return prefix;
    }

    /** The shipped mapping (empty for {@link #AUTO}). */
    public Map<Figure, FigureRule> rules() {
        return rules;
    }

    /** The concrete dialects, in the order {@link #AUTO} tries them. */
    public static List<MetricsDialect> concrete() {
        return List.of(VLLM, TGI, LLAMACPP, TRITON);
    }

    public static Optional<MetricsDialect> fromId(String id) {
        for (MetricsDialect d : values()) {
            if (d.id().equals(id)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
