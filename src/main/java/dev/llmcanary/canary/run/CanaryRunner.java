package dev.llmcanary.canary.run;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.consistency.Difference;
import dev.llmcanary.consistency.IdentityPin;
import dev.llmcanary.consistency.IdentitySource;
import dev.llmcanary.consistency.IdentityTracker;
import dev.llmcanary.consistency.Judgement;
import dev.llmcanary.consistency.ReplicaChecks;
import dev.llmcanary.consistency.ReplicaComparator;
import dev.llmcanary.evidence.Evidence;
import dev.llmcanary.evidence.EvidenceCollector;
import dev.llmcanary.evidence.ScrapeTarget;
import dev.llmcanary.guardrail.Answer;
import dev.llmcanary.guardrail.Guardrail;
import dev.llmcanary.guardrail.GuardrailVerdict;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.Rule;
import dev.llmcanary.stream.StreamEnd;
import dev.llmcanary.stream.StreamMetrics;
import dev.llmcanary.stream.StreamOptions;
import dev.llmcanary.stream.StreamResult;
import dev.llmcanary.stream.StreamTimings;
import dev.llmcanary.stream.StreamTrace;
import dev.llmcanary.stream.Violation;
import dev.llmcanary.client.Attempt;
import dev.llmcanary.client.StreamRequest;
import dev.llmcanary.client.StreamingClient;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs one canary against one target: request → stream (on the event loop) → figures, SLO checks and guardrails
 * (on a worker) → one {@link RunResult} handed to the observer and every sink.
 */
public final class CanaryRunner {

    private static final Logger LOG = Logger.getLogger(CanaryRunner.class);

    private final StreamingClient client;
    private final Supplier<Catalog> catalog;
    private final RunObserver observer;
    private final List<RunSink> sinks;
    private final RunSettings settings;
    private final Executor worker;
    private final Function<String, String> secrets;
    private final Function<String, String> masker;
    private final EvidenceCollector evidence;
    private final java.util.function.Predicate<String> loadProbeActive;
    private final InFlightRuns inFlight;
    private final UntrustedTexts untrusted;
    private final ReplicaChecks replicas;
    private final IdentityTracker identities;

    /** A runner that reads no server evidence and knows of no load probes. */
    public CanaryRunner(StreamingClient client, Supplier<Catalog> catalog, RunObserver observer, List<RunSink> sinks,
                        RunSettings settings, Executor worker, Function<String, String> secrets,
                        Function<String, String> masker) {
        this(client, catalog, observer, sinks, settings, worker, secrets, masker, null, pool -> false);
    }

    /**
     * @param secrets reads the API key from the environment variable a pool names
     * @param masker  masks PII in captured completions (only used when capture is on)
     * @param evidence reads the servers' own figures around failed or slow runs, or {@code null}
     */
    public CanaryRunner(StreamingClient client, Supplier<Catalog> catalog, RunObserver observer, List<RunSink> sinks,
                        RunSettings settings, Executor worker, Function<String, String> secrets,
                        Function<String, String> masker, EvidenceCollector evidence,
                        java.util.function.Predicate<String> loadProbeActive) {
        this(client, catalog, observer, sinks, settings, worker, secrets, masker, evidence, loadProbeActive,
                new InFlightRuns());
    }

    /** @param inFlight the runs in flight, which the service's graceful stop waits for (and cuts) */
    public CanaryRunner(StreamingClient client, Supplier<Catalog> catalog, RunObserver observer, List<RunSink> sinks,
                        RunSettings settings, Executor worker, Function<String, String> secrets,
                        Function<String, String> masker, EvidenceCollector evidence,
                        java.util.function.Predicate<String> loadProbeActive, InFlightRuns inFlight) {
        this(client, catalog, observer, sinks, settings, worker, secrets, masker, evidence, loadProbeActive, inFlight,
                null);
    }

    /** @param replicas compares the answers of consistency canaries across a pool's endpoints, or {@code null} */
    public CanaryRunner(StreamingClient client, Supplier<Catalog> catalog, RunObserver observer, List<RunSink> sinks,
                        RunSettings settings, Executor worker, Function<String, String> secrets,
                        Function<String, String> masker, EvidenceCollector evidence,
                        java.util.function.Predicate<String> loadProbeActive, InFlightRuns inFlight,
                        ReplicaChecks replicas) {
        this(client, catalog, observer, sinks, settings, worker, secrets, masker, evidence, loadProbeActive, inFlight,
                replicas, null);
    }

    /** @param identities tracks what each endpoint says it serves ({@code system_fingerprint}), or {@code null} */
    public CanaryRunner(StreamingClient client, Supplier<Catalog> catalog, RunObserver observer, List<RunSink> sinks,
                        RunSettings settings, Executor worker, Function<String, String> secrets,
                        Function<String, String> masker, EvidenceCollector evidence,
                        java.util.function.Predicate<String> loadProbeActive, InFlightRuns inFlight,
                        ReplicaChecks replicas, IdentityTracker identities) {
        this.replicas = replicas;
        this.identities = identities;
        this.inFlight = inFlight;
        this.loadProbeActive = loadProbeActive;
        this.client = client;
        this.catalog = catalog;
        this.observer = observer;
        this.sinks = List.copyOf(sinks);
        this.settings = settings;
        // A full result queue must not lose a run (its span, metrics and history): the caller then does the work.
        this.worker = task -> {
            try {
                worker.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                task.run();
            }
        };
        this.secrets = secrets;
        this.untrusted = new UntrustedTexts(secrets);
        this.masker = masker;
        this.evidence = evidence;
    }

    /** A scheduled run of {@code target}; callers that are not the scheduler say what started the run. */
    public CompletionStage<RunResult> run(Target target) {
        return run(target, Trigger.SCHEDULE);
    }

    /**
     * Runs {@code target}; the result, its metrics, span, log line and stored row carry {@code trigger}, and only a
     * {@link Trigger#SCHEDULE} run feeds SLO compliance and the histograms alerts read. Once the service is shutting
     * down, completes at once with a {@link ShuttingDownException} instead.
     */
    public CompletionStage<RunResult> run(Target target, Trigger trigger) {
        String runId = UUID.randomUUID().toString();
        if (!inFlight.enter(runId)) {
            return CompletableFuture.failedFuture(new ShuttingDownException());
        }
        try {
            return start(runId, target, trigger).whenComplete((r, e) -> inFlight.exit(runId));
        } catch (RuntimeException e) {
            inFlight.exit(runId);
            throw e;
        }
    }

    private CompletionStage<RunResult> start(String runId, Target target, Trigger trigger) {
        Catalog cat = catalog.get();
        CanaryDefinition canary = target.canary();
        Pool pool = target.pool();
        Thresholds thresholds = cat.thresholdsOf(canary);
        String sloClass = canary.sloClass();
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        RunObserver.ObservedRun observed = observer.begin(runId, target, start, trigger);
        // Text from the target is untrusted: cleaned before it reaches the span, the result and everything after.
        UntrustedText text = untrusted.of(cat, canary);

        Flavor flavor = pool.flavor();
        StreamOptions options = new StreamOptions(flavor, pool.requiresDone(), 1, seconds(thresholds.stallSeconds()),
                seconds(thresholds.stallAbortSeconds()), settings.maxEventBytes(), settings.maxTotalBytes(),
                settings.maxChunkTimestamps(), pool.cumulative(), settings.tokensEventEvery(),
                cat.sloClassOf(canary).bufferedDelivery());
        StreamRequest request = new StreamRequest(target.endpoint().baseUrl(), flavor.path(target.model()),
                headers(runId, canary, pool, observed), RequestBodies.build(canary, flavor, target.model()),
                settings.connectTimeout(), millis(thresholds.timeoutSeconds()), millis(thresholds.headersTimeout()),
                millis(thresholds.firstTokenTimeout()));

        // Only the cached scrape is looked up here: no request to the server before or during the stream.
        EvidenceCollector.Pending pending = evidence == null ? null : evidence.begin(pool.evidence(),
                new ScrapeTarget(pool.name(), target.endpoint().name(), target.endpoint().baseUrl()), startedAt);

        long[] assembledAt = {-1};
        long[] endedAt = {-1};
        boolean[] cut = {false};
        return client.stream(request, options, new CleaningListener(observed.listener(), text)).toCompletionStage()
                .thenApply(attempt -> {
                    // Read as the stream ends: one that ends after our shutdown began to cut streams was cut by us.
                    cut[0] = inFlight.cutting();
                    endedAt[0] = System.nanoTime();
                    return attempt;
                })
                .thenApplyAsync(attempt -> {
                    RunResult assembled = assemble(runId, startedAt, target, sloClass, thresholds, attempt,
                            observed.traceId(), text, endedAt[0]).withTrigger(trigger);
                    assembled = identified(compared(judged(assembled, attempt, target, observed, text), attempt,
                            target, observed, text), attempt, target, observed);
                    if (cut[0] && assembled.outcome() != Outcome.PASS) {
                        assembled = assembled.cancelled();
                    }
                    assembledAt[0] = System.nanoTime();
                    return loadProbeActive.test(assembled.pool()) ? assembled.markedDuringLoadProbe() : assembled;
                }, worker)
                .thenCompose(result -> explained(pending, result, thresholds, text))
                .thenApplyAsync(result -> {
                    // A span held back for the after-scrape still ends when the run did, not when the scrape answered.
                    publish(observed, result, result.evidence() == null ? -1 : assembledAt[0]);
                    return result;
                }, worker);
    }

    /**
     * The result with a {@code replica_divergence} violation when the canary compares replicas and this endpoint's
     * answer differs from its pool's majority (or from the only other replica). Only scheduled runs whose answer
     * arrived whole take part: a gate or on-demand run may be aimed at a candidate, and a cut answer differs by
     * being cut. The answer's text is handed over here and kept only in memory, for the window.
     */
    private RunResult judged(RunResult result, Attempt attempt, Target target, RunObserver.ObservedRun observed,
                             UntrustedText text) {
        CanaryDefinition canary = target.canary();
        if (replicas == null || canary.consistency() == null || !result.scheduled() || attempt.failedToStart()
                || result.outcome() == Outcome.ERROR || !attempt.result().ended().complete()
                || !answered(attempt.result())) {
            return result;
        }
        Judgement j = replicas.judge(new ReplicaComparator.Key(result.pool(), result.model(), result.canary()),
                result.endpoint(), canary.consistency(), canary.interval(), result.completionSha256(),
                attempt.result().content());
        if (!j.violation()) {
            return result;
        }
        return found(result, Rule.REPLICA_DIVERGENCE, j.reason() + shown(j.difference(), text), observed);
    }

    /**
     * The result with a {@code golden_drift} violation when the canary pins a golden answer and this complete answer
     * differs from it. Every run takes part, a gate's too: a candidate that drifted from the golden answer has.
     */
    private RunResult compared(RunResult result, Attempt attempt, Target target, RunObserver.ObservedRun observed,
                               UntrustedText text) {
        dev.llmcanary.consistency.Golden golden = target.canary().golden();
        if (golden == null || attempt.failedToStart() || result.outcome() == Outcome.ERROR
                || !attempt.result().ended().complete() || !answered(attempt.result())) {
            return result;
        }
        String drift = golden.drift(result.completionSha256(), attempt.result().content());
        return drift == null ? result : found(result, Rule.GOLDEN_DRIFT,
                drift + shown(golden.difference(attempt.result().content()), text), observed);
    }

    /**
     * The differing tokens as a reason may show them: only when content capture is on (the operator chose to keep
     * answer text), each side masked like a captured completion and more (PII, secrets, prompt echoes, control
     * characters: {@link UntrustedText#clean}) before it is cut to {@link Difference#SHOWN_TOKENS} words and
     * {@link #MAX_SHOWN_CHARS} characters; empty otherwise.
     */
    private String shown(Difference d, UntrustedText text) {
        if (d == null || !settings.captureContent()) {
            return "";
        }
        return "; differing tokens from " + d.from() + ": " + d.firstLabel() + " \"" + masked(d.first(), text)
                + "\" vs " + d.secondLabel() + " \"" + masked(d.second(), text) + "\"";
    }

    /** The most characters of one side of a difference shown in a reason. */
    static final int MAX_SHOWN_CHARS = 80;

    private String masked(List<String> tokens, UntrustedText text) {
        String clean = text.clean(masker.apply(String.join(" ", tokens)));
        if (clean == null || clean.isEmpty()) {
            return "";
        }
        String[] words = clean.replace("\"", "'").split(" ");
        String cut = String.join(" ", java.util.Arrays.asList(words).subList(0,
                Math.min(words.length, Difference.SHOWN_TOKENS)));
        return cut.length() <= MAX_SHOWN_CHARS ? cut : cut.substring(0, MAX_SHOWN_CHARS - 2) + " …";
    }

    /**
     * The result after noting what the endpoint says it serves: this run's stream sources ({@code system_fingerprint},
     * the {@code Server} header) and what the endpoint check last read (model root, model sha, …) become the result's
     * {@code identity}. A changed stream source (scheduled runs only, like every counter alerts read) is counted,
     * logged, marked on the span and kept on the result (the run detail marks it on the timeline); a pool that pins its identity ({@code expected_identity}) gets an
     * {@code identity_mismatch} on any run whose endpoint reports another value (see {@link IdentityPin#mismatch}).
     */
    private RunResult identified(RunResult result, Attempt attempt, Target target,
                                 RunObserver.ObservedRun observed) {
        if (attempt.failedToStart() || !answered(attempt.result())) {
            return result;
        }
        Map<IdentitySource, String> stream = new EnumMap<>(IdentitySource.class);
        putReadable(stream, IdentitySource.FINGERPRINT, attempt.result().systemFingerprint());
        putReadable(stream, IdentitySource.SERVER, attempt.server());
        Map<IdentitySource, String> identity = new EnumMap<>(IdentitySource.class);
        IdentityTracker.Change change = null;
        if (identities != null) {
            identity.putAll(identities.current(result.pool(), result.endpoint(), result.model()));
            // a gate or on-demand run may aim at a candidate on purpose: only scheduled runs move what is tracked
            if (result.scheduled()) {
                for (Map.Entry<IdentitySource, String> e : stream.entrySet()) {
                    IdentityTracker.Change c = identities.observe(result.pool(), result.endpoint(), result.model(),
                            e.getKey(), e.getValue());
                    changed(result, observed, c);
                    change = change == null ? c : change; // the run marks one: the fingerprint's, else the first
                }
            }
        }
        // this run's own stream speaks for itself, whatever the tracker last heard
        identity.keySet().removeIf(s -> s.origin() == IdentitySource.Origin.STREAM);
        identity.putAll(stream);
        Map<String, String> labelled = new TreeMap<>();
        identity.forEach((source, value) -> labelled.put(source.label(), value));
        RunResult with = result.withIdentity(labelled);
        if (change != null) {
            with = with.withIdentityChange(IdentityChangeView.of(change)); // the run detail marks it on the timeline
        }
        IdentityPin pin = target.pool().expectedIdentity();
        String mismatch = pin == null ? null : pin.mismatch(result.endpoint(), result.pool(), identity);
        return mismatch == null ? with : found(with, Rule.IDENTITY_MISMATCH, mismatch, observed);
    }

    private static void changed(RunResult result, RunObserver.ObservedRun observed, IdentityTracker.Change c) {
        if (c == null) {
            return;
        }
        LOG.infof("model identity changed on pool %s endpoint %s model %s: %s %s -> %s (run %s)", result.pool(),
                result.endpoint(), result.model(), IdentityPin.describe(c.source()), c.from(), c.to(), result.runId());
        observed.identityChanged(c.source().label(), c.from(), c.to());
    }

    private static void putReadable(Map<IdentitySource, String> m, IdentitySource source, String value) {
        String r = IdentityTracker.readable(value);
        if (r != null) {
            m.put(source, r);
        }
    }

    /** The result with a violation found after the stream, also told to the run's span like a stream rule. */
    private static RunResult found(RunResult result, Rule rule, String reason, RunObserver.ObservedRun observed) {
        Timeline t = result.timeline();
        double at = t == null || t.closed() == null ? 0 : t.closed();
        observed.listener().violation(new Violation(rule, reason, System.nanoTime()));
        return result.withViolation(new ViolationView(rule.label(), reason, at));
    }

    /**
     * The result with server evidence when it failed or was slow; a passing run only lets the endpoint's cache
     * refresh. Evidence never fails or holds up a run beyond its scrape timeout.
     */
    private CompletionStage<RunResult> explained(EvidenceCollector.Pending pending, RunResult result,
                                                 Thresholds thresholds, UntrustedText text) {
        if (pending == null) {
            return CompletableFuture.completedFuture(result);
        }
        String symptom = RunSymptom.of(result, thresholds);
        if (symptom == null) {
            pending.refresh();
            return CompletableFuture.completedFuture(result);
        }
        CompletableFuture<Evidence> explained;
        try {
            explained = pending.explain(symptom).toCompletableFuture();
        } catch (RuntimeException e) {
            explained = CompletableFuture.failedFuture(e);
        }
        return explained.orTimeout(pending.deadline().toMillis(), TimeUnit.MILLISECONDS)
                .handle((e, t) -> result.withEvidence(cleaned(e != null ? e : pending.unavailable(t), text)));
    }

    /** Evidence errors may quote a metrics page or a Prometheus answer: the target's text. */
    private static Evidence cleaned(Evidence e, UntrustedText text) {
        return new Evidence(e.source(), e.before(), e.after(), text.clean(e.hint()),
                e.errors().stream().map(text::clean).toList());
    }

    private Map<String, String> headers(String runId, CanaryDefinition canary, Pool pool,
                                        RunObserver.ObservedRun observed) {
        Map<String, String> h = new LinkedHashMap<>();
        if (canary.headers() != null) {
            h.putAll(canary.headers());
        }
        h.put("content-type", "application/json");
        h.put("accept", "text/event-stream");
        h.put("x-request-id", runId);
        h.put("user-agent", "llm-canary");
        if (pool.apiKeyEnv() != null) {
            String key = secrets.apply(pool.apiKeyEnv());
            if (key != null && !key.isEmpty()) {
                h.put("authorization", "Bearer " + key);
            }
        }
        h.putAll(observed.propagationHeaders());
        return h;
    }

    private void publish(RunObserver.ObservedRun observed, RunResult result, long endNanos) {
        try {
            if (endNanos < 0) {
                observed.end(result);
            } else {
                observed.end(result, endNanos);
            }
        } catch (RuntimeException e) {
            LOG.warnf("run observer failed for run %s: %s", result.runId(), e.getClass().getSimpleName());
        }
        observed.inContext(() -> {
            for (RunSink sink : sinks) {
                try {
                    sink.accept(result);
                } catch (RuntimeException e) {
                    LOG.warnf("run sink %s failed for run %s: %s", sink.getClass().getSimpleName(), result.runId(),
                            e.getClass().getSimpleName());
                }
            }
        });
    }

    /**
     * The run's result; every text that came from the target (error messages, violation and guardrail reasons,
     * finish reasons, response id) is cleaned by {@code text} here, the one way into the result.
     */
    RunResult assemble(String runId, Instant startedAt, Target t, String sloClass, Thresholds thresholds,
                       Attempt attempt, String traceId, UntrustedText text, long endedNanos) {
        String flavor = t.pool().flavor().id();
        int promptChars = RequestBodies.promptChars(t.canary());
        if (attempt.failedToStart()) {
            String bucket = ContextBucket.of(ContextBucket.estimateTokens(promptChars));
            // No request was written, so the only moment is when the attempt gave up, from its start (as a stream's
            // moments are when it never wrote its request): how long a caller waited to learn it failed.
            Timeline gaveUp = endedNanos < 0 ? null : new Timeline(null, null, null, null, null, null, null, null,
                    millis(endedNanos - attempt.startNanos()), new double[0]);
            return new RunResult(runId, t.canary().id(), t.pool().name(), t.endpoint().name(), t.model(), sloClass,
                    flavor, startedAt, Outcome.ERROR, text.clean(attempt.error().message()),
                    text.clean(attempt.error().kind()), null, null,
                    new TokenCounts(0, true, 0, null, bucket), null, null, null, List.of(),
                    SloEvaluator.incomplete(thresholds, StreamEnd.NO_RESPONSE), List.of(),
                    traceId, null, 0, 0, gaveUp, null, null, attempt.connectRetries())
                    .endedBy(StreamEnd.NO_RESPONSE);
        }
        StreamResult sr = attempt.result();
        StreamTrace tr = sr.trace();
        StreamTimings m = StreamMetrics.derive(sr);
        long ref = tr.requestWritten() >= 0 ? tr.requestWritten() : tr.start();

        List<ViolationView> violations = new ArrayList<>(sr.violations().size());
        for (Violation v : sr.violations()) {
            violations.add(new ViolationView(v.rule().label(), text.clean(v.reason()), millis(v.atNanos() - ref)));
        }
        List<SloCheck> slo = SloEvaluator.check(thresholds, m, sr.ended());
        List<GuardrailVerdict> verdicts = answered(sr) ? guardrails(t.canary(), sr, text) : List.of();

        int promptTokens = m.promptTokens() != null ? m.promptTokens() : ContextBucket.estimateTokens(promptChars);
        TokenCounts tokens = new TokenCounts(m.outputTokens(), m.outputTokensEstimated(), tr.tokenChunks(),
                m.promptTokens(), ContextBucket.of(promptTokens));
        RunTimings timings = new RunTimings(attempt.connectSeconds(),
                m.timeToHeaders(), m.timeToFirstChunk(), m.ttft(), m.ttftFromStart(), m.timeToFirstContent(), m.e2e(),
                m.tpot(), m.outputTokensPerSecond(), m.gapP50(), m.gapP95(), m.gapMax(), m.interTokenGaps().length,
                attempt.poolWaitSeconds(), m.withheld());

        Outcome outcome = Outcome.PASS;
        String reason = null;
        if (!violations.isEmpty()) {
            ViolationView v = violations.get(0);
            reason = v.rule() + ": " + v.reason();
        } else {
            for (SloCheck c : slo) {
                if (!c.passed()) {
                    reason = c.reason();
                    break;
                }
            }
            if (reason == null) {
                for (GuardrailVerdict g : verdicts) {
                    if (!g.passed()) {
                        reason = "guardrail " + g.name() + ": " + g.reason();
                        break;
                    }
                }
            }
        }
        if (reason != null) {
            outcome = Outcome.FAIL;
            reason = text.clean(reason);
        }
        String completion = settings.captureContent() ? text.maskSecrets(masker.apply(sr.content())) : null;
        return new RunResult(runId, t.canary().id(), t.pool().name(), t.endpoint().name(), t.model(), sloClass, flavor,
                startedAt, outcome, reason, null, sr.httpStatus() == 0 ? null : sr.httpStatus(), timings, tokens,
                text.clean(sr.finishReason()), text.clean(sr.rawFinishReason()), text.clean(sr.responseId()),
                violations, slo, verdicts, traceId,
                sha256Prefix(sr.content()), sr.bytes(), sr.events(), timeline(tr, ref), completion,
                retryAfterSeconds(sr.httpStatus(), attempt.retryAfter(), startedAt), attempt.connectRetries())
                .endedBy(sr.ended()).withResponseModel(text.clean(sr.responseModel()));
    }

    /** Only a 429 or 503 answer's {@code Retry-After} means "wait before asking again". */
    private static Integer retryAfterSeconds(int httpStatus, String header, Instant now) {
        if (httpStatus != 429 && httpStatus != 503) {
            return null;
        }
        return RetryAfter.seconds(header, now).map(Long::intValue).orElse(null);
    }

    /** Guardrails judge an answer; a rejected response (HTTP error, wrong type) has none, so they do not run. */
    private static boolean answered(StreamResult sr) {
        return sr.violations().stream().noneMatch(v -> v.rule() == Rule.HTTP_STATUS || v.rule() == Rule.CONTENT_TYPE);
    }

    /** Verdicts whose reasons may name server metadata (a finish reason, a JSON key of the answer): cleaned. */
    private static List<GuardrailVerdict> guardrails(CanaryDefinition c, StreamResult sr, UntrustedText text) {
        if (c.guardrails() == null || c.guardrails().isEmpty()) {
            return List.of();
        }
        Answer answer = new Answer(sr.content() == null ? "" : sr.content(), sr.finishReason());
        List<GuardrailVerdict> verdicts = new ArrayList<>(c.guardrails().size());
        for (Guardrail g : c.guardrails()) {
            GuardrailVerdict v = g.check(answer);
            verdicts.add(v.passed() ? v : GuardrailVerdict.fail(v.name(), text.clean(v.reason())));
        }
        return verdicts;
    }

    private static Timeline timeline(StreamTrace tr, long ref) {
        long[] arrivals = tr.tokenArrivals();
        int n = Math.min(arrivals.length, tr.tokenChunks());
        double[] ticks = new double[n];
        for (int i = 0; i < n; i++) {
            ticks[i] = millis(arrivals[i] - ref);
        }
        return new Timeline(at(tr.headers(), ref), at(tr.firstByte(), ref), at(tr.firstChunk(), ref),
                at(tr.firstToken(), ref), at(tr.lastToken(), ref), at(tr.finish(), ref), at(tr.usage(), ref),
                at(tr.done(), ref), at(tr.closed(), ref), ticks);
    }

    private static Double at(long t, long ref) {
        return t < 0 ? null : millis(t - ref);
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }

    private static Duration millis(double seconds) {
        return Duration.ofMillis((long) (seconds * 1000));
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    static String sha256Prefix(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
