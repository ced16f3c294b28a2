package dev.llmcanary.boot;

import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.loadprobe.LoadProbes;
import dev.llmcanary.schedule.EndpointChecks;
import dev.llmcanary.schedule.EndpointGuard;
import dev.llmcanary.schedule.EndpointGuards;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.RunHistory;
import dev.llmcanary.canary.run.RunSettings;
import dev.llmcanary.consistency.IdentityTracker;
import dev.llmcanary.consistency.ReplicaChecks;
import dev.llmcanary.consistency.ReplicaComparator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.evidence.EvidenceCollector;
import dev.llmcanary.evidence.PrometheusText;
import dev.llmcanary.evidence.ScrapeClient;
import dev.llmcanary.evidence.Scraper;
import dev.llmcanary.guardrail.PiiMasker;
import dev.llmcanary.schedule.SlotClaims;
import dev.llmcanary.store.Database;
import dev.llmcanary.store.JobClaims;
import dev.llmcanary.store.Retention;
import dev.llmcanary.store.RunQueries;
import dev.llmcanary.store.RunStore;
import dev.llmcanary.store.ReplicaHeartbeats;
import dev.llmcanary.store.StoreStatus;
import dev.llmcanary.canary.run.InFlightRuns;
import jakarta.annotation.Priority;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.flyway.FlywayDataSource;
import org.flywaydb.core.Flyway;
import dev.llmcanary.client.ClientSettings;
import dev.llmcanary.client.StreamingClient;
import dev.llmcanary.telemetry.ClientLoopMetrics;
import dev.llmcanary.telemetry.ConsistencyMetrics;
import dev.llmcanary.telemetry.MetricsRecorder;
import dev.llmcanary.telemetry.RunLogger;
import dev.llmcanary.telemetry.SpanObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import dev.llmcanary.telemetry.SpanNames;
import org.eclipse.microprofile.config.ConfigProvider;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.time.Clock;
import java.util.UUID;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Wires the engine's plain classes together. They stay free of CDI so tests and the benchmark can build them
 * directly; this is the only place that knows how the service assembles them.
 */
@ApplicationScoped
public class Engine {

    private static final Logger LOG = Logger.getLogger(Engine.class);

    @Produces
    @Singleton
    StreamingClient streamingClient(Vertx vertx, CanaryConfig config, MeterRegistry registry) {
        CanaryConfig.Stream s = config.stream();
        StreamingClient client = new StreamingClient(vertx, new ClientSettings(s.connectTimeout(),
                s.maxConnectionsPerHost(), s.sweepPeriod(), Math.max(0, config.client().connectRetries()),
                config.client().connectRetryBackoff(), Math.max(0, s.eventLoops())));
        ClientLoopMetrics.bind(client, registry);
        LOG.infof("streaming client: streams spread over %d event loops; at most %d connections per endpoint (%s)",
                client.eventLoops(), s.maxConnectionsPerHost(), client.poolShares());
        return client;
    }

    /** The time the scheduler decides by (quiet windows, token budget); tests may produce their own. */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    RunHistory runHistory(CanaryConfig config) {
        return new RunHistory(config.history().successes(), config.history().failures());
    }

    /**
     * The run database. Both datasources are built in; {@code pg} is active only when its JDBC URL is configured
     * ({@code db-kind} is fixed at build time, activity is a runtime setting), so PostgreSQL wins when set and the
     * embedded H2 file database is the default. Migrations run lazily (see {@link Database}), never at start-up,
     * so an unreachable database does not stop the canaries.
     */
    @Produces
    @Singleton
    Database database(@DataSource("pg") InjectableInstance<AgroalDataSource> pg,
                      @FlywayDataSource("pg") InjectableInstance<Flyway> pgFlyway,
                      @DataSource("h2") InjectableInstance<AgroalDataSource> h2,
                      @FlywayDataSource("h2") InjectableInstance<Flyway> h2Flyway) {
        if (!pg.listActive().isEmpty()) {
            return new Database(pg.get(), () -> pgFlyway.get().migrate());
        }
        return new Database(h2.get(), () -> h2Flyway.get().migrate());
    }

    /** This replica's claims on scheduled ticks in the run database (purged with the runs). */
    @Produces
    @Singleton
    JobClaims jobClaims(Database db, CanaryConfig config, Clock clock) {
        return new JobClaims(db, config.replicaId().orElseGet(Engine::replicaId), clock);
    }

    /**
     * Whether the scheduler claims its ticks: by default only on PostgreSQL, the store several replicas can share
     * (each replica's embedded H2 is its own).
     */
    @Produces
    @Singleton
    SlotClaims slotClaims(CanaryConfig config, JobClaims claims, StoreStatus status,
                          @DataSource("pg") InjectableInstance<AgroalDataSource> pg) {
        boolean on = switch (config.scheduler().claims()) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO -> !pg.listActive().isEmpty();
        };
        if (!on) {
            return SlotClaims.off();
        }
        // A few threads and a short queue: claims answer in milliseconds, and when they stop answering the store is
        // marked down after one budget, so only the claims already sent can hang here.
        ExecutorService claimThreads = new ThreadPoolExecutor(4, 4, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64),
                r -> {
                    Thread t = new Thread(r, "llm-canary-claims");
                    t.setDaemon(true);
                    return t;
                });
        return SlotClaims.on(claims::claim, claimThreads, config.scheduler().claimBudget(), status, claims.owner());
    }

    /** Whether the store answers; shared by the claims, the result writes and the heartbeat. */
    @Produces
    @Singleton
    StoreStatus storeStatus(MeterRegistry registry, Clock clock) {
        return new StoreStatus(registry, clock);
    }

    /** This replica's heartbeat in the store (who shares the jobs while the store is down). */
    @Produces
    @Singleton
    ReplicaHeartbeats replicaHeartbeats(Database db, JobClaims claims, Clock clock) {
        return new ReplicaHeartbeats(db, claims.owner(), clock);
    }

    /** The runs in flight, which a graceful stop waits for. */
    @Produces
    @Singleton
    InFlightRuns inFlightRuns() {
        return new InFlightRuns();
    }

    /** Host name (the pod name in Kubernetes) plus a random suffix, so a restarted pod is a new owner. */
    static String replicaId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException | RuntimeException e) {
                host = "replica";
            }
        }
        String id = host + "-" + UUID.randomUUID().toString().substring(0, 8);
        return id.length() > 200 ? id.substring(id.length() - 200) : id;
    }

    @Produces
    @Singleton
    RunStore runStore(Database db, ObjectMapper json, CanaryConfig config, MeterRegistry registry, StoreStatus status) {
        CanaryConfig.Store s = config.store();
        return new RunStore(db, json, new Retention(s.retention().successes(), s.retention().failures(),
                s.retention().maxRuns()), s.bufferSize(), registry, status, s.writeBudget());
    }

    @Produces
    @Singleton
    RunQueries runQueries(Database db, ObjectMapper json) {
        return new RunQueries(db, json);
    }

    /**
     * Results leave the event loop through this bounded queue: guardrails, metrics and log lines run here, so the
     * loop that timestamps chunks never waits for them.
     */
    @Produces
    @Singleton
    @ResultWorker
    ExecutorService resultWorker() {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000),
                r -> {
                    Thread t = new Thread(r, "llm-canary-results");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** One circuit breaker and 429 wait per endpoint, fed by every run, asked by every scheduled tick. */
    @Produces
    @Singleton
    EndpointGuards endpointGuards(CanaryConfig config, Clock clock, MeterRegistry registry) {
        CanaryConfig.Breaker b = config.breaker();
        CanaryConfig.RateLimit r = config.rateLimit();
        return new EndpointGuards(new EndpointGuard.Settings(b.failureRatio(), b.requestVolume(), b.delay(),
                r.defaultWait(), r.maxWait()), clock, registry);
    }

    /** Bounded GETs of the servers' own metrics pages and of Prometheus, with a connection pool of their own. */
    @Produces
    @Singleton
    ScrapeClient scrapeClient(Vertx vertx) {
        return new ScrapeClient(vertx, ScrapeClient.DEFAULT_MAX_BODY_BYTES);
    }

    /** The servers' own figures around failed or slow runs (pools with an {@code evidence:} block). */
    @Produces
    @Singleton
    EvidenceCollector evidenceCollector(ScrapeClient scrapes, Clock clock, @ResultWorker ExecutorService worker) {
        return new EvidenceCollector(new Scraper(scrapes, new PrometheusText(PrometheusText.DEFAULT_MAX_SERIES),
                worker), clock);
    }

    @Produces
    @Singleton
    MetricsRecorder metricsRecorder(MeterRegistry registry, CatalogHolder catalog, OpenTelemetry otel) {
        // the GenAI client metrics also go to OpenTelemetry (OTLP) when the build enables quarkus.otel.metrics
        return new MetricsRecorder(registry, catalog, otel.getMeterProvider());
    }

    /** The series the consistency checks publish (replica gauge, identity changes). */
    @Produces
    @Singleton
    ConsistencyMetrics consistencyMetrics(MeterRegistry registry) {
        return new ConsistencyMetrics(registry);
    }

    /** The cross-replica comparison of consistency canaries' answers (in memory) and its gauge. */
    @Produces
    @Singleton
    ReplicaChecks replicaChecks(ConsistencyMetrics series, Clock clock) {
        return new ReplicaChecks(series, clock);
    }

    /** What each endpoint says it serves (its streams' system_fingerprint), and the count of changes. */
    @Produces
    @Singleton
    IdentityTracker identityTracker(ConsistencyMetrics series, Clock clock) {
        return new IdentityTracker(series, clock);
    }

    /** Forgets the state and series of pools, endpoints and canaries that a catalog change removed. */
    @Produces
    @Singleton
    StaleSeries staleSeries(MeterRegistry registry, MetricsRecorder metrics, EndpointGuards guards,
                            EndpointChecks checks, ReplicaChecks replicas, IdentityTracker identities) {
        return new StaleSeries(registry, List.of(metrics::retain, guards::retain, checks::forget,
                catalog -> retainReplicas(replicas, catalog), catalog -> identities.retain(key -> catalog.pool(key.get(0))
                        .filter(p -> p.models().contains(key.get(2))
                                && p.endpoints().stream().anyMatch(e -> e.name().equals(key.get(1))))
                        .isPresent())));
    }

    /** Keeps the answers and gauges of the pool × model × canary comparisons and endpoints the catalog still has. */
    static void retainReplicas(ReplicaChecks replicas, dev.llmcanary.canary.Catalog catalog) {
        java.util.Set<ReplicaComparator.Key> keys = new java.util.HashSet<>();
        java.util.Set<List<String>> endpoints = new java.util.HashSet<>();
        for (dev.llmcanary.canary.CanaryDefinition c : catalog.canaries()) {
            if (c.consistency() != null && c.enabled()) {
                for (dev.llmcanary.canary.Target t : catalog.targets(c)) {
                    keys.add(new ReplicaComparator.Key(t.pool().name(), t.model(), c.id()));
                    endpoints.add(List.of(t.pool().name(), t.endpoint().name()));
                }
            }
        }
        replicas.retain(keys::contains, (pool, endpoint) -> endpoints.contains(List.of(pool, endpoint)));
    }

    @Produces
    @Singleton
    CanaryRunner canaryRunner(StreamingClient client, CatalogHolder catalog, OpenTelemetry otel, MetricsRecorder metrics,
                              RunHistory history, RunStore store, CanaryConfig config,
                              @ResultWorker ExecutorService worker, EndpointGuards guards,
                              EvidenceCollector evidence, LoadProbes loadProbes, InFlightRuns inFlight,
                              Secrets secrets, ReplicaChecks replicas, IdentityTracker identities) {
        CanaryConfig.Stream s = config.stream();
        RunSettings settings = new RunSettings(s.maxEventBytes(), s.maxTotalBytes(), s.maxChunkTimestamps(),
                s.tokensEventEvery(), s.connectTimeout(), config.capture().content());
        double rate = config.log().successSampleRate();
        // Our own instrumentation scope; the headers sent to targets follow quarkus.otel.propagators.
        SpanObserver spans = new SpanObserver(canaryTracer(otel), otel.getPropagators().getTextMapPropagator());
        return new CanaryRunner(client, catalog, spans,
                List.of(metrics, new RunLogger(rate, () -> ThreadLocalRandom.current().nextDouble()),
                        history, store, guards),
                settings, worker, secrets, PiiMasker::mask, evidence, loadProbes::activeOn, inFlight, replicas,
                identities);
    }

    /**
     * The tracer of llm-canary's own instrumentation scope ({@link SpanNames#SCOPE} and the application's version),
     * so backends can select the canary's spans apart from the framework's HTTP spans.
     */
    static Tracer canaryTracer(OpenTelemetry otel) {
        String version = ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class)
                .orElse("unknown");
        return otel.tracerBuilder(SpanNames.SCOPE).setInstrumentationVersion(version).build();
    }

    /** After {@link Lifecycle}'s graceful stop (which drains runs and flushes results first). */
    void onStop(@Observes @Priority(Lifecycle.STOP_PRIORITY + 100) ShutdownEvent event, StreamingClient client,
                @ResultWorker ExecutorService worker, ScrapeClient scrapes) {
        client.close();
        scrapes.close();
        worker.shutdown();
    }
}
