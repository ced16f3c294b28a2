package dev.llmcanary.gate;

import dev.llmcanary.client.ServedIdentity;
import dev.llmcanary.consistency.IdentitySource;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Refusal;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.gate.config.GateSuite;
import dev.llmcanary.gate.config.GateSuites;
import dev.llmcanary.gate.store.GateRow;
import dev.llmcanary.gate.store.GateRunLink;
import dev.llmcanary.gate.store.GateStore;
import dev.llmcanary.telemetry.MetricNames;
import dev.llmcanary.telemetry.SpanNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import dev.llmcanary.telemetry.GateTrace;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Clock;
import java.util.stream.Collectors;
import java.util.concurrent.CompletionStage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Starts deployment gates, keeps the running ones, decides and stores their verdicts, and evaluates stored history
 * passively. Every target comes from the current catalog by name; a request can only pick among configured pools and
 * their endpoints. Blocking (JDBC): call from worker threads.
 */
public final class GateService {

    private static final Logger LOG = Logger.getLogger(GateService.class);
    /** The gate span's {@code error.type} when its verdict could not be stored. */
    static final String VERDICT_NOT_STORED = "verdict_not_stored";
    static final String RESTARTED = "the service restarted before the gate finished";

    private final Supplier<Optional<Catalog>> catalog;
    private final RunStarter starter;
    private final GateStore store;
    private final ObjectMapper json;
    private final GateLimits limits;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Executor worker;
    private final MeterRegistry registry;
    private final Tracer tracer;
    private final String owner;
    private final IdentityRefresh identity;
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    // Gates whose slots are taken while their row is stored (outside the lock): id → pools. Guarded by this.
    private final Map<String, Set<String>> reserved = new HashMap<>();

    /** A gate running in this process. */
    private record Active(String id, GateRequest request, GateSuite suite, GateExecution execution, Instant createdAt,
                          Set<String> pools, CompletableFuture<GateStatus> done) {
    }

    /** The answer to a start: the gate, and whether it already existed (same idempotency key). */
    public record Started(String id, boolean existing) {
    }

    public GateService(Supplier<Optional<Catalog>> catalog, RunStarter starter, GateStore store, ObjectMapper json,
                       GateLimits limits, Clock clock, ScheduledExecutorService timer, Executor worker,
                       MeterRegistry registry, Tracer tracer, String owner) {
        this(catalog, starter, store, json, limits, clock, timer, worker, registry, tracer, owner,
                IdentityRefresh.NONE);
    }

    /** @param identity reads the candidate's identity now when a gate pins a source only endpoint checks read */
    public GateService(Supplier<Optional<Catalog>> catalog, RunStarter starter, GateStore store, ObjectMapper json,
                       GateLimits limits, Clock clock, ScheduledExecutorService timer, Executor worker,
                       MeterRegistry registry, Tracer tracer, String owner, IdentityRefresh identity) {
        this.identity = identity;
        this.catalog = catalog;
        this.starter = starter;
        this.store = store;
        this.json = json;
        this.limits = limits;
        this.clock = clock;
        this.timer = timer;
        this.worker = worker;
        this.registry = registry;
        this.tracer = tracer;
        this.owner = owner;
    }

    /**
     * Starts a gate, or returns the existing one for the same idempotency key. Steps: resolve and plan it, reserve its
     * pools' gate slots (in memory, under the lock), store it (JDBC, outside the lock), then launch it.
     *
     * @throws GateRejected saying why it cannot start
     */
    public Started start(GateRequest req) {
        Catalog cat = catalog.get().orElseThrow(() -> new GateRejected(Refusal.UNAVAILABLE,
                "no valid configuration has loaded yet"));
        GateSuites suites = GateSuites.of(cat);
        GateSuite suite = suites.suite(req.suite()).orElseThrow(() -> new GateRejected(Refusal.INVALID,
                "no configured gate suite '" + req.suite() + "'; configured: " + String.join(", ", suites.names())));
        if (req.idempotencyKey() != null) {
            Optional<GateRow> existing = call(() -> store.byKey(req.idempotencyKey()));
            if (existing.isPresent()) {
                return new Started(existing.get().gateId(), true);
            }
        }
        Prepared p = prepare(cat, suite, req);
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        reserve(id, p.pools());
        try {
            GateRequest.Baseline b = req.baseline();
            GateRow row = new GateRow(id, suite.name(), p.candidate().name(), b.kind(), b.ref(), GateRow.RUNNING, null,
                    req.idempotencyKey(), owner, now, now, null, p.plan().size(), 0, write(req), null);
            if (!call(() -> store.insert(row))) {
                // another request with the same key stored its gate first
                return new Started(call(() -> store.byKey(req.idempotencyKey())).orElseThrow().gateId(), true);
            }
            launch(id, req, suite, p, now);
        } finally {
            release(id);
        }
        LOG.infof("gate %s started: suite %s, candidate %s, baseline %s, %d runs", id, suite.name(),
                p.candidate().name(), req.baseline().kind(), p.plan().size());
        return new Started(id, false);
    }

    /** A gate resolved against the catalog and planned, not yet started. */
    private record Prepared(Pool candidate, GateSuite effective, List<PlannedRun> plan, List<RunResult> storedBaseline,
                            Set<String> pools) {
    }

    private Prepared prepare(Catalog cat, GateSuite suite, GateRequest req) {
        Pool candidate = GatePlan.select(pool(cat, suite, req.candidatePool()), Set.copyOf(req.candidateEndpoints()));
        for (String e : req.candidateEndpoints()) {
            if (candidate.endpoints().stream().noneMatch(x -> x.name().equals(e))) {
                throw new GateRejected(Refusal.INVALID, "pool '" + req.candidatePool()
                        + "' has no configured endpoint '" + e + "'");
            }
        }
        checkIdentity(candidate, req.identity());
        GateRequest.Baseline b = req.baseline();
        Pool livePool = GateRequest.Baseline.POOL.equals(b.kind()) ? pool(cat, suite, b.pool()) : null;
        GateSuite effective = effective(suite, req);
        List<PlannedRun> plan;
        try {
            plan = GatePlan.plan(cat, effective, candidate, livePool);
        } catch (IllegalArgumentException e) {
            throw new GateRejected(Refusal.UNSATISFIABLE, e.getMessage());
        }
        List<RunResult> storedBaseline = storedBaseline(cat, suite, req);
        Set<String> pools = new HashSet<>();
        pools.add(candidate.name());
        if (livePool != null) {
            pools.add(livePool.name());
        }
        return new Prepared(candidate, effective, plan, storedBaseline, Set.copyOf(pools));
    }

    /** Refuses an identity criterion on a source the candidate's flavor never reports: it could only be inconclusive. */
    private static void checkIdentity(Pool candidate, Map<String, String> identity) {
        Set<IdentitySource> reported = ServedIdentity.sources(candidate.flavor());
        for (String label : identity.keySet()) {
            IdentitySource source = IdentitySource.fromLabel(label).orElseThrow(() -> new GateRejected(
                    Refusal.INVALID, "identity." + label + ": unknown identity source"));
            if (!reported.contains(source)) {
                throw new GateRejected(Refusal.INVALID, "identity." + label + ": pool '" + candidate.name() + "' ("
                        + candidate.flavor().id() + ") does not report " + label + "; it reports "
                        + reported.stream().map(IdentitySource::label).collect(Collectors.joining(", ")));
            }
        }
    }

    /** Whether the gate pins a source only the endpoint checks read, which must then be read fresh. */
    private static boolean pinsCheckedSource(Map<String, String> identity) {
        return identity.keySet().stream().map(IdentitySource::fromLabel).flatMap(Optional::stream)
                .anyMatch(s -> s.origin() == IdentitySource.Origin.CHECK);
    }

    /**
     * Takes a gate slot on each pool, or refuses with {@code BUSY}: counts the gates running here and the ones being
     * stored, so two requests storing at once cannot both take a pool's last slot.
     */
    private synchronized void reserve(String id, Set<String> pools) {
        for (String p : pools) {
            long running = active.values().stream().filter(a -> a.pools().contains(p)).count()
                    + reserved.values().stream().filter(r -> r.contains(p)).count();
            if (running >= limits.maxConcurrentPerPool()) {
                throw new GateRejected(Refusal.BUSY, "pool '" + p + "' already runs " + running + " gate(s), the most"
                        + " allowed at once (llm-canary.gates.max-concurrent-per-pool)",
                        Math.max(1, limits.retryAfter().toSeconds()));
            }
        }
        reserved.put(id, pools);
    }

    /** Gives back a reservation: the gate is now active (it holds its slots as such) or did not start. */
    private synchronized void release(String id) {
        reserved.remove(id);
    }

    private void launch(String id, GateRequest req, GateSuite suite, Prepared p, Instant now) {
        GateRequest.Baseline b = req.baseline();
        // The gate's span is a child of the request that started it; each run is the root of its own trace,
        // linked to this span and linked back from it (GateTrace), whichever thread starts it.
        var builder = tracer.spanBuilder(SpanNames.SPAN_GATE).setParent(Context.current())
                .setAttribute(SpanNames.GATE_ID, id).setAttribute(SpanNames.GATE_SUITE, suite.name())
                .setAttribute(SpanNames.POOL, p.candidate().name())
                .setAttribute(SpanNames.GATE_BASELINE_KIND, b.kind())
                .setAttribute(SpanNames.GATE_PLANNED_RUNS, (long) p.plan().size());
        if (b.ref() != null) {
            builder.setAttribute(SpanNames.GATE_BASELINE_REF, b.ref());
        }
        Span span = builder.startSpan();
        RunStarter traced = target -> {
            try (Scope ignored = GateTrace.starting(span)) {
                return starter.start(target);
            }
        };
        GateExecution exec = new GateExecution(p.plan(), p.effective().concurrency(), traced, timer, clock,
                p.effective().deadline());
        Active a = new Active(id, req, p.effective(), exec, now, p.pools(), new CompletableFuture<>());
        synchronized (this) {
            active.put(id, a); // before the reservation is released: the slot is never free in between
        }
        CompletionStage<?> ready = pinsCheckedSource(req.identity())
                ? identity.readNow(p.candidate()).exceptionally(e -> null)
                : CompletableFuture.completedFuture(null);
        ready.thenCompose(v -> exec.start()).thenAcceptAsync(o -> finish(a, o, p.storedBaseline(), span), worker)
                .exceptionally(e -> {
                    LOG.warnf("gate %s could not finish: %s", id, e.getClass().getSimpleName());
                    return null;
                });
    }

    /** The gate's current state, from memory while it runs here, from the store otherwise. */
    public Optional<GateStatus> status(String id) {
        Active a = active.get(id);
        if (a != null) {
            return Optional.of(running(a));
        }
        return call(() -> store.get(id)).map(this::fromRow);
    }

    /**
     * The newest gates first, at most {@code limit}, without criteria or run links (read those per gate); a gate
     * running in this process shows its live progress.
     */
    public List<GateSummary> recent(int limit) {
        return call(() -> store.recent(limit)).stream().map(row -> {
            Active a = active.get(row.gateId());
            GateStatus s = a != null ? running(a) : summary(row);
            return new GateSummary(s.id(), s.suite(), s.state(), s.verdict(), s.passed(), s.score(), s.reason(),
                    s.candidate(), s.baseline(), s.progress(), s.createdAt(), s.finishedAt());
        }).toList();
    }

    /** Completes with the finished status; already complete for finished gates, empty for unknown ones. */
    public Optional<CompletableFuture<GateStatus>> completion(String id) {
        Active a = active.get(id);
        if (a != null) {
            return Optional.of(a.done());
        }
        return status(id).map(CompletableFuture::completedFuture);
    }

    /**
     * A passive verdict from the runs stored for {@code pool} in the last {@code window} (no new requests), compared
     * with {@code baselinePool}'s runs in the same window when given.
     */
    public GateStatus evaluate(String suiteName, String poolName, Duration window, String baselinePool) {
        Catalog cat = catalog.get().orElseThrow(() -> new GateRejected(Refusal.UNAVAILABLE,
                "no valid configuration has loaded yet"));
        GateSuite suite = GateSuites.of(cat).suite(suiteName).orElseThrow(() -> new GateRejected(Refusal.INVALID,
                "no configured gate suite '" + suiteName + "'"));
        Pool pool = pool(cat, suite, poolName);
        checkWindow(window);
        Instant now = clock.instant();
        List<RunResult> cand = call(() -> store.window(pool.name(), suite.canaries(), now.minus(window), now,
                GateLimits.MAX_STORED_RUNS));
        List<RunResult> base = null;
        if (baselinePool != null) {
            Pool bp = pool(cat, suite, baselinePool);
            base = call(() -> store.window(bp.name(), suite.canaries(), now.minus(window), now,
                    GateLimits.MAX_STORED_RUNS));
        }
        GateVerdict v = GateEvaluator.evaluate(suite, cand, base, null);
        return new GateStatus(null, suite.name(), GateStatus.FINISHED, v.outcome().label(), v.passed(), v.score(),
                v.reason(), new GateStatus.Candidate(pool.name(), List.of()),
                new GateStatus.BaselineView(baselinePool == null ? GateRequest.Baseline.NONE
                        : GateRequest.Baseline.WINDOW, baselinePool == null ? null : baselinePool + "@" + window),
                new GateStatus.Progress(cand.size() + (base == null ? 0 : base.size()), 0), now, now, v, List.of());
    }

    /** Records progress and liveness of this process's running gates (so other replicas do not finish them). */
    public void heartbeat() {
        Instant now = clock.instant();
        for (Active a : active.values()) {
            try {
                store.heartbeat(a.id(), a.execution().finishedRuns(), now);
            } catch (SQLException | RuntimeException e) {
                LOG.debugf("gate heartbeat skipped (%s)", e.getClass().getSimpleName());
            }
        }
    }

    /** Finishes, as inconclusive, gates left running by a process that is gone; returns their ids. */
    public List<String> recover() {
        Instant now = clock.instant();
        GateVerdict v = new GateVerdict(GateOutcome.INCONCLUSIVE, false, 0, "completion: " + RESTARTED, 0, 0,
                List.of(CriterionResult.absolute("completion", GateOutcome.INCONCLUSIVE, RESTARTED,
                        new SideFigures(0, null, null, null), null)));
        List<String> ids = call(() -> store.recover(owner, now.minus(limits.staleAfter()),
                GateOutcome.INCONCLUSIVE.label(), write(v), now));
        for (String id : ids) {
            LOG.warnf("gate %s was left running by a previous process: finished as inconclusive", id);
        }
        return ids;
    }

    /** How many gates run in this process. */
    public int running() {
        return active.size();
    }

    private void finish(Active a, GateExecution.Collected o, List<RunResult> storedBaseline, Span span) {
        GateStatus status;
        try {
            List<RunResult> baseline = GateRequest.Baseline.POOL.equals(a.request().baseline().kind()) ? o.baseline()
                    : storedBaseline;
            GateVerdict v = GateEvaluator.evaluate(a.suite(), o.candidate(), baseline, o.incomplete(),
                    a.request().identity());
            List<GateRunLink> links = o.links().stream().map(l -> new GateRunLink(l.seq(), l.side().label(),
                    l.runId(), l.traceId(), l.outcome())).toList();
            store.finish(a.id(), v.outcome().label(), write(v), o.links().size(), links, clock.instant());
            Counter.builder(MetricNames.GATE_VERDICTS).description("Finished deployment gates by suite and verdict")
                    .tags(MetricNames.SUITE, a.suite().name(), MetricNames.VERDICT, v.outcome().label())
                    .register(registry).increment();
            record(span, v);
            LOG.infof("gate %s finished: %s (score %d): %s", a.id(), v.outcome().label(), v.score(), v.reason());
            status = call(() -> store.get(a.id())).map(this::fromRow).orElseThrow();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("gate %s: verdict not stored (%s)", a.id(), e.getClass().getSimpleName());
            span.setAttribute(SpanNames.ERROR_TYPE, VERDICT_NOT_STORED);
            span.setStatus(StatusCode.ERROR, "verdict not stored");
            span.end();
            active.remove(a.id());
            a.done().completeExceptionally(e);
            return;
        }
        active.remove(a.id());
        a.done().complete(status);
    }

    private static void record(Span span, GateVerdict v) {
        for (CriterionResult c : v.criteria()) {
            AttributesBuilder attrs = Attributes.builder().put(SpanNames.GATE_CRITERION, c.name())
                    .put(SpanNames.GATE_VERDICT, c.outcome().label()).put(SpanNames.REASON, c.reason());
            if (c.pValue() != null) {
                attrs.put(SpanNames.GATE_P_VALUE, c.pValue());
            }
            span.addEvent(SpanNames.EVENT_GATE_CRITERION, attrs.build());
        }
        span.setAttribute(SpanNames.GATE_VERDICT, v.outcome().label());
        span.setAttribute(SpanNames.GATE_SCORE, (long) v.score());
        if (v.outcome() != GateOutcome.PASS) {
            // error.type is the verdict (fail, inconclusive): a gate that does not pass is an error to the backend.
            span.setAttribute(SpanNames.ERROR_TYPE, v.outcome().label());
            span.setStatus(StatusCode.ERROR, v.reason());
        }
        span.end();
    }

    private GateStatus running(Active a) {
        GateRequest r = a.request();
        return new GateStatus(a.id(), a.suite().name(), GateStatus.RUNNING, null, false, null, null,
                new GateStatus.Candidate(r.candidatePool(), r.candidateEndpoints()),
                new GateStatus.BaselineView(r.baseline().kind(), r.baseline().ref()),
                new GateStatus.Progress(a.execution().finishedRuns(), a.execution().plannedRuns()), a.createdAt(),
                null, null, List.of());
    }

    private GateStatus fromRow(GateRow row) {
        List<GateStatus.RunLink> links = call(() -> store.links(row.gateId())).stream()
                .map(l -> new GateStatus.RunLink(l.seq(), l.side(), l.runId(), l.traceId(), l.outcome(),
                        "/api/runs/" + l.runId())).toList();
        return withRow(row, links);
    }

    private GateStatus summary(GateRow row) {
        return withRow(row, List.of());
    }

    private GateStatus withRow(GateRow row, List<GateStatus.RunLink> links) {
        GateRequest r = read(row.requestJson(), GateRequest.class);
        GateVerdict v = row.verdictJson() == null ? null : read(row.verdictJson(), GateVerdict.class);
        boolean finished = !row.running();
        return new GateStatus(row.gateId(), row.suite(), finished ? GateStatus.FINISHED : GateStatus.RUNNING,
                row.outcome(), v != null && v.passed(), v == null ? null : v.score(), v == null ? null : v.reason(),
                new GateStatus.Candidate(row.candidatePool(), r == null ? List.of() : r.candidateEndpoints()),
                new GateStatus.BaselineView(row.baselineKind(), row.baselineRef()),
                new GateStatus.Progress(row.runsDone(), row.runsPlanned()), row.createdAt(), row.finishedAt(), v,
                links);
    }

    /** The suite with the request's overrides, everything capped by the service limits. */
    private GateSuite effective(GateSuite suite, GateRequest req) {
        if (req.repetitions() != null && req.repetitions() > limits.maxRepetitions()) {
            throw new GateRejected(Refusal.INVALID, "repetitions " + req.repetitions() + " is above the limit of "
                    + limits.maxRepetitions() + " (llm-canary.gates.max-repetitions)");
        }
        if (req.concurrency() != null && req.concurrency() > limits.maxConcurrency()) {
            throw new GateRejected(Refusal.INVALID, "concurrency " + req.concurrency() + " is above the limit of "
                    + limits.maxConcurrency() + " (llm-canary.gates.max-concurrency)");
        }
        if (req.deadline() != null && req.deadline().compareTo(limits.maxDeadline()) > 0) {
            throw new GateRejected(Refusal.INVALID, "deadline " + req.deadline().toSeconds() + " s is above the limit of "
                    + limits.maxDeadline().toSeconds() + " s (llm-canary.gates.max-deadline)");
        }
        int reps = Math.min(req.repetitions() != null ? req.repetitions() : suite.repetitions(),
                limits.maxRepetitions());
        int conc = Math.min(req.concurrency() != null ? req.concurrency() : suite.concurrency(),
                limits.maxConcurrency());
        Duration deadline = req.deadline() != null ? req.deadline()
                : suite.deadline().compareTo(limits.maxDeadline()) > 0 ? limits.maxDeadline() : suite.deadline();
        return suite.with(reps, conc, deadline);
    }

    private List<RunResult> storedBaseline(Catalog cat, GateSuite suite, GateRequest req) {
        GateRequest.Baseline b = req.baseline();
        switch (b.kind()) {
            case GateRequest.Baseline.GATE -> {
                GateRow row = call(() -> store.get(b.gate())).orElseThrow(() ->
                        new GateRejected(Refusal.NOT_FOUND, "no gate '" + b.gate() + "' to use as baseline"));
                if (row.running()) {
                    throw new GateRejected(Refusal.CONFLICT, "baseline gate '" + b.gate() + "' is still running");
                }
                List<String> ids = call(() -> store.links(row.gateId())).stream()
                        .filter(l -> Side.CANDIDATE.label().equals(l.side())).map(GateRunLink::runId).toList();
                return call(() -> store.results(ids));
            }
            case GateRequest.Baseline.WINDOW -> {
                checkWindow(b.window());
                Pool p = pool(cat, suite, b.pool() == null ? req.candidatePool() : b.pool());
                Instant now = clock.instant();
                return call(() -> store.window(p.name(), suite.canaries(), now.minus(b.window()), now,
                        GateLimits.MAX_STORED_RUNS));
            }
            default -> {
                return null;
            }
        }
    }

    private void checkWindow(Duration window) {
        if (window == null || window.isZero() || window.isNegative() || window.compareTo(limits.maxWindow()) > 0) {
            throw new GateRejected(Refusal.INVALID, "window must be more than 0 and at most " + limits.maxWindow().toHours()
                    + " h (llm-canary.gates.max-window)");
        }
    }

    /** A configured pool the suite may gate; anything else is rejected before any connection is made. */
    private static Pool pool(Catalog cat, GateSuite suite, String name) {
        Pool p = cat.pool(name).orElseThrow(() -> new GateRejected(Refusal.INVALID, "no configured pool '" + name + "'"));
        if (!suite.allowsPool(name)) {
            throw new GateRejected(Refusal.FORBIDDEN, "gate suite '" + suite.name() + "' may not gate pool '" + name + "'");
        }
        return p;
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("gate record not serialisable", e);
        }
    }

    private <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            LOG.warnf("stored gate JSON unreadable as %s", type.getSimpleName());
            return null;
        }
    }

    @FunctionalInterface
    private interface Sql<T> {
        T get() throws SQLException;
    }

    private static <T> T call(Sql<T> sql) {
        try {
            return sql.get();
        } catch (SQLException e) {
            throw new GateRejected(Refusal.UNAVAILABLE, "the gate store is unavailable");
        }
    }
}
