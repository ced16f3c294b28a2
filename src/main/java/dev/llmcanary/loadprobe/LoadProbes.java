package dev.llmcanary.loadprobe;

import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Refusal;
import dev.llmcanary.canary.run.UntrustedText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.loadprobe.scenario.Scenario;
import dev.llmcanary.store.Database;
import dev.llmcanary.time.CronWindow;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.llmcanary.telemetry.MetricNames.LOADPROBE_ACHIEVED_RATE;
import static dev.llmcanary.telemetry.MetricNames.LOADPROBE_ACTIVE;
import static dev.llmcanary.telemetry.MetricNames.LOADPROBE_OUTPUT_TOKENS_PER_SECOND;
import static dev.llmcanary.telemetry.MetricNames.LOADPROBE_RUNS;
import static dev.llmcanary.telemetry.MetricNames.LOADPROBE_TTFT;
import static dev.llmcanary.telemetry.MetricNames.POOL;
import static dev.llmcanary.telemetry.MetricNames.QUANTILE;
import static dev.llmcanary.telemetry.MetricNames.SCENARIO;
import static dev.llmcanary.telemetry.MetricNames.VERDICT;

/**
 * Runs load probes: one child JVM per probe (or, in kubernetes mode, one indexed Job followed until its shards'
 * summaries can be merged), at most one per pool; follows progress, cancels, judges the summary against the SLO and
 * the baseline, stores rows and reports, publishes the load-probe metrics, and starts scenarios inside their
 * off-peak windows.
 */
@ApplicationScoped
public class LoadProbes {

    private static final Logger LOG = Logger.getLogger(LoadProbes.class);

    private final LoadProbeSettings settings;
    private final CatalogHolder catalog;
    private final ScenarioHolder scenarios;
    private final LoadProbeStore store;
    private final ObjectMapper json;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Runner runner;
    private final jakarta.enterprise.inject.Instance<KubernetesClient> kubernetes;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<String, String> busyPools = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<ProbeSummary>> last = new ConcurrentHashMap<>();
    /** The off-peak window each scenario last started in, so a window starts it once. */
    private final Map<String, Instant> startedInWindow = new ConcurrentHashMap<>();

    /** A probe in flight: a child process (local mode) or an indexed Job (kubernetes mode), the other null. */
    private record Running(String id, Scenario scenario, String trigger, Instant startedAt, double totalSeconds,
                           Double targetRate, ProbeProcess process, ProbeJob job,
                           AtomicReference<String> cancelled) {
    }

    /** A probe's Job: where it runs, its shards, when it must have finished, and its latest pod count text. */
    private record ProbeJob(String namespace, int shards, Instant deadline, AtomicReference<String> pods) {
    }

    public LoadProbes(LoadProbeSettings settings, CatalogHolder catalog, ScenarioHolder scenarios, Database db,
                      ObjectMapper json, MeterRegistry registry, Clock clock,
                      jakarta.enterprise.inject.Instance<KubernetesClient> kubernetes) {
        this.kubernetes = kubernetes;
        this.settings = settings;
        this.catalog = catalog;
        this.scenarios = scenarios;
        this.store = new LoadProbeStore(db);
        this.json = json;
        this.registry = registry;
        this.clock = clock;
        this.runner = new Runner(Path.of(settings.runnerDir()), Runner.currentJava(), settings.jvmArgs());
    }

    /** Registers {@code llm_loadprobe_active{pool}} (0) for every configured pool; called on each good load. */
    public void poolsConfigured(Catalog c) {
        for (Pool p : c.pools()) {
            active.computeIfAbsent(p.name(), name -> {
                AtomicInteger v = new AtomicInteger();
                Gauge.builder(LOADPROBE_ACTIVE, v, AtomicInteger::get).tag(POOL, name)
                        .description("1 while a load probe runs on the pool").register(registry);
                return v;
            });
        }
    }

    /** Whether a load probe runs on the pool now (canary results are marked with it). */
    public boolean activeOn(String pool) {
        return busyPools.containsKey(pool);
    }

    /** Starts a probe of the scenario; throws {@link ProbeRejected} saying why when it cannot. */
    public ProbeView start(String scenarioId, Overrides overrides, String trigger) {
        return start(scenarioId, overrides, trigger, Map.of());
    }

    /** The pool's API key value, the one secret a probe sends, for masking what the server echoes back. */
    private java.util.List<String> keyOf(String poolName) {
        return catalog.current().flatMap(c -> c.pool(poolName)).map(Pool::apiKeyEnv).map(System::getenv)
                .map(java.util.List::of).orElse(java.util.List.of());
    }

    /** As {@link #start(String, Overrides, String)} with extra request headers (tests: simulator profiles). */
    ProbeView start(String scenarioId, Overrides o, String trigger, Map<String, String> extraHeaders) {
        Catalog c = catalog.current().orElseThrow(() -> new ProbeRejected(Refusal.UNAVAILABLE,
                "no valid configuration has loaded yet"));
        Scenario s = scenarios.get().find(scenarioId)
                .orElseThrow(() -> new ProbeRejected(Refusal.NOT_FOUND, "unknown scenario \"" + scenarioId + "\""));
        checkOverrides(s, o);
        if (settings.mode() == LoadProbeSettings.Mode.KUBERNETES) {
            Pool pool = c.pool(s.pool()).orElseThrow(() -> new ProbeRejected(Refusal.CONFLICT, "pool \"" + s.pool()
                    + "\" is no longer configured"));
            return startJob(s, pool, o, trigger);
        }
        if (!runner.built()) {
            throw new ProbeRejected(Refusal.UNAVAILABLE, "the load-probe runner is not built (" + settings.runnerDir()
                    + "); build with ./mvnw package");
        }
        Pool pool = c.pool(s.pool()).orElseThrow(() -> new ProbeRejected(Refusal.CONFLICT, "pool \"" + s.pool()
                + "\" is no longer configured"));
        String id = UUID.randomUUID().toString();
        String other = busyPools.putIfAbsent(s.pool(), id);
        if (other != null) {
            throw new ProbeRejected(Refusal.CONFLICT, "a load probe already runs on pool \"" + s.pool() + "\": "
                    + other);
        }
        try {
            poolsConfigured(c);
            Map<String, String> headers = new HashMap<>(extraHeaders);
            if (pool.apiKeyEnv() != null && System.getenv(pool.apiKeyEnv()) != null) {
                headers.put("Authorization", "Bearer " + System.getenv(pool.apiKeyEnv()));
            }
            Path dir = Path.of(settings.workDir(), id);
            ObjectNode plan = new PlanWriter(json).plan(s, pool, o, headers, dir, 1,
                    settings.streamTimeout().toMillis() / 1000.0);
            ProbeProcess p = ProbeProcess.start(runner, dir, plan, json);
            Running r = new Running(id, s, trigger, clock.instant(), PlanWriter.seconds(s, o),
                    PlanWriter.targetRate(s, o), p, null,
                    new AtomicReference<>());
            running.put(id, r);
            active.get(s.pool()).set(1);
            persist(new StoredProbe(id, s.id(), s.pool(), "running", null, null, trigger, r.startedAt(), null, false,
                    null, null, false));
            p.outcome().whenComplete((out, err) -> finish(r, out, err));
            LOG.infof("load probe %s started: scenario %s on pool %s (%s)", id, s.id(), s.pool(), trigger);
            return view(r);
        } catch (IOException | RuntimeException e) {
            busyPools.remove(s.pool(), id);
            if (e instanceof ProbeRejected pr) {
                throw pr;
            }
            throw new ProbeRejected(Refusal.FAILED, "could not start the runner: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Kubernetes mode: an indexed Job of {@code shards} pods, each injecting rate / shards (deploy/loadprobe). The
     * probe is {@code running} until {@link #followJobs()} sees the Job finish and merges the shards' summaries.
     */
    private ProbeView startJob(Scenario s, Pool pool, Overrides o, String trigger) {
        LoadProbeSettings.Kubernetes k = settings.kubernetes();
        if (kubernetes.isUnsatisfied()) {
            throw new ProbeRejected(Refusal.UNAVAILABLE, "load-probes mode kubernetes needs a Kubernetes client");
        }
        String id = UUID.randomUUID().toString();
        String other = busyPools.putIfAbsent(s.pool(), id);
        if (other != null) {
            throw new ProbeRejected(Refusal.CONFLICT, "a load probe already runs on pool \"" + s.pool() + "\": "
                    + other);
        }
        try {
            poolsConfigured(catalog.current().orElseThrow());
            KubernetesClient client = kubernetes.get();
            String namespace = k.namespace().orElseGet(client::getNamespace);
            ObjectNode plan = new PlanWriter(json).plan(s, pool, o, Map.of(), Path.of("/results"), 1.0 / k.shards(),
                    settings.streamTimeout().toMillis() / 1000.0);
            try {
                new KubernetesProbeJobs(client, json).create(namespace, id, plan, k.shards(), k.image());
            } catch (RuntimeException e) {
                throw new ProbeRejected(Refusal.UNAVAILABLE, "could not create the load-probe Job: "
                        + e.getClass().getSimpleName());
            }
            Instant now = clock.instant();
            double total = PlanWriter.seconds(s, o);
            // scheduling and image pulls come before the load; a stream may still run for the stream timeout after it
            Instant deadline = now.plusMillis((long) (total * 1000)).plus(settings.streamTimeout())
                    .plus(k.startTimeout());
            Running r = new Running(id, s, trigger, now, total, PlanWriter.targetRate(s, o), null,
                    new ProbeJob(namespace, k.shards(), deadline, new AtomicReference<>("Job submitted")),
                    new AtomicReference<>());
            running.put(id, r);
            active.get(s.pool()).set(1);
            persist(new StoredProbe(id, s.id(), s.pool(), "running", null, "indexed Job " + KubernetesProbeJobs.name(id)
                    + " in " + namespace + " with " + k.shards() + " shards", trigger, now, null, false, null, null,
                    false));
            LOG.infof("load probe %s submitted as Job %s (%d shards) in %s", id, KubernetesProbeJobs.name(id),
                    k.shards(), namespace);
            return view(r);
        } catch (RuntimeException e) {
            busyPools.remove(s.pool(), id);
            throw e;
        }
    }

    /**
     * Follows every probe running as a Job: pod counts for the progress; when the Job completes, each shard's
     * summary from its pod log, merged exactly and judged like a local probe; a failed, vanished or overdue Job
     * ends {@code failed} with an {@code inconclusive} verdict and the reason.
     */
    @Scheduled(every = "${llm-canary.load-probes.kubernetes.poll-interval:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void followJobs() {
        for (Running r : running.values()) {
            if (r.job() != null && r.cancelled().get() == null) {
                followJob(r);
            }
        }
    }

    private void followJob(Running r) {
        ProbeJob j = r.job();
        KubernetesProbeJobs jobs = new KubernetesProbeJobs(kubernetes.get(), json);
        KubernetesProbeJobs.Status st;
        try {
            st = jobs.status(j.namespace(), r.id());
        } catch (RuntimeException e) {
            LOG.warnf("load probe %s: cannot read its Job: %s", r.id(), e.getClass().getSimpleName());
            st = null;
        }
        if (st != null && st.exists()) {
            j.pods().set(st.describe(j.shards()));
        }
        if (st != null && st.complete()) {
            List<String> shards;
            try {
                shards = jobs.shardSummaries(j.namespace(), r.id());
            } catch (RuntimeException e) {
                finish(r, null, null, "could not read the shards' logs: " + e.getClass().getSimpleName());
                return;
            }
            if (shards.size() != j.shards()) {
                finish(r, null, null, "only " + shards.size() + " of " + j.shards()
                        + " shards printed a summary: results incomplete");
                return;
            }
            try {
                JsonNode merged = new ShardMerge(runner, json).merge(Path.of(settings.workDir(), r.id()), shards);
                finish(r, new ProbeProcess.Outcome(0, Optional.of(merged), Optional.empty()), null, null);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // the parser's message quotes the input: the class alone
                finish(r, null, null, "a shard's summary line is not valid JSON");
            } catch (IOException | RuntimeException e) {
                finish(r, null, null, "could not merge the shard summaries: " + (e instanceof IOException
                        ? e.getMessage() : e.getClass().getSimpleName()));
            }
        } else if (st != null && st.failed()) {
            finish(r, null, null, st.reason());
        } else if (clock.instant().isAfter(j.deadline())) {
            deleteJob(r);
            finish(r, null, null, "the Job did not finish by " + j.deadline() + " (planned "
                    + (long) r.totalSeconds() + " s + stream timeout + kubernetes.start-timeout); deleted");
        }
    }

    private void deleteJob(Running r) {
        try {
            new KubernetesProbeJobs(kubernetes.get(), json).delete(r.job().namespace(), r.id());
        } catch (RuntimeException e) {
            LOG.warnf("load probe %s: could not delete its Job: %s", r.id(), e.getClass().getSimpleName());
        }
    }

    private void checkOverrides(Scenario s, Overrides o) {
        boolean stairs = s.arrival().kind() == Scenario.Arrival.Kind.STAIRS;
        if (o.rate() != null) {
            if (stairs) {
                throw new ProbeRejected(Refusal.INVALID, "rate cannot be overridden for a stairs scenario");
            }
            if (!(o.rate() > 0) || o.rate() > settings.maxRate()) {
                throw new ProbeRejected(Refusal.INVALID, "rate must be greater than 0 and at most " + settings.maxRate()
                        + " (llm-canary.load-probes.max-rate), got " + o.rate());
            }
        }
        if (o.duration() != null) {
            if (stairs) {
                throw new ProbeRejected(Refusal.INVALID, "duration cannot be overridden for a stairs scenario");
            }
            if (o.duration().isZero() || o.duration().isNegative() || o.duration().compareTo(settings.maxDuration()) > 0) {
                throw new ProbeRejected(Refusal.INVALID, "duration must be greater than 0 and at most "
                        + settings.maxDuration().toSeconds() + "s (llm-canary.load-probes.max-duration), got "
                        + o.duration().toSeconds() + "s");
            }
        }
        if (o.rate() == null && s.arrival().peakRate() > settings.maxRate()) {
            throw new ProbeRejected(Refusal.INVALID, "the scenario's peak rate " + s.arrival().peakRate()
                    + " exceeds llm-canary.load-probes.max-rate " + settings.maxRate());
        }
    }

    public ProbeView cancel(String id) {
        Running r = running.get(id);
        if (r == null) {
            return find(id).orElseThrow(() -> new ProbeRejected(Refusal.NOT_FOUND,
                    "unknown load probe \"" + id + "\""));
        }
        r.cancelled().set("cancelled");
        if (r.job() != null) {
            // a shard prints its summary only when it ends: a deleted Job leaves no partial results to keep
            deleteJob(r);
            finish(r, null, null, "cancelled: Job " + KubernetesProbeJobs.name(id) + " deleted, no partial results");
            return find(id).orElseThrow();
        }
        r.process().cancel(settings.cancelGrace());
        return view(r);
    }

    public Optional<ProbeView> find(String id) {
        Running r = running.get(id);
        if (r != null) {
            return Optional.of(view(r));
        }
        try {
            return store.find(id).map(this::view);
        } catch (SQLException e) {
            throw new ProbeRejected(Refusal.UNAVAILABLE, "the run database is unavailable");
        }
    }

    /** The probes running in this process, then the newest stored ones, at most {@code limit} in all. */
    public List<ProbeView> recent(int limit) {
        List<ProbeView> out = new ArrayList<>();
        running.values().stream().sorted(Comparator.comparing(Running::startedAt).reversed())
                .forEach(r -> out.add(view(r)));
        try {
            for (StoredProbe p : store.recent(limit)) {
                if (!running.containsKey(p.id())) {
                    out.add(view(p));
                }
            }
        } catch (SQLException e) {
            throw new ProbeRejected(Refusal.UNAVAILABLE, "the run database is unavailable");
        }
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    /** Makes a finished probe its scenario's baseline. */
    public ProbeView promote(String id) {
        try {
            StoredProbe p = store.find(id).orElseThrow(() -> new ProbeRejected(Refusal.NOT_FOUND, "unknown load probe \"" + id
                    + "\""));
            if (!"done".equals(p.state()) || p.summaryJson() == null) {
                throw new ProbeRejected(Refusal.CONFLICT, "only a finished probe with results can be a baseline (state "
                        + p.state() + ")");
            }
            store.promote(p.scenario(), id);
            return find(id).orElseThrow();
        } catch (SQLException e) {
            throw new ProbeRejected(Refusal.UNAVAILABLE, "the run database is unavailable");
        }
    }

    /** One file of the probe's HTML report. */
    public Optional<byte[]> reportFile(String id, String path) {
        try {
            return store.report(id).flatMap(zip -> ReportArchive.entry(zip, path));
        } catch (SQLException e) {
            throw new ProbeRejected(Refusal.UNAVAILABLE, "the run database is unavailable");
        }
    }

    private void finish(Running r, ProbeProcess.Outcome out, Throwable err) {
        finish(r, out, err, null);
    }

    /** Judges and stores a finished probe; {@code failure} (a Job's) replaces the runner's exit as the reason. */
    private void finish(Running r, ProbeProcess.Outcome out, Throwable err, String failure) {
        if (!running.remove(r.id(), r)) {
            return; // already finished: a Job's cancel and its follower may race, the first one stores
        }
        Scenario s = r.scenario();
        String state;
        String verdictId = null;
        String reason;
        String summaryJson = null;
        String verdictJson = null;
        boolean baseline = false;
        byte[] report = null;
        try {
            if (err != null || out == null || out.summary().isEmpty()) {
                state = r.cancelled().get() != null ? "cancelled" : "failed";
                reason = failure != null ? failure : err != null ? "runner failed: " + err.getClass().getSimpleName()
                        : "runner exited with " + out.exitCode() + " without a summary (see "
                        + settings.workDir() + "/" + r.id() + "/runner-stderr.log)";
                verdictId = Verdict.Outcome.INCONCLUSIVE.id();
            } else {
                JsonNode summary = out.summary().get();
                // the server's answer to a rejected request is untrusted: extracted and masked before anything reads it
                RejectionText.clean(summary, UntrustedText.of(keyOf(s.pool()), s.prompts()));
                ProbeSummary sum = ProbeSummary.from(summary);
                state = "cancelled".equals(sum.aborted()) || r.cancelled().get() != null ? "cancelled" : "done";
                Optional<StoredProbe> base = store.baseline(s.id());
                ProbeSummary baseSum = base.map(b -> {
                    try {
                        return ProbeSummary.from(json.readTree(b.summaryJson()));
                    } catch (IOException e) {
                        return null;
                    }
                }).orElse(null);
                Verdict v = Verdicts.judge(s, sum, baseSum, base.map(StoredProbe::id).orElse(null));
                verdictId = v.outcome().id();
                reason = v.reason();
                if (r.targetRate() != null && summary instanceof ObjectNode o) {
                    // the runner reports what it achieved; what was asked of it is the plan's, kept beside it
                    o.put("targetRate", r.targetRate());
                }
                summaryJson = json.writeValueAsString(summary);
                verdictJson = json.writeValueAsString(v);
                // the first accepted (passing, complete) run of a scenario becomes its baseline
                baseline = base.isEmpty() && v.outcome() == Verdict.Outcome.PASS && "done".equals(state);
                report = out.reportDir().map(ReportArchive::zip).orElse(null);
                record(s, sum, verdictId);
            }
            persist(new StoredProbe(r.id(), s.id(), s.pool(), state, verdictId, reason, r.trigger(), r.startedAt(),
                    clock.instant(), baseline, summaryJson, verdictJson, report != null));
            if (report != null) {
                store.saveReport(r.id(), report);
            }
            LOG.infof("load probe %s %s: verdict %s (%s)", r.id(), state, verdictId, reason);
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.errorf("load probe %s: could not store its results: %s", r.id(), e.toString());
        } finally {
            running.remove(r.id());
            busyPools.remove(s.pool(), r.id());
            Optional.ofNullable(active.get(s.pool())).ifPresent(a -> a.set(0));
        }
    }

    private void record(Scenario s, ProbeSummary sum, String verdict) {
        Counter.builder(LOADPROBE_RUNS).tag(POOL, s.pool()).tag(SCENARIO, s.id()).tag(VERDICT, verdict)
                .description("Finished load probes by verdict").register(registry).increment();
        AtomicReference<ProbeSummary> ref = last.computeIfAbsent(s.pool() + "\u0000" + s.id(), k -> {
            AtomicReference<ProbeSummary> r = new AtomicReference<>();
            gauge(LOADPROBE_TTFT, s, r, "0.5", x -> x.ttftP50());
            gauge(LOADPROBE_TTFT, s, r, "0.95", x -> x.ttftP95());
            gauge(LOADPROBE_TTFT, s, r, "0.99", x -> x.ttftP99());
            gauge(LOADPROBE_ACHIEVED_RATE, s, r, null, ProbeSummary::achievedRate);
            gauge(LOADPROBE_OUTPUT_TOKENS_PER_SECOND, s, r, null, ProbeSummary::outputTokensPerSecond);
            return r;
        });
        ref.set(sum);
    }

    private void gauge(String name, Scenario s, AtomicReference<ProbeSummary> ref, String quantile,
                       java.util.function.Function<ProbeSummary, Double> f) {
        Gauge.Builder<AtomicReference<ProbeSummary>> b = Gauge.builder(name, ref, r -> {
            ProbeSummary v = r.get();
            Double d = v == null ? null : f.apply(v);
            return d == null ? Double.NaN : d;
        }).tag(POOL, s.pool()).tag(SCENARIO, s.id()).description("The last load probe's figure");
        if (quantile != null) {
            b.tag(QUANTILE, quantile);
        }
        b.register(registry);
    }

    private void persist(StoredProbe p) {
        try {
            store.save(p);
        } catch (SQLException e) {
            LOG.warnf("load probe %s: database unavailable, row not stored: %s", p.id(), e.toString());
        }
    }

    /** Starts each scenario with an off-peak window once per window, only if the run ends before it closes. */
    @Scheduled(every = "${llm-canary.load-probes.scheduler-interval:30s}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void offPeak() {
        if (!settings.scheduler() || catalog.current().isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        for (Scenario s : scenarios.get().scenarios()) {
            if (s.offPeak() == null || busyPools.containsKey(s.pool())) {
                continue;
            }
            Optional<CronWindow.Opening> w = OffPeakWindows.startable(s.offPeak(), now, s.plannedDuration());
            if (w.isEmpty() || w.get().opens().equals(startedInWindow.get(s.id()))) {
                continue;
            }
            startedInWindow.put(s.id(), w.get().opens());
            try {
                start(s.id(), Overrides.NONE, "off_peak");
            } catch (ProbeRejected e) {
                LOG.warnf("off-peak load probe %s not started: %s", s.id(), e.getMessage());
            }
        }
    }

    /** Stops every running probe's process tree on service shutdown: no child outlives the service. */
    void onStop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent event) {
        // Jobs run on without the service: their pods are the cluster's; only child processes die with it
        running.values().stream().filter(r -> r.process() != null).forEach(r -> r.process().destroyTree());
    }

    private ProbeView view(Running r) {
        if (r.job() != null) {
            double elapsed = Duration.between(r.startedAt(), clock.instant()).toMillis() / 1000.0;
            return new ProbeView(r.id(), r.scenario().id(), r.scenario().pool(), "running", r.trigger(), r.startedAt(),
                    null, new ProbeView.Progress(Math.min(elapsed, r.totalSeconds()), r.totalSeconds(), 0, 0, 0), null,
                    "indexed Job " + KubernetesProbeJobs.name(r.id()) + " in " + r.job().namespace() + ": "
                            + r.job().pods().get(), false, null, null, null);
        }
        ProbeProcess.Progress p = r.process().progress();
        return new ProbeView(r.id(), r.scenario().id(), r.scenario().pool(), "running", r.trigger(), r.startedAt(), null,
                new ProbeView.Progress(p.elapsedSeconds(), r.totalSeconds(), p.rate(), p.requests(), p.errors()),
                null, r.cancelled().get() != null ? "cancelling" : null, false, null, null, null);
    }

    private ProbeView view(StoredProbe p) {
        JsonNode summary = read(p.summaryJson());
        ProbeView.Progress progress = null;
        if (summary != null) {
            ProbeSummary s = ProbeSummary.from(summary);
            progress = new ProbeView.Progress(s.elapsedSeconds(), summary.path("plannedSeconds").asDouble(),
                    s.achievedRate(), s.count(), s.errorCount());
        }
        return new ProbeView(p.id(), p.scenario(), p.pool(), p.state(), p.trigger(), p.startedAt(), p.endedAt(),
                progress, p.verdict(), p.reason(), p.baseline(), summary, read(p.verdictJson()),
                p.hasReport() ? "/api/load-probes/" + p.id() + "/report/" : null);
    }

    private JsonNode read(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    Duration cancelGrace() {
        return settings.cancelGrace();
    }
}
