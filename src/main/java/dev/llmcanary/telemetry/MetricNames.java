package dev.llmcanary.telemetry;

/**
 * Every metric name and label of llm-canary, defined once. Names are given without the suffixes Micrometer's
 * Prometheus registry adds: counters gain {@code _total}, timers are published in seconds as {@code _seconds}.
 * The Prometheus names are part of the product's contract (see docs/observability.md, "Metrics").
 */
public final class MetricNames {

    /**
     * {@code llm_canary_runs_total{pool,model,slo_class,canary,outcome,trigger}}: every run, by what started it
     * ({@code schedule}, {@code api}, {@code gate}); SLO rules and alerts select {@code trigger="schedule"}. Every
     * other run series below is fed by scheduled runs only.
     */
    public static final String RUNS = "llm_canary_runs";
    /** {@code llm_canary_success{pool,endpoint,model,slo_class,canary}}: 1 if the last scheduled run passed, else 0. */
    public static final String SUCCESS = "llm_canary_success";
    /** {@code llm_canary_ttft_seconds{pool,model,slo_class}}: first token − request written. */
    public static final String TTFT = "llm_canary_ttft";
    /** {@code llm_canary_inter_token_latency_seconds{pool,model,slo_class}}: one observation per chunk gap. */
    public static final String INTER_TOKEN_LATENCY = "llm_canary_inter_token_latency";
    /** {@code llm_canary_e2e_seconds{pool,model,slo_class}}: last token − request written; complete answers. */
    public static final String E2E = "llm_canary_e2e";
    /** {@code llm_canary_output_tokens_per_second{pool,model,slo_class}}: complete, measurable answers only. */
    public static final String OUTPUT_TOKENS_PER_SECOND = "llm_canary_output_tokens_per_second";
    /** {@code llm_canary_output_tokens_total{pool,model}}: every run's, whatever started it (tokens spent). */
    public static final String OUTPUT_TOKENS = "llm_canary_output_tokens";
    /** {@code llm_canary_stream_violations_total{pool,model,rule}}. */
    public static final String STREAM_VIOLATIONS = "llm_canary_stream_violations";
    /** {@code llm_canary_guardrail_results_total{pool,model,guardrail,result}}. */
    public static final String GUARDRAIL_RESULTS = "llm_canary_guardrail_results";
    /** {@code llm_canary_run_errors_total{pool,endpoint,kind}}: runs that could not start, by transport failure. */
    public static final String RUN_ERRORS = "llm_canary_run_errors";
    /**
     * {@code llm_canary_endpoint_up{pool,endpoint}}: 1 if the endpoint's health route (the flavor's) answered 2xx
     * within the timeout at the last check, else 0.
     */
    public static final String ENDPOINT_UP = "llm_canary_endpoint_up";
    /**
     * {@code llm_canary_model_served{pool,endpoint,model}}: 1 if the endpoint's {@code /v1/models} listed the model at
     * the last check, else 0; only for OpenAI-compatible flavors, and absent while the list cannot be read.
     */
    public static final String MODEL_SERVED = "llm_canary_model_served";
    /**
     * Gauge, 1 when the endpoint's latest answer agrees with its pool's majority for the canary, 0 when it diverges;
     * absent when it cannot be judged (fewer than three endpoints answered, or no majority).
     */
    public static final String REPLICA_CONSISTENT = "llm_canary_replica_consistent";
    /**
     * Counter, changes of what an endpoint says it serves, by {@link #SOURCE}: the {@code system_fingerprint} and
     * {@code Server} header of its scheduled canary streams, and what its endpoint checks read ({@code /v1/models}
     * {@code root}, TGI {@code /info}, llama.cpp {@code /props}, Triton model metadata).
     */
    public static final String MODEL_IDENTITY_CHANGES = "llm_canary_model_identity_changes_total";
    /**
     * {@code llm_canary_config_last_reload_successful}: 1 when the last load of the canary configuration (canaries,
     * pools, SLO classes, gate suites) succeeded. Load-probe scenarios have their own status below.
     */
    public static final String CONFIG_RELOAD_SUCCESSFUL = "llm_canary_config_last_reload_successful";
    /** {@code llm_canary_config_last_reload_timestamp_seconds}: Unix time of the last load attempt. */
    public static final String CONFIG_RELOAD_TIMESTAMP = "llm_canary_config_last_reload_timestamp";
    /**
     * {@code llm_canary_scenarios_last_reload_successful}: 1 when the last load of the load-probe scenarios found no
     * error (scenarios disabled for an unconfigured pool are not errors); 0 keeps the last good scenarios.
     */
    public static final String SCENARIOS_RELOAD_SUCCESSFUL = "llm_canary_scenarios_last_reload_successful";
    /**
     * {@code llm_canary_scenarios_disabled}: scenarios left out at the last load because the pool they name is not
     * configured (e.g. the shipped examples, written for the simulator's pools); each is logged with file:line.
     */
    public static final String SCENARIOS_DISABLED = "llm_canary_scenarios_disabled";
    /** {@code llm_canary_scheduled_jobs{pool}}: scheduled jobs (canary × endpoint × model) on the pool. */
    public static final String SCHEDULED_JOBS = "llm_canary_scheduled_jobs";
    /**
     * {@code llm_canary_skipped_runs_total{pool,reason,trigger}}: runs that did not start — scheduled ticks skipped
     * ({@code trigger="schedule"}), on-demand triggers refused ({@code api}), gate runs skipped ({@code gate}); reason
     * is {@code overlap}, {@code concurrency}, {@code budget}, {@code quiet_window}, {@code circuit_open},
     * {@code rate_limited} or {@code claimed_elsewhere}.
     */
    public static final String SKIPPED_RUNS = "llm_canary_skipped_runs";
    /**
     * {@code llm_canary_budget_tokens_remaining{pool}}: what is left of the pool's
     * {@code canary_token_budget_per_hour} over the last hour (never below 0); only for pools with a budget.
     */
    public static final String BUDGET_TOKENS_REMAINING = "llm_canary_budget_tokens_remaining";
    /**
     * {@code llm_canary_endpoint_circuit_state{pool,endpoint}}: the circuit breaker of the endpoint's scheduled runs,
     * 0 closed, 1 open, 2 half-open (its delay has passed; the next scheduled run probes).
     */
    public static final String ENDPOINT_CIRCUIT_STATE = "llm_canary_endpoint_circuit_state";
    /**
     * {@code llm_canary_connect_retries_total{pool,endpoint}}: times establishing a run's connection (refused,
     * connect timeout, DNS) was tried again before the request was written.
     */
    public static final String CONNECT_RETRIES = "llm_canary_connect_retries";
    /**
     * {@code llm_canary_client_pool_wait_seconds{pool}}: how long a run queued for a connection of the canary's own
     * client pool (every connection to the endpoint busy); 0 when one was free or newly connected. A canary-side
     * wait, kept out of TTFT.
     */
    public static final String CLIENT_POOL_WAIT = "llm_canary_client_pool_wait";
    /**
     * {@code llm_canary_client_streams_started_total{event_loop}}: streams the client started on each of its event
     * loops ({@code "0"} to loops − 1, so bounded by the loop count); an even spread shows every core is used.
     */
    public static final String CLIENT_STREAMS_STARTED = "llm_canary_client_streams_started";
    /** {@code llm_canary_client_streams_in_flight{event_loop}}: streams running on each event loop now. */
    public static final String CLIENT_STREAMS_IN_FLIGHT = "llm_canary_client_streams_in_flight";

    /** {@code llm_canary_store_dropped_results_total}: results lost while the database was down and the buffer full. */
    public static final String STORE_DROPPED_RESULTS = "llm_canary_store_dropped_results";
    /** {@code llm_canary_store_buffered_results}: results waiting in memory for the database. */
    public static final String STORE_BUFFERED_RESULTS = "llm_canary_store_buffered_results";
    /**
     * {@code llm_canary_store_up}: 1 when the run store's last statement (claim, write, heartbeat) succeeded, 0 while
     * it cannot be reached (ticks are then decided by the outage share, results buffered).
     */
    public static final String STORE_UP = "llm_canary_store_up";
    /**
     * {@code llm_canary_store_pruned_runs_total{reason}}: stored runs deleted by retention; reason {@code age} (past
     * their retention) or {@code size} (over {@code max-runs}, oldest passes first).
     */
    public static final String STORE_PRUNED_RUNS = "llm_canary_store_pruned_runs";
    /**
     * {@code llm_canary_slot_claims_total{result}}: how scheduled ticks were decided when replicas share the store:
     * {@code won}, {@code taken} (another replica's), {@code in_doubt} (no answer within the claim budget: run),
     * {@code own_share} / {@code other_share} (store down: this replica's deterministic share, or not).
     */
    public static final String SLOT_CLAIMS = "llm_canary_slot_claims";
    /** {@code llm_canary_cancelled_runs_total{pool}}: runs cut by llm-canary's own shutdown (in no SLO figure). */
    public static final String CANCELLED_RUNS = "llm_canary_cancelled_runs";

    /** {@code llm_loadprobe_active{pool}}: 1 while a load probe runs on the pool, else 0 (every configured pool). */
    public static final String LOADPROBE_ACTIVE = "llm_loadprobe_active";
    /** {@code llm_loadprobe_runs_total{pool,scenario,verdict}}: finished probes by verdict. */
    public static final String LOADPROBE_RUNS = "llm_loadprobe_runs";
    /** {@code llm_loadprobe_ttft_seconds{pool,scenario,quantile}}: the last probe's TTFT p50/p95/p99. */
    public static final String LOADPROBE_TTFT = "llm_loadprobe_ttft_seconds";
    /** {@code llm_loadprobe_achieved_rate{pool,scenario}}: the last probe's achieved arrivals per second. */
    public static final String LOADPROBE_ACHIEVED_RATE = "llm_loadprobe_achieved_rate";
    /** {@code llm_loadprobe_output_tokens_per_second{pool,scenario}}: the last probe's output token throughput. */
    public static final String LOADPROBE_OUTPUT_TOKENS_PER_SECOND = "llm_loadprobe_output_tokens_per_second";
    /** {@code llm_canary_gate_verdicts_total}: finished deployment gates by suite and verdict (pass/fail/inconclusive). */
    public static final String GATE_VERDICTS = "llm_canary_gate_verdicts";

    /*
     * The OpenTelemetry GenAI client metrics (semantic conventions, stability "development"), next to our contract so
     * dashboards built for the conventions work unchanged. Dotted names as the conventions give them (OTLP export);
     * Micrometer's Prometheus form is gen_ai_client_operation_duration_seconds, gen_ai_client_token_usage, …
     * Fed by scheduled runs only; attributes are the conventions' (SpanNames.GEN_AI_*, SERVER_*, ERROR_TYPE).
     */
    /**
     * {@code gen_ai.client.operation.duration} (s): request written → stream closed (a run that could not start:
     * attempt start → failure), with error.type on failures.
     */
    public static final String GEN_AI_OPERATION_DURATION = "gen_ai.client.operation.duration";
    /** {@code gen_ai.client.token.usage} ({token}): input and output tokens the server reported (never estimates). */
    public static final String GEN_AI_TOKEN_USAGE = "gen_ai.client.token.usage";
    /** {@code gen_ai.client.operation.time_to_first_chunk} (s): request written → first data event. */
    public static final String GEN_AI_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
    /** {@code gen_ai.client.operation.time_per_output_chunk} (s): each gap between token-bearing chunks. */
    public static final String GEN_AI_TIME_PER_OUTPUT_CHUNK = "gen_ai.client.operation.time_per_output_chunk";

    public static final String POOL = "pool";
    /** The client's event-loop index, {@code 0} to loops − 1 (never a thread name). */
    public static final String EVENT_LOOP = "event_loop";
    public static final String ENDPOINT = "endpoint";
    public static final String MODEL = "model";
    public static final String SLO_CLASS = "slo_class";
    public static final String CANARY = "canary";
    public static final String OUTCOME = "outcome";
    /** What started a run: {@code schedule}, {@code api} or {@code gate} ({@code canary.run.Trigger}). */
    public static final String TRIGGER = "trigger";
    public static final String RULE = "rule";
    public static final String GUARDRAIL = "guardrail";
    public static final String RESULT = "result";
    public static final String KIND = "kind";
    public static final String REASON = "reason";
    public static final String SCENARIO = "scenario";
    public static final String VERDICT = "verdict";
    public static final String QUANTILE = "quantile";
    public static final String SUITE = "suite";
    /** Where a piece of model identity was read: a fixed name from {@code consistency.IdentitySource}. */
    public static final String SOURCE = "source";

    private MetricNames() {
    }
}
