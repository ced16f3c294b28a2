package dev.llmcanary.simulator;

import java.util.List;
import java.util.Locale;

/**
 * The simulator's {@code /metrics} page in the vocabulary of one real server (vLLM, TGI, llama.cpp or Triton), with
 * values from its {@link SimLoad}: names, types and label shapes as those servers publish them, plus a few series
 * llm-canary does not read, as real pages have.
 */
enum MetricsPage {
    VLLM, TGI, LLAMACPP, TRITON;

    static MetricsPage parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown metrics dialect '" + text + "'; valid: vllm, tgi, llamacpp,"
                    + " triton", e);
        }
    }

    /** The page a server of this stream dialect would serve. */
    static MetricsPage of(Dialect d) {
        return switch (d) {
            case TGI_2, TGI_3 -> TGI;
            case LLAMACPP -> LLAMACPP;
            case TRITON_CUMULATIVE -> TRITON;
            default -> VLLM;
        };
    }

    String render(SimLoad.Snapshot s, List<String> models) {
        StringBuilder b = new StringBuilder(2048);
        switch (this) {
            case VLLM -> {
                String model = models.get(0);
                String l = "{model_name=\"" + model + "\"}";
                gauge(b, "vllm:num_requests_running", "Number of requests currently running on GPU.", l, s.running());
                gauge(b, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", l, s.waiting());
                gauge(b, "vllm:gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage.", l,
                        s.kvCacheRatio());
                counter(b, "vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", l,
                        s.saturated() ? 12 : 0);
                counter(b, "vllm:request_success_total", "Count of successfully processed requests.",
                        "{finished_reason=\"stop\",model_name=\"" + model + "\"}", s.finished());
                histogram(b, "vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase.",
                        "model_name=\"" + model + "\"", s);
            }
            case TGI -> {
                gauge(b, "tgi_queue_size", "Current queue size", "", s.waiting());
                gauge(b, "tgi_batch_current_size", "Current batch size", "", s.running());
                gauge(b, "tgi_batch_current_max_tokens", "Maximum tokens for the current batch", "",
                        s.running() * 512L);
                counter(b, "tgi_request_success", "Number of successful requests", "", s.finished());
                histogram(b, "tgi_request_queue_duration", "Time spent in the queue per request", "", s);
            }
            case LLAMACPP -> {
                counter(b, "llamacpp:prompt_tokens_total", "Number of prompt tokens processed.", "",
                        s.finished() * 12);
                gauge(b, "llamacpp:kv_cache_usage_ratio", "KV-cache usage. 1 means 100 percent usage.", "",
                        s.kvCacheRatio());
                gauge(b, "llamacpp:requests_processing", "Number of requests processing.", "", s.running());
                gauge(b, "llamacpp:requests_deferred", "Number of requests deferred.", "", s.waiting());
            }
            case TRITON -> {
                String l = "{model=\"" + models.get(0) + "\",version=\"1\"}";
                counter(b, "nv_inference_request_success", "Number of successful inference requests, all batch"
                        + " sizes", l, s.finished());
                counter(b, "nv_inference_request_failure", "Number of failed inference requests, all batch sizes",
                        l, 0);
                counter(b, "nv_inference_count", "Number of inferences performed", l, s.finished());
                counter(b, "nv_inference_exec_count", "Number of model executions performed", l, s.finished());
                counter(b, "nv_inference_queue_duration_us", "Cumulative inference queuing duration in"
                        + " microseconds", l, Math.round(s.queueSecondsSum() * 1e6));
                gauge(b, "nv_inference_pending_request_count", "Instantaneous number of pending requests awaiting"
                        + " execution per-model.", l, s.waiting());
                String gpu = "{gpu_uuid=\"GPU-0000-sim\"}";
                gauge(b, "nv_gpu_utilization", "GPU utilization rate [0.0 - 1.0)", gpu, s.gpuUtilization());
                gauge(b, "nv_gpu_memory_total_bytes", "GPU total memory, in bytes", gpu, 80e9);
                gauge(b, "nv_gpu_memory_used_bytes", "GPU used memory, in bytes", gpu, s.gpuMemoryUsedBytes());
            }
        }
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, String labels, double value) {
        family(b, name, help, "gauge").append(name).append(labels).append(' ').append(number(value)).append('\n');
    }

    private static void counter(StringBuilder b, String name, String help, String labels, double value) {
        family(b, name, help, "counter").append(name).append(labels).append(' ').append(number(value)).append('\n');
    }

    private static void histogram(StringBuilder b, String name, String help, String labels, SimLoad.Snapshot s) {
        family(b, name, help, "histogram");
        String sep = labels.isEmpty() ? "" : labels + ",";
        double[] bounds = {0.01, 0.1, 0.5, 1.0};
        for (double le : bounds) {
            long below = s.saturated() && le < SimLoad.SATURATED_QUEUE_MS / 1000.0 ? 0 : s.finished();
            b.append(name).append("_bucket{").append(sep).append("le=\"").append(le).append("\"} ").append(below)
                    .append('\n');
        }
        b.append(name).append("_bucket{").append(sep).append("le=\"+Inf\"} ").append(s.finished()).append('\n');
        String braces = labels.isEmpty() ? "" : "{" + labels + "}";
        b.append(name).append("_sum").append(braces).append(' ').append(number(s.queueSecondsSum())).append('\n');
        b.append(name).append("_count").append(braces).append(' ').append(s.finished()).append('\n');
    }

    private static StringBuilder family(StringBuilder b, String name, String help, String type) {
        return b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
