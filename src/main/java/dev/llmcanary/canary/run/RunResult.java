package dev.llmcanary.canary.run;

import dev.llmcanary.evidence.Evidence;
import dev.llmcanary.guardrail.GuardrailVerdict;
import dev.llmcanary.stream.StreamEnd;

import java.time.Instant;
import java.util.List;

/**
 * Everything one canary run established, in a form the metrics, span, log line, history and API all read. It never
 * holds prompt or completion text unless the operator enabled capture ({@code completion}, PII-masked).
 *
 * @param reason     one line saying why the run failed or errored; {@code null} on pass
 * @param errorKind  for {@code error} outcomes, the transport failure kind
 * @param completionSha256 a SHA-256 prefix of the completion, to compare answers without storing them
 * @param retryAfterSeconds for an HTTP 429 or 503 answer with a {@code Retry-After} header, how many seconds it asked
 *                          to wait (an HTTP-date is converted when the run ends); {@code null} otherwise
 * @param evidence   for a failed or slow run on a pool that reads server evidence, what the server itself reported
 *                   around the run; {@code null} otherwise
 * @param duringLoadProbe   a load probe of ours was running on the pool when the run finished, so a degradation may
 *                          be our own load rather than an incident
 * @param connectRetries how many times establishing the connection was retried before the request was written
 *                       (never a re-sent request; TTFT is measured from the request write, so retries never inflate it)
 * @param trigger    what started the run; only {@link Trigger#SCHEDULE} runs feed SLO compliance, alerts and the
 *                   histograms those read
 * @param ended      how the stream ended ({@code done}, {@code aborted}, {@code truncated}, …); only a complete
 *                   answer has an e2e time and a decode rate. {@code null} on runs stored before it was recorded
 * @param responseModel the model the stream said answered ({@code gen_ai.response.model}), cleaned target text;
 *                      {@code null} when the flavor or server names none (or the run is not stored with it)
 * @param identity   what the endpoint said it serves when the run ended, by source ({@code fingerprint} and
 *                   {@code server} from this run's stream; {@code model_root}, {@code model_sha}, … as its endpoint
 *                   check last read them), readable values only (an identifier or a {@code sha256:} hash prefix);
 *                   {@code null} when nothing was read (or the run is not stored with it)
 * @param identityChange the identity change this run's stream revealed (another value of a stream source than the
 *                       endpoint's previous scheduled run reported); {@code null} when none (or stored before it was
 *                       recorded)
 */
public record RunResult(String runId, String canary, String pool, String endpoint, String model, String sloClass,
                        String flavor, Instant startedAt, Outcome outcome, String reason, String errorKind,
                        Integer httpStatus, RunTimings timings, TokenCounts tokens, String finishReason,
                        String rawFinishReason, String responseId, List<ViolationView> violations,
                        List<SloCheck> sloChecks, List<GuardrailVerdict> guardrails, String traceId,
                        String completionSha256, long bytes, int events, Timeline timeline, String completion,
                        Integer retryAfterSeconds, Evidence evidence, boolean duringLoadProbe,
                        int connectRetries, Trigger trigger, StreamEnd ended, String responseModel,
                        java.util.Map<String, String> identity, IdentityChangeView identityChange) {

    public RunResult {
        identity = identity == null ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(identity));
    }

    /** A result without a recorded identity. */
    public RunResult(String runId, String canary, String pool, String endpoint, String model, String sloClass,
                     String flavor, Instant startedAt, Outcome outcome, String reason, String errorKind,
                     Integer httpStatus, RunTimings timings, TokenCounts tokens, String finishReason,
                     String rawFinishReason, String responseId, List<ViolationView> violations,
                     List<SloCheck> sloChecks, List<GuardrailVerdict> guardrails, String traceId,
                     String completionSha256, long bytes, int events, Timeline timeline, String completion,
                     Integer retryAfterSeconds, Evidence evidence, boolean duringLoadProbe,
                     int connectRetries, Trigger trigger, StreamEnd ended, String responseModel) {
        this(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason, errorKind, httpStatus,
                timings, tokens, finishReason, rawFinishReason, responseId, violations, sloChecks, guardrails, traceId,
                completionSha256, bytes, events, timeline, completion, retryAfterSeconds, evidence, duringLoadProbe,
                connectRetries, trigger, ended, responseModel, null, null);
    }

    /** A result whose stream named no model. */
    public RunResult(String runId, String canary, String pool, String endpoint, String model, String sloClass,
                     String flavor, Instant startedAt, Outcome outcome, String reason, String errorKind,
                     Integer httpStatus, RunTimings timings, TokenCounts tokens, String finishReason,
                     String rawFinishReason, String responseId, List<ViolationView> violations,
                     List<SloCheck> sloChecks, List<GuardrailVerdict> guardrails, String traceId,
                     String completionSha256, long bytes, int events, Timeline timeline, String completion,
                     Integer retryAfterSeconds, Evidence evidence, boolean duringLoadProbe,
                     int connectRetries, Trigger trigger, StreamEnd ended) {
        this(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason, errorKind, httpStatus,
                timings, tokens, finishReason, rawFinishReason, responseId, violations, sloChecks, guardrails, traceId,
                completionSha256, bytes, events, timeline, completion, retryAfterSeconds, evidence, duringLoadProbe,
                connectRetries, trigger, ended, null);
    }

    /** A result without a recorded ending. */
    public RunResult(String runId, String canary, String pool, String endpoint, String model, String sloClass,
                     String flavor, Instant startedAt, Outcome outcome, String reason, String errorKind,
                     Integer httpStatus, RunTimings timings, TokenCounts tokens, String finishReason,
                     String rawFinishReason, String responseId, List<ViolationView> violations,
                     List<SloCheck> sloChecks, List<GuardrailVerdict> guardrails, String traceId,
                     String completionSha256, long bytes, int events, Timeline timeline, String completion,
                     Integer retryAfterSeconds, Evidence evidence, boolean duringLoadProbe,
                     int connectRetries, Trigger trigger) {
        this(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason, errorKind, httpStatus,
                timings, tokens, finishReason, rawFinishReason, responseId, violations, sloChecks, guardrails, traceId,
                completionSha256, bytes, events, timeline, completion, retryAfterSeconds, evidence, duringLoadProbe,
                connectRetries, trigger, null);
    }

    /** A scheduled run's result without a recorded ending. */
    public RunResult(String runId, String canary, String pool, String endpoint, String model, String sloClass,
                     String flavor, Instant startedAt, Outcome outcome, String reason, String errorKind,
                     Integer httpStatus, RunTimings timings, TokenCounts tokens, String finishReason,
                     String rawFinishReason, String responseId, List<ViolationView> violations,
                     List<SloCheck> sloChecks, List<GuardrailVerdict> guardrails, String traceId,
                     String completionSha256, long bytes, int events, Timeline timeline, String completion,
                     Integer retryAfterSeconds, Evidence evidence, boolean duringLoadProbe,
                     int connectRetries) {
        this(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason, errorKind, httpStatus,
                timings, tokens, finishReason, rawFinishReason, responseId, violations, sloChecks, guardrails, traceId,
                completionSha256, bytes, events, timeline, completion, retryAfterSeconds, evidence, duringLoadProbe,
                connectRetries, Trigger.SCHEDULE, null);
    }

    /** A scheduled run's result without server evidence, outside any load probe. */
    public RunResult(String runId, String canary, String pool, String endpoint, String model, String sloClass,
                     String flavor, Instant startedAt, Outcome outcome, String reason, String errorKind,
                     Integer httpStatus, RunTimings timings, TokenCounts tokens, String finishReason,
                     String rawFinishReason, String responseId, List<ViolationView> violations,
                     List<SloCheck> sloChecks, List<GuardrailVerdict> guardrails, String traceId,
                     String completionSha256, long bytes, int events, Timeline timeline, String completion,
                     Integer retryAfterSeconds) {
        this(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason, errorKind, httpStatus,
                timings, tokens, finishReason, rawFinishReason, responseId, violations, sloChecks, guardrails, traceId,
                completionSha256, bytes, events, timeline, completion, retryAfterSeconds, 0);
    }

    /**
     * A scheduled run's result without server evidence, outside any load probe, after {@code connectRetries}
     * connection retries.
     */
    public RunResult(String runId, String canary, String pool, String endpoint, String model, String sloClass,
                     String flavor, Instant startedAt, Outcome outcome, String reason, String errorKind,
                     Integer httpStatus, RunTimings timings, TokenCounts tokens, String finishReason,
                     String rawFinishReason, String responseId, List<ViolationView> violations,
                     List<SloCheck> sloChecks, List<GuardrailVerdict> guardrails, String traceId,
                     String completionSha256, long bytes, int events, Timeline timeline, String completion,
                     Integer retryAfterSeconds, int connectRetries) {
        this(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason, errorKind, httpStatus,
                timings, tokens, finishReason, rawFinishReason, responseId, violations, sloChecks, guardrails, traceId,
                completionSha256, bytes, events, timeline, completion, retryAfterSeconds, null, false, connectRetries,
                Trigger.SCHEDULE);
    }

    /** A scheduled run's result without a {@code Retry-After} answer. */
    public RunResult(String runId, String canary, String pool, String endpoint, String model, String sloClass,
                     String flavor, Instant startedAt, Outcome outcome, String reason, String errorKind,
                     Integer httpStatus, RunTimings timings, TokenCounts tokens, String finishReason,
                     String rawFinishReason, String responseId, List<ViolationView> violations,
                     List<SloCheck> sloChecks, List<GuardrailVerdict> guardrails, String traceId,
                     String completionSha256, long bytes, int events, Timeline timeline, String completion) {
        this(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason, errorKind, httpStatus,
                timings, tokens, finishReason, rawFinishReason, responseId, violations, sloChecks, guardrails, traceId,
                completionSha256, bytes, events, timeline, completion, null, 0);
    }

    /** This result with {@code e} as its evidence. */
    public RunResult withEvidence(Evidence e) {
        return new RunResult(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason,
                errorKind, httpStatus, timings, tokens, finishReason, rawFinishReason, responseId, violations, sloChecks,
                guardrails, traceId, completionSha256, bytes, events, timeline, completion, retryAfterSeconds, e,
                duringLoadProbe, connectRetries, trigger, ended, responseModel, identity,
                identityChange);
    }

    /** This result, marked as finished while a load probe ran on its pool. */
    public RunResult markedDuringLoadProbe() {
        return new RunResult(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason,
                errorKind, httpStatus, timings, tokens, finishReason, rawFinishReason, responseId, violations,
                sloChecks, guardrails, traceId, completionSha256, bytes, events, timeline, completion,
                retryAfterSeconds, evidence, true, connectRetries, trigger, ended, responseModel, identity,
                identityChange);
    }

    /** This result, as started by {@code t}. */
    public RunResult withTrigger(Trigger t) {
        return new RunResult(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason,
                errorKind, httpStatus, timings, tokens, finishReason, rawFinishReason, responseId, violations,
                sloChecks, guardrails, traceId, completionSha256, bytes, events, timeline, completion,
                retryAfterSeconds, evidence, duringLoadProbe, connectRetries, t, ended, responseModel, identity,
                identityChange);
    }

    /** This result, saying how its stream ended. */
    public RunResult endedBy(StreamEnd how) {
        return new RunResult(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason,
                errorKind, httpStatus, timings, tokens, finishReason, rawFinishReason, responseId, violations,
                sloChecks, guardrails, traceId, completionSha256, bytes, events, timeline, completion,
                retryAfterSeconds, evidence, duringLoadProbe, connectRetries, trigger, how, responseModel, identity,
                identityChange);
    }

    /** This result, naming the model the stream said answered. */
    public RunResult withResponseModel(String m) {
        return new RunResult(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason,
                errorKind, httpStatus, timings, tokens, finishReason, rawFinishReason, responseId, violations,
                sloChecks, guardrails, traceId, completionSha256, bytes, events, timeline, completion,
                retryAfterSeconds, evidence, duringLoadProbe, connectRetries, trigger, ended, m, identity, identityChange);
    }

    /** This result, with what the endpoint said it serves ({@code source → readable value}). */
    public RunResult withIdentity(java.util.Map<String, String> id) {
        return new RunResult(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason,
                errorKind, httpStatus, timings, tokens, finishReason, rawFinishReason, responseId, violations,
                sloChecks, guardrails, traceId, completionSha256, bytes, events, timeline, completion,
                retryAfterSeconds, evidence, duringLoadProbe, connectRetries, trigger, ended, responseModel,
                id == null || id.isEmpty() ? null : id, identityChange);
    }

    /** This result, marking the identity change its stream revealed. */
    public RunResult withIdentityChange(IdentityChangeView c) {
        return new RunResult(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, outcome, reason,
                errorKind, httpStatus, timings, tokens, finishReason, rawFinishReason, responseId, violations,
                sloChecks, guardrails, traceId, completionSha256, bytes, events, timeline, completion,
                retryAfterSeconds, evidence, duringLoadProbe, connectRetries, trigger, ended, responseModel, identity, c);
    }

    /**
     * This result with one more violation found after the stream (a replica divergence): a passing run now fails
     * with it as the reason; a run that already failed keeps its first reason.
     */
    public RunResult withViolation(ViolationView v) {
        List<ViolationView> all = new java.util.ArrayList<>(violations);
        all.add(v);
        boolean passed = outcome == Outcome.PASS;
        return new RunResult(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt,
                passed ? Outcome.FAIL : outcome, passed ? v.rule() + ": " + v.reason() : reason, errorKind,
                httpStatus, timings, tokens, finishReason, rawFinishReason, responseId, List.copyOf(all), sloChecks,
                guardrails, traceId, completionSha256, bytes, events, timeline, completion, retryAfterSeconds,
                evidence, duringLoadProbe, connectRetries, trigger, ended, responseModel, identity,
                identityChange);
    }

    /** Whether this run speaks for the fleet's service level (SLO compliance, alerts, the histograms they read). */
    public boolean scheduled() {
        return trigger == Trigger.SCHEDULE;
    }

    public boolean failed() {
        return outcome != Outcome.PASS && outcome != Outcome.CANCELLED;
    }

    /** This result, cut by our own shutdown: {@code cancelled}, with what the stream showed kept in the reason. */
    public RunResult cancelled() {
        String why = "cancelled: llm-canary shut down before the run finished"
                + (reason == null ? "" : " (stream so far: " + reason + ")");
        return new RunResult(runId, canary, pool, endpoint, model, sloClass, flavor, startedAt, Outcome.CANCELLED, why,
                errorKind, httpStatus, timings, tokens, finishReason, rawFinishReason, responseId, violations,
                sloChecks, guardrails, traceId, completionSha256, bytes, events, timeline, completion,
                retryAfterSeconds, evidence, duringLoadProbe, connectRetries, trigger, ended, responseModel, identity,
                identityChange);
    }
}
