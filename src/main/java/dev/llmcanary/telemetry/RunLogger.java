package dev.llmcanary.telemetry;

import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunSink;
import dev.llmcanary.canary.run.ViolationView;
import dev.llmcanary.evidence.EvidenceFigures;
import dev.llmcanary.evidence.Figure;
import dev.llmcanary.guardrail.GuardrailVerdict;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;

/**
 * One structured log line per run (fields in the MDC, so the JSON formatter prints them as keys). Successes are
 * sampled, failures always logged. Prompt and completion text are never logged: only a SHA-256 prefix of the
 * completion, unless the operator enabled capture, and then only the PII-masked text.
 */
public final class RunLogger implements RunSink {

    /** The logger category of run lines, so operators can route or silence them on their own. */
    public static final String CATEGORY = "llm_canary.runs";
    private static final Logger LOG = Logger.getLogger(CATEGORY);
    /** Server figures around a failed or slow run: {@code evidence_before_<figure>} and {@code evidence_after_<figure>}. */
    public static final String EVIDENCE_BEFORE = "evidence_before_";
    public static final String EVIDENCE_AFTER = "evidence_after_";

    private final double successSampleRate;
    private final DoubleSupplier random;

    public RunLogger(double successSampleRate, DoubleSupplier random) {
        this.successSampleRate = successSampleRate;
        this.random = random;
    }

    @Override
    public void accept(RunResult r) {
        // A run our own shutdown cut is always logged, at info: it is no failure of the target.
        boolean failed = r.outcome() != Outcome.PASS && r.outcome().judged();
        if (!r.outcome().judged()) {
            Map<String, Object> fields = fields(r);
            fields.forEach(MDC::put);
            try {
                LOG.info("canary run cancelled by shutdown");
            } finally {
                fields.keySet().forEach(MDC::remove);
            }
            return;
        }
        if (!failed && random.getAsDouble() >= successSampleRate) {
            return;
        }
        Map<String, Object> fields = fields(r);
        fields.forEach(MDC::put);
        try {
            if (failed) {
                LOG.warnf("canary run %s: %s", r.outcome().label(), r.reason());
            } else {
                LOG.info("canary run pass");
            }
        } finally {
            fields.keySet().forEach(MDC::remove);
        }
    }

    static Map<String, Object> fields(RunResult r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("run_id", r.runId());
        f.put("canary", r.canary());
        f.put("pool", r.pool());
        f.put("endpoint", r.endpoint());
        f.put("model", r.model());
        f.put("slo_class", r.sloClass());
        f.put("outcome", r.outcome().label());
        f.put("trigger", r.trigger().label());
        put(f, "reason", r.reason());
        put(f, "error_kind", r.errorKind());
        put(f, "http_status", r.httpStatus());
        if (r.timings() != null) {
            put(f, "ttft_ms", ms(r.timings().ttft()));
            put(f, "e2e_ms", ms(r.timings().e2e()));
            put(f, "tokens_per_second", r.timings().outputTokensPerSecond());
            put(f, "figures_withheld", r.timings().figuresWithheld());
        }
        put(f, "ended", r.ended() == null ? null : r.ended().label());
        if (r.tokens() != null) {
            f.put("output_tokens", r.tokens().output());
            f.put("output_tokens_estimated", r.tokens().outputEstimated());
            f.put("context_bucket", r.tokens().contextBucket());
        }
        if (!r.violations().isEmpty()) {
            f.put("violations", r.violations().stream().map(ViolationView::rule).collect(Collectors.joining(",")));
        }
        String failedGuardrails = r.guardrails().stream().filter(g -> !g.passed()).map(GuardrailVerdict::name)
                .collect(Collectors.joining(","));
        if (!failedGuardrails.isEmpty()) {
            f.put("failed_guardrails", failedGuardrails);
        }
        put(f, "trace_id", r.traceId());
        put(f, "completion_sha256", r.completionSha256());
        put(f, "completion", r.completion());
        if (r.evidence() != null) {
            // Figures only: the hint and errors are text, read from the API or the span.
            figures(f, EVIDENCE_BEFORE, r.evidence().before());
            figures(f, EVIDENCE_AFTER, r.evidence().after());
        }
        return f;
    }

    private static void figures(Map<String, Object> f, String prefix, EvidenceFigures figures) {
        if (figures == null) {
            return;
        }
        for (Figure figure : Figure.values()) {
            put(f, prefix + figure.id(), figures.get(figure));
        }
    }

    private static void put(Map<String, Object> f, String key, Object value) {
        if (value != null) {
            f.put(key, value);
        }
    }

    private static Long ms(Double seconds) {
        return seconds == null ? null : Math.round(seconds * 1000);
    }
}
