package dev.llmcanary.telemetry;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunObserver;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.evidence.Evidence;
import dev.llmcanary.evidence.EvidenceFigures;
import dev.llmcanary.evidence.Figure;
import io.opentelemetry.api.common.AttributeKey;
import dev.llmcanary.guardrail.GuardrailVerdict;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.Violation;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import dev.llmcanary.canary.run.Trigger;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.llmcanary.telemetry.SpanNames.*;

/**
 * One CLIENT span per canary run following the OpenTelemetry GenAI conventions, with span events (never child spans
 * or per-token spans) for the first token, every N tokens, stalls and violations. Prompt and completion text never
 * reach the span.
 */
public final class SpanObserver implements RunObserver {

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    /**
     * @param tracer     the tracer of our own instrumentation scope ({@link SpanNames#SCOPE})
     * @param propagator the configured propagators ({@code quarkus.otel.propagators}), which write the headers sent
     *                   to the target
     */
    public SpanObserver(Tracer tracer, TextMapPropagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** With the default propagators of {@code quarkus.otel.propagators} (W3C trace context and baggage). */
    public SpanObserver(Tracer tracer) {
        this(tracer, TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
                W3CBaggagePropagator.getInstance()));
    }

    /** A scheduled run: the root of its own trace. */
    @Override
    public ObservedRun begin(String runId, Target target, long startNanos) {
        return begin(runId, target, startNanos, Trigger.SCHEDULE);
    }

    /**
     * Where the run's span belongs is decided here, never by whatever context the starting thread carries: a
     * scheduled run is the root of its own trace; an on-demand run is a child of the API request that asked for it
     * (its server span); a gate run is the root of its own trace, linked to the gate's span, which links back to it.
     */
    @Override
    public ObservedRun begin(String runId, Target target, long startNanos, Trigger trigger) {
        // Span timestamps are wall-clock; stream moments are monotonic. One anchor per run converts between them, at
        // the wall clock's full precision (microseconds on Linux; currentTimeMillis would shift every event).
        Instant wall = Instant.now();
        long nanoNow = System.nanoTime();
        long epochAnchor = wall.getEpochSecond() * 1_000_000_000L + wall.getNano() - nanoNow;
        CanaryDefinition c = target.canary();
        Flavor flavor = target.pool().flavor();
        String operation = GenAi.operation(flavor);
        URI base = target.endpoint().baseUrl();
        var builder = tracer.spanBuilder(operation + " " + target.model())
                .setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(epochAnchor + startNanos, TimeUnit.NANOSECONDS)
                .setAttribute(GEN_AI_OPERATION, operation)
                .setAttribute(GEN_AI_PROVIDER, GenAi.provider(flavor))
                .setAttribute(GEN_AI_REQUEST_MODEL, target.model())
                .setAttribute(GEN_AI_REQUEST_MAX_TOKENS, (long) c.maxTokens())
                .setAttribute(GEN_AI_REQUEST_STREAM, true)
                .setAttribute(SERVER_ADDRESS, base.getHost())
                .setAttribute(SERVER_PORT, (long) GenAi.port(base))
                .setAttribute(CANARY, c.id())
                .setAttribute(POOL, target.pool().name())
                .setAttribute(ENDPOINT, target.endpoint().name())
                .setAttribute(SLO_CLASS, c.sloClass())
                .setAttribute(RUN_ID, runId);
        if (target.pool().deviceType() != null) {
            builder.setAttribute(DEVICE_TYPE, target.pool().deviceType());
        }
        if (c.temperature() != null) {
            builder.setAttribute(GEN_AI_REQUEST_TEMPERATURE, c.temperature());
        }
        if (c.topP() != null) {
            builder.setAttribute(GEN_AI_REQUEST_TOP_P, c.topP());
        }
        if (c.seed() != null) {
            builder.setAttribute(GEN_AI_REQUEST_SEED, c.seed());
        }
        if (!c.stop().isEmpty()) {
            builder.setAttribute(GEN_AI_REQUEST_STOP_SEQUENCES, c.stop());
        }
        Span gate = trigger == Trigger.GATE ? GateTrace.gateOf(Context.current()) : null;
        if (trigger == Trigger.API) {
            builder.setParent(Context.current());
        } else {
            builder.setNoParent();
        }
        if (gate != null) {
            builder.addLink(gate.getSpanContext());
        }
        Span span = builder.startSpan();
        if (gate != null) {
            gate.addLink(span.getSpanContext(), Attributes.of(RUN_ID, runId));
        }
        return new Observed(span, epochAnchor, propagator);
    }

    private static final class Observed implements ObservedRun, StreamListener {
        private final Span span;
        private final long epochAnchor;
        private final TextMapPropagator propagator;

        Observed(Span span, long epochAnchor, TextMapPropagator propagator) {
            this.span = span;
            this.epochAnchor = epochAnchor;
            this.propagator = propagator;
        }

        @Override
        public StreamListener listener() {
            return this;
        }

        @Override
        public Map<String, String> propagationHeaders() {
            Map<String, String> headers = new HashMap<>(2);
            propagator.inject(Context.root().with(span), headers,
                    (carrier, key, value) -> carrier.put(key, value));
            return headers;
        }

        @Override
        public String traceId() {
            return span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null;
        }

        @Override
        public void firstToken(long atNanos) {
            span.addEvent(EVENT_FIRST_TOKEN, epochAnchor + atNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void tokensEmitted(int tokens, boolean fromUsage, long atNanos) {
            span.addEvent(EVENT_TOKENS_EMITTED, Attributes.of(TOKENS_EMITTED, (long) tokens,
                            TOKENS_COUNTED_FROM, fromUsage ? COUNTED_FROM_USAGE : COUNTED_FROM_CHUNKS),
                    epochAnchor + atNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void connectRetry(int retry, String kind, long atNanos) {
            span.addEvent(EVENT_CONNECT_RETRY, Attributes.of(CONNECT_RETRY_KIND, kind), epochAnchor + atNanos,
                    TimeUnit.NANOSECONDS);
        }

        @Override
        public void stall(long gapNanos, long atNanos) {
            span.addEvent(EVENT_STALL, Attributes.of(GAP_SECONDS, gapNanos / 1e9), epochAnchor + atNanos,
                    TimeUnit.NANOSECONDS);
        }

        @Override
        public void violation(Violation v) {
            span.addEvent(EVENT_VIOLATION, Attributes.of(RULE, v.rule().label(), REASON, v.reason()),
                    epochAnchor + v.atNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void identityChanged(String source, String from, String to) {
            span.addEvent(EVENT_IDENTITY_CHANGED, Attributes.of(IDENTITY_SOURCE, source, IDENTITY_FROM, from,
                    IDENTITY_TO, to));
        }

        @Override
        public void end(RunResult r, long endNanos) {
            finish(r);
            span.end(epochAnchor + endNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void end(RunResult r) {
            finish(r);
            span.end();
        }

        /** Everything but ending the span. */
        private void finish(RunResult r) {
            if (r.responseId() != null && !r.responseId().isEmpty()) {
                span.setAttribute(GEN_AI_RESPONSE_ID, r.responseId());
            }
            if (r.responseModel() != null && !r.responseModel().isEmpty()) {
                span.setAttribute(GEN_AI_RESPONSE_MODEL, r.responseModel());
            }
            if (r.finishReason() != null) {
                span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of(r.finishReason()));
            } else if (r.outcome() != Outcome.PASS && r.outcome().judged()) {
                // The conventions' value for a response that ended without a finish reason of its own.
                span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of(FINISH_REASON_ERROR));
            }
            if (r.tokens().prompt() != null) {
                span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, (long) r.tokens().prompt());
            }
            // gen_ai.usage.* holds only what the server reported; our chunk count is an estimate, kept apart, and
            // absent for a run that never got an answer.
            if (r.outcome() != Outcome.ERROR && !r.tokens().outputEstimated()) {
                span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, (long) r.tokens().output());
            }
            span.setAttribute(OUTPUT_TOKENS_ESTIMATED, r.tokens().outputEstimated());
            if (r.tokens().outputEstimated() && r.tokens().output() > 0) {
                span.setAttribute(OUTPUT_TOKENS_ESTIMATE, (long) r.tokens().output());
            }
            span.setAttribute(CONTEXT_BUCKET, r.tokens().contextBucket());
            span.setAttribute(OUTCOME, r.outcome().label());
            span.setAttribute(TRIGGER, r.trigger().label());
            if (r.httpStatus() != null) {
                span.setAttribute(HTTP_STATUS, (long) r.httpStatus());
            }
            if (r.timings() != null && r.timings().ttft() != null) {
                span.setAttribute(TTFT_SECONDS, r.timings().ttft());
            }
            if (r.timings() != null && r.timings().poolWait() != null) {
                span.setAttribute(POOL_WAIT_SECONDS, r.timings().poolWait());
            }
            if (r.evidence() != null) {
                evidence(r.evidence());
            }
            for (GuardrailVerdict g : r.guardrails()) {
                if (!g.passed()) {
                    span.addEvent(EVENT_GUARDRAIL_FAILED, Attributes.of(GUARDRAIL, g.name(), REASON, g.reason()));
                }
            }
            String errorType = GenAi.errorType(r);
            if (errorType != null) {
                span.setAttribute(ERROR_TYPE, errorType);
                span.setStatus(StatusCode.ERROR, r.reason());
            }
        }

        private void evidence(Evidence e) {
            span.setAttribute(EVIDENCE_SOURCE, e.source());
            if (e.hint() != null) {
                span.setAttribute(EVIDENCE_HINT, e.hint());
            }
            figures(e.before(), EVIDENCE_BEFORE);
            figures(e.after(), EVIDENCE_AFTER);
        }

        private void figures(EvidenceFigures figures, Map<Figure, AttributeKey<Double>> keys) {
            if (figures == null) {
                return;
            }
            keys.forEach((figure, key) -> {
                Double v = figures.get(figure);
                if (v != null) {
                    span.setAttribute(key, v);
                }
            });
        }

        @Override
        public void inContext(Runnable work) {
            try (Scope ignored = span.makeCurrent()) {
                work.run();
            }
        }
    }
}
