package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Refusal;
import dev.llmcanary.loadprobe.scenario.Scenario;
import dev.llmcanary.store.Database;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs load probes, at most one per pool: starts each as a child JVM ({@link LocalRuns}) or, in kubernetes mode, an
 * indexed Job followed until its shards' summaries can be merged ({@link JobRuns}); cancels; ends each through
 * {@link ProbeFinisher} (verdict, baseline, rows and report, metrics); lists and promotes stored probes; and starts
 * scenarios inside their off-peak windows ({@link OffPeakStarts}).
 */
@ApplicationScoped
public class LoadProbes {

    private static final Logger LOG = Logger.getLogger(LoadProbes.class);

    private final LoadProbeSettings settings;
    private final CatalogHolder catalog;
    private final ScenarioHolder scenarios;
    private final LoadProbeStore store;
    private final Clock clock;
    private final InFlightProbes inFlight = new InFlightProbes();
    private final OffPeakStarts offPeakStarts = new OffPeakStarts();
    private final OverrideLimits limits;
    private final ProbeMetrics metrics;
    private final ProbeViews views;
    private final LocalRuns local;
    private final JobRuns jobs;
    private final ProbeFinisher finisher;

    public LoadProbes(LoadProbeSettings settings, CatalogHolder catalog, ScenarioHolder scenarios, Database db,
                      ObjectMapper json, MeterRegistry registry, Clock clock, Instance<KubernetesClient> kubernetes) {
        this.settings = settings;
        this.catalog = catalog;
        this.scenarios = scenarios;
        this.store = new LoadProbeStore(db);
        this.clock = clock;
        Runner runner = new Runner(Path.of(settings.runnerDir()), Runner.currentJava(), settings.jvmArgs());
        this.limits = new OverrideLimits(settings);
        this.metrics = new ProbeMetrics(registry);
        this.views = new ProbeViews(json, clock);
        this.local = new LocalRuns(settings, runner, json, clock);
        this.jobs = new JobRuns(settings, kubernetes, runner, json, clock);
        this.finisher = new ProbeFinisher(settings, store, json, metrics, clock, this::keyOf);
    }

    /** Registers {@code llm_loadprobe_active{pool}} (0) for every configured pool; called on each good load. */
    public void poolsConfigured(Catalog c) {
        metrics.poolsConfigured(c);
    }

    /** Whether a load probe runs on the pool now (canary results are marked with it). */
    public boolean activeOn(String pool) {
        return inFlight.busy(pool);
    }

    /** Starts a probe of the scenario; throws {@link ProbeRejected} saying why when it cannot. */
    public ProbeView start(String scenarioId, Overrides overrides, String trigger) {
        return start(scenarioId, overrides, trigger, Map.of());
    }

    /** As {@link #start(String, Overrides, String)} with extra request headers (tests: simulator profiles). */
    ProbeView start(String scenarioId, Overrides o, String trigger, Map<String, String> extraHeaders) {
        Catalog c = catalog.current().orElseThrow(() -> new ProbeRejected(Refusal.UNAVAILABLE,
                "no valid configuration has loaded yet"));
        Scenario s = scenarios.get().find(scenarioId)
                .orElseThrow(() -> new ProbeRejected(Refusal.NOT_FOUND, "unknown scenario \"" + scenarioId + "\""));
        limits.check(s, o);
        boolean kubernetes = settings.mode() == LoadProbeSettings.Mode.KUBERNETES;
        if (!kubernetes) {
            local.checkBuilt();
        }
        Pool pool = c.pool(s.pool()).orElseThrow(() -> new ProbeRejected(Refusal.CONFLICT, "pool \"" + s.pool()
                + "\" is no longer configured"));
        if (kubernetes) {
            jobs.checkAvailable();
        }
        String id = UUID.randomUUID().toString();
        inFlight.reserve(s.pool(), id);
        try {
            metrics.poolsConfigured(c);
            RunningProbe r = kubernetes ? jobs.submit(id, s, pool, o, trigger)
                    : local.start(id, s, pool, o, trigger, extraHeaders);
            inFlight.add(r);
            metrics.active(s.pool(), true);
            finisher.persist(new StoredProbe(id, s.id(), s.pool(), ProbeState.RUNNING.id(), null, r.startedReason(),
                    trigger, r.startedAt(), null, false, null, null, false));
            if (r.process() != null) {
                r.process().outcome().whenComplete((out, err) -> finish(r, out, err, null));
            }
            return views.of(r);
        } catch (RuntimeException e) {
            inFlight.release(s.pool(), id);
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
        for (RunningProbe r : inFlight.all()) {
            if (r.job() != null && !r.cancelled().get()) {
                jobs.follow(r).ifPresent(end -> finish(r, end.merged(), null, end.failure()));
            }
        }
    }

    public ProbeView cancel(String id) {
        Optional<RunningProbe> running = inFlight.get(id);
        if (running.isEmpty()) {
            return find(id).orElseThrow(() -> new ProbeRejected(Refusal.NOT_FOUND,
                    "unknown load probe \"" + id + "\""));
        }
        RunningProbe r = running.get();
        r.cancelled().set(true);
        if (r.job() != null) {
            // a shard prints its summary only when it ends: a deleted Job leaves no partial results to keep
            jobs.delete(r);
            finish(r, null, null, "cancelled: Job " + KubernetesProbeJobs.name(id) + " deleted, no partial results");
            return find(id).orElseThrow();
        }
        local.cancel(r);
        return views.of(r);
    }

    public Optional<ProbeView> find(String id) {
        Optional<RunningProbe> r = inFlight.get(id);
        if (r.isPresent()) {
            return Optional.of(views.of(r.get()));
        }
        try {
            return store.find(id).map(views::of);
        } catch (SQLException e) {
            throw unavailable();
        }
    }

    /** The probes running in this process, then the newest stored ones, at most {@code limit} in all. */
    public List<ProbeView> recent(int limit) {
        List<ProbeView> out = new ArrayList<>();
        inFlight.all().stream().sorted(Comparator.comparing(RunningProbe::startedAt).reversed())
                .forEach(r -> out.add(views.of(r)));
        try {
            for (StoredProbe p : store.recent(limit)) {
                if (!inFlight.contains(p.id())) {
                    out.add(views.of(p));
                }
            }
        } catch (SQLException e) {
            throw unavailable();
        }
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    /** Makes a finished probe its scenario's baseline. */
    public ProbeView promote(String id) {
        try {
            StoredProbe p = store.find(id).orElseThrow(() -> new ProbeRejected(Refusal.NOT_FOUND,
                    "unknown load probe \"" + id + "\""));
            if (!ProbeState.DONE.id().equals(p.state()) || p.summaryJson() == null) {
                throw new ProbeRejected(Refusal.CONFLICT, "only a finished probe with results can be a baseline (state "
                        + p.state() + ")");
            }
            store.promote(p.scenario(), id);
            return find(id).orElseThrow();
        } catch (SQLException e) {
            throw unavailable();
        }
    }

    /** One file of the probe's HTML report. */
    public Optional<byte[]> reportFile(String id, String path) {
        try {
            return store.report(id).flatMap(zip -> ReportArchive.entry(zip, path));
        } catch (SQLException e) {
            throw unavailable();
        }
    }

    /** Starts each scenario with an off-peak window once per window, only if the run ends before it closes. */
    @Scheduled(every = "${llm-canary.load-probes.scheduler-interval:30s}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void offPeak() {
        if (!settings.scheduler() || catalog.current().isEmpty()) {
            return;
        }
        offPeakStarts.startDue(scenarios.get().scenarios(), clock.instant(), inFlight::busy, s -> {
            try {
                start(s.id(), Overrides.NONE, "off_peak");
            } catch (ProbeRejected e) {
                LOG.warnf("off-peak load probe %s not started: %s", s.id(), e.getMessage());
            }
        });
    }

    /** Stops every running probe's process tree on service shutdown: no child outlives the service. */
    void onStop(@Observes ShutdownEvent event) {
        // Jobs run on without the service: their pods are the cluster's; only child processes die with it
        inFlight.all().stream().filter(r -> r.process() != null).forEach(r -> r.process().destroyTree());
    }

    /** Ends a probe once (a Job's cancel and its follower may race: the first one stores) and frees its pool. */
    private void finish(RunningProbe r, ProbeProcess.Outcome out, Throwable err, String failure) {
        if (!inFlight.remove(r)) {
            return;
        }
        try {
            finisher.finish(r, out, err, failure);
        } finally {
            inFlight.release(r.pool(), r.id());
            metrics.active(r.pool(), false);
        }
    }

    /** The pool's API key value, the one secret a probe sends, for masking what the server echoes back. */
    private List<String> keyOf(String poolName) {
        return catalog.current().flatMap(c -> c.pool(poolName)).map(Pool::apiKeyEnv).map(System::getenv)
                .map(List::of).orElse(List.of());
    }

    private static ProbeRejected unavailable() {
        return new ProbeRejected(Refusal.UNAVAILABLE, "the run database is unavailable");
    }
}
