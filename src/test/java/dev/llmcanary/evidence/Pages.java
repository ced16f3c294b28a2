package dev.llmcanary.evidence;

/** Metrics pages as each server publishes them (names, types and label shapes from their documentation). */
final class Pages {

    static final String VLLM = """
            # HELP vllm:num_requests_running Number of requests currently running on GPU.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{model_name="llama-8b"} 4.0
            # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{model_name="llama-8b"} 37.0
            # TYPE vllm:gpu_cache_usage_perc gauge
            vllm:gpu_cache_usage_perc{model_name="llama-8b"} 0.98
            # TYPE vllm:request_queue_time_seconds histogram
            vllm:request_queue_time_seconds_bucket{le="0.5",model_name="llama-8b"} 2.0
            vllm:request_queue_time_seconds_bucket{le="+Inf",model_name="llama-8b"} 10.0
            vllm:request_queue_time_seconds_sum{model_name="llama-8b"} 12.5
            vllm:request_queue_time_seconds_count{model_name="llama-8b"} 10.0
            # TYPE vllm:num_preemptions_total counter
            vllm:num_preemptions_total{model_name="llama-8b"} 3.0
            """;

    static final String TGI = """
            # TYPE tgi_queue_size gauge
            tgi_queue_size 5
            # TYPE tgi_batch_current_size gauge
            tgi_batch_current_size 8
            # TYPE tgi_request_queue_duration histogram
            tgi_request_queue_duration_bucket{le="0.1"} 1
            tgi_request_queue_duration_bucket{le="+Inf"} 4
            tgi_request_queue_duration_sum 2.0
            tgi_request_queue_duration_count 4
            """;

    static final String LLAMACPP = """
            # HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.
            # TYPE llamacpp:prompt_tokens_total counter
            llamacpp:prompt_tokens_total 1234
            # TYPE llamacpp:kv_cache_usage_ratio gauge
            llamacpp:kv_cache_usage_ratio 0.25
            # TYPE llamacpp:requests_processing gauge
            llamacpp:requests_processing 1
            # TYPE llamacpp:requests_deferred gauge
            llamacpp:requests_deferred 0
            """;

    static final String TRITON = """
            # HELP nv_inference_request_success Number of successful inference requests, all batch sizes
            # TYPE nv_inference_request_success counter
            nv_inference_request_success{model="ensemble",version="1"} 60
            nv_inference_request_success{model="llm",version="1"} 40
            # TYPE nv_inference_queue_duration_us counter
            nv_inference_queue_duration_us{model="ensemble",version="1"} 3000000
            nv_inference_queue_duration_us{model="llm",version="1"} 2000000
            # TYPE nv_inference_pending_request_count gauge
            nv_inference_pending_request_count{model="ensemble",version="1"} 2
            nv_inference_pending_request_count{model="llm",version="1"} 1
            # TYPE nv_gpu_utilization gauge
            nv_gpu_utilization{gpu_uuid="GPU-a"} 0.5
            nv_gpu_utilization{gpu_uuid="GPU-b"} 0.9
            # TYPE nv_gpu_memory_used_bytes gauge
            nv_gpu_memory_used_bytes{gpu_uuid="GPU-a"} 1e10
            nv_gpu_memory_used_bytes{gpu_uuid="GPU-b"} 2e10
            """;

    private Pages() {
    }
}
