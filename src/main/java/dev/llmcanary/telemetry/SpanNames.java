package dev.llmcanary.telemetry;

import dev.llmcanary.evidence.Figure;
import io.opentelemetry.api.common.AttributeKey;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every span name, event name and attribute key of llm-canary, defined once. GenAI keys follow the OpenTelemetry
 * GenAI semantic conventions; product keys live under {@code llm_canary.}.
 */
public final class SpanNames {

    public static final AttributeKey<String> GEN_AI_OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> GEN_AI_PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    public static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<Long> GEN_AI_REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    public static final AttributeKey<Boolean> GEN_AI_REQUEST_STREAM = AttributeKey.booleanKey("gen_ai.request.stream");
    public static final AttributeKey<Double> GEN_AI_REQUEST_TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    public static final AttributeKey<Double> GEN_AI_REQUEST_TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    public static final AttributeKey<Long> GEN_AI_REQUEST_SEED = AttributeKey.longKey("gen_ai.request.seed");
    public static final AttributeKey<List<String>> GEN_AI_REQUEST_STOP_SEQUENCES =
            AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");
    public static final AttributeKey<String> GEN_AI_RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    /** The model the stream named (OpenAI {@code model}, Triton {@code model_name}, llama.cpp {@code model}). */
    public static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    public static final AttributeKey<List<String>> GEN_AI_RESPONSE_FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    /** On {@code gen_ai.client.token.usage}: {@code input} or {@code output}. */
    public static final AttributeKey<String> GEN_AI_TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    public static final AttributeKey<String> CANARY = AttributeKey.stringKey("llm_canary.canary");
    public static final AttributeKey<String> POOL = AttributeKey.stringKey("llm_canary.pool");
    public static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("llm_canary.endpoint");
    public static final AttributeKey<String> DEVICE_TYPE = AttributeKey.stringKey("llm_canary.device_type");
    public static final AttributeKey<String> SLO_CLASS = AttributeKey.stringKey("llm_canary.slo_class");
    public static final AttributeKey<String> CONTEXT_BUCKET = AttributeKey.stringKey("llm_canary.context_bucket");
    public static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("llm_canary.run_id");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("llm_canary.outcome");
    /** What started the run: {@code schedule}, {@code api} or {@code gate}. */
    public static final AttributeKey<String> TRIGGER = AttributeKey.stringKey("llm_canary.trigger");
    /** The finish reason of a run whose response ended without one (aborted, errored), as the conventions ask. */
    public static final String FINISH_REASON_ERROR = "error";
    public static final AttributeKey<Boolean> OUTPUT_TOKENS_ESTIMATED =
            AttributeKey.booleanKey("llm_canary.output_tokens_estimated");
    /** Output tokens estimated from token-bearing chunks when the server reported no usage (never 0). */
    public static final AttributeKey<Long> OUTPUT_TOKENS_ESTIMATE =
            AttributeKey.longKey("llm_canary.output_tokens_estimate");
    public static final AttributeKey<Double> TTFT_SECONDS = AttributeKey.doubleKey("llm_canary.ttft_seconds");
    /** Seconds the run queued for a connection of the canary's own client pool (not part of TTFT). */
    public static final AttributeKey<Double> POOL_WAIT_SECONDS = AttributeKey.doubleKey("llm_canary.pool_wait_seconds");

    /** Event: the first token-bearing chunk arrived. */
    public static final String EVENT_FIRST_TOKEN = "llm_canary.first_token";
    /** Event each time the output tokens pass another multiple of N, with {@link #TOKENS_EMITTED} so far. */
    public static final String EVENT_TOKENS_EMITTED = "llm_canary.tokens_emitted";
    public static final AttributeKey<Long> TOKENS_EMITTED = AttributeKey.longKey("llm_canary.tokens_emitted");
    /**
     * What {@link #TOKENS_EMITTED} was counted from: {@value #COUNTED_FROM_USAGE} (the server's usage, streamed with
     * its tokens) or {@value #COUNTED_FROM_CHUNKS} (token-bearing chunks, when usage comes at the end or never).
     */
    public static final AttributeKey<String> TOKENS_COUNTED_FROM =
            AttributeKey.stringKey("llm_canary.tokens_emitted.counted_from");
    public static final String COUNTED_FROM_CHUNKS = "chunks";
    public static final String COUNTED_FROM_USAGE = "usage";
    /** Event: a stall was detected while streaming, with {@link #GAP_SECONDS}. */
    public static final String EVENT_STALL = "llm_canary.stall";
    public static final AttributeKey<Double> GAP_SECONDS = AttributeKey.doubleKey("llm_canary.gap_seconds");
    /** Event: establishing the connection failed before the request was written and is retried, with its kind. */
    public static final String EVENT_CONNECT_RETRY = "llm_canary.connect_retry";
    public static final AttributeKey<String> CONNECT_RETRY_KIND = AttributeKey.stringKey("llm_canary.connect_retry.kind");
    /** Event: a stream rule was broken, with {@link #RULE} and {@link #REASON}. */
    public static final String EVENT_VIOLATION = "llm_canary.stream_violation";
    public static final AttributeKey<String> RULE = AttributeKey.stringKey("llm_canary.rule");
    public static final AttributeKey<String> REASON = AttributeKey.stringKey("llm_canary.reason");
    /**
     * Event: the endpoint's stream reports another identity ({@code system_fingerprint}, {@code Server} header) than
     * on its previous scheduled run, with {@link #IDENTITY_SOURCE}, {@link #IDENTITY_FROM} and {@link #IDENTITY_TO}.
     */
    public static final String EVENT_IDENTITY_CHANGED = "llm_canary.identity_changed";
    /** Where the changed identity was read: {@code fingerprint} or {@code server} ({@code IdentitySource}). */
    public static final AttributeKey<String> IDENTITY_SOURCE = AttributeKey.stringKey("llm_canary.identity.source");
    public static final AttributeKey<String> IDENTITY_FROM = AttributeKey.stringKey("llm_canary.identity.from");
    public static final AttributeKey<String> IDENTITY_TO = AttributeKey.stringKey("llm_canary.identity.to");
    /** Event: a guardrail failed, with {@link #GUARDRAIL} and {@link #REASON}. */
    public static final String EVENT_GUARDRAIL_FAILED = "llm_canary.guardrail_failed";
    public static final AttributeKey<String> GUARDRAIL = AttributeKey.stringKey("llm_canary.guardrail");

    /** Server evidence of a failed or slow run: what it was read from and the hint, if a pattern matched. */
    public static final AttributeKey<String> EVIDENCE_SOURCE = AttributeKey.stringKey("llm_canary.evidence.source");
    public static final AttributeKey<String> EVIDENCE_HINT = AttributeKey.stringKey("llm_canary.evidence.hint");
    /** Each normalized server figure just before the run, e.g. {@code llm_canary.evidence.before.requests_waiting}. */
    public static final Map<Figure, AttributeKey<Double>> EVIDENCE_BEFORE = figureKeys("llm_canary.evidence.before.");
    /** Each normalized server figure just after the run, e.g. {@code llm_canary.evidence.after.kv_cache_usage_ratio}. */
    public static final Map<Figure, AttributeKey<Double>> EVIDENCE_AFTER = figureKeys("llm_canary.evidence.after.");
    /** Span: one deployment gate, from start to verdict; one event per criterion. */
    public static final String SPAN_GATE = "llm_canary.gate";
    /** Event on the gate span: one criterion's verdict. */
    public static final String EVENT_GATE_CRITERION = "llm_canary.gate.criterion";
    public static final AttributeKey<String> GATE_ID = AttributeKey.stringKey("llm_canary.gate.id");
    public static final AttributeKey<String> GATE_SUITE = AttributeKey.stringKey("llm_canary.gate.suite");
    public static final AttributeKey<String> GATE_VERDICT = AttributeKey.stringKey("llm_canary.gate.verdict");
    public static final AttributeKey<Long> GATE_SCORE = AttributeKey.longKey("llm_canary.gate.score");
    public static final AttributeKey<String> GATE_CRITERION = AttributeKey.stringKey("llm_canary.gate.criterion");
    public static final AttributeKey<Double> GATE_P_VALUE = AttributeKey.doubleKey("llm_canary.gate.p_value");
    /** The gate's baseline: {@code none}, {@code pool}, {@code window} or {@code gate}, and what it names. */
    public static final AttributeKey<String> GATE_BASELINE_KIND = AttributeKey.stringKey("llm_canary.gate.baseline.kind");
    public static final AttributeKey<String> GATE_BASELINE_REF = AttributeKey.stringKey("llm_canary.gate.baseline.ref");
    public static final AttributeKey<Long> GATE_PLANNED_RUNS = AttributeKey.longKey("llm_canary.gate.planned_runs");

    /** Our instrumentation scope, so backends can select the canary's own spans. */
    public static final String SCOPE = "dev.llmcanary";

    private SpanNames() {
    }

    private static Map<Figure, AttributeKey<Double>> figureKeys(String prefix) {
        EnumMap<Figure, AttributeKey<Double>> keys = new EnumMap<>(Figure.class);
        for (Figure f : Figure.values()) {
            keys.put(f, AttributeKey.doubleKey(prefix + f.id()));
        }
        return Collections.unmodifiableMap(keys);
    }
}
