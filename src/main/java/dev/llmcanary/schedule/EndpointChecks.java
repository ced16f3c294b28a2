package dev.llmcanary.schedule;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.client.EndpointHealth;
import dev.llmcanary.client.EndpointProbe;
import dev.llmcanary.client.ServedIdentity;
import dev.llmcanary.consistency.IdentityPin;
import dev.llmcanary.consistency.IdentitySource;
import dev.llmcanary.consistency.IdentityTracker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.llmcanary.telemetry.MetricNames.ENDPOINT;
import static dev.llmcanary.telemetry.MetricNames.ENDPOINT_UP;
import static dev.llmcanary.telemetry.MetricNames.MODEL;
import static dev.llmcanary.telemetry.MetricNames.MODEL_SERVED;
import static dev.llmcanary.telemetry.MetricNames.POOL;

/**
 * Keeps the latest health and model check of every endpoint of every configured pool, refreshed every
 * {@code llm-canary.health.interval} and on demand, and publishes them as {@code llm_canary_endpoint_up} and
 * {@code llm_canary_model_served}; tells the {@link IdentityTracker} what each endpoint says it serves (its model
 * list entry at every check, its flavor's native identity route once per {@code llm-canary.health.identity-interval}). Checks run asynchronously on the event loop; a round that finds the previous one
 * still running is skipped. Checks of one server run one at a time (see {@link #check(List)}) and close their
 * connections ({@link EndpointProbe}), so checking never holds a thread of a server that has only a few.
 */
@ApplicationScoped
public class EndpointChecks {

    /** The latest check of one configured endpoint. */
    public record Result(String pool, String endpoint, EndpointHealth health) {
    }

    private record Key(String pool, String endpoint) {
    }

    private record ModelKey(Key endpoint, String model) {
    }

    private static final Logger LOG = Logger.getLogger(EndpointChecks.class);

    private final Vertx vertx;
    private final CatalogHolder catalog;
    private final HealthCheckSettings settings;
    private final MeterRegistry registry;
    private final EndpointProbe probe;
    // API keys are read from the environment at check time, like canary runs do, never kept.
    private final Function<String, String> secrets = System::getenv;
    private final Map<Key, EndpointHealth> latest = new ConcurrentHashMap<>();
    private final Map<Key, Gauge> upGauges = new ConcurrentHashMap<>();
    private final Map<ModelKey, Gauge> modelGauges = new ConcurrentHashMap<>();
    private final AtomicBoolean roundRunning = new AtomicBoolean();
    private final IdentityTracker identities;
    private final Clock clock;
    /** When each endpoint's native identity route was last asked (asked, not answered: a failing route waits too). */
    private final Map<Key, Instant> identityReadAt = new ConcurrentHashMap<>();
    private long timerId = -1;

    /** Checks that read no identity. */
    public EndpointChecks(Vertx vertx, CatalogHolder catalog, HealthCheckSettings settings, MeterRegistry registry) {
        this(vertx, catalog, settings, registry, null, Clock.systemUTC());
    }

    /**
     * @param identities told what each endpoint says it serves (model list entries every check, native identity
     *                   routes every {@code identity-interval}), or {@code null} to read no identity
     * @param clock      decides when the native identity route is due
     */
    @Inject
    public EndpointChecks(Vertx vertx, CatalogHolder catalog, HealthCheckSettings settings, MeterRegistry registry,
                          IdentityTracker identities, Clock clock) {
        this.vertx = vertx;
        this.catalog = catalog;
        this.settings = settings;
        this.registry = registry;
        this.identities = identities;
        this.clock = clock;
        this.probe = new EndpointProbe(vertx, settings.timeout());
    }

    /** Checks every endpoint now and then at every interval; uses whichever catalog is current at each round. */
    public synchronized void start() {
        stop();
        long interval = Math.max(1000, settings.interval().toMillis());
        timerId = vertx.setPeriodic(1, interval, id -> round());
        LOG.infof("endpoint health checks every %d s", interval / 1000);
    }

    public synchronized void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    @PreDestroy
    public void close() {
        stop();
        probe.close();
    }

    /**
     * Checks every endpoint of every pool of the current catalog and forgets endpoints no longer configured. Completes
     * with every result (none before a configuration has loaded); never fails because an endpoint is down.
     */
    public CompletionStage<List<Result>> checkNow() {
        Optional<Catalog> current = catalog.current();
        if (current.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Catalog c = current.get();
        return check(c.pools()).thenApply(results -> {
            forgetAllBut(c);
            return results;
        });
    }

    /** Checks the endpoints of one pool now. */
    public CompletionStage<List<Result>> check(Pool pool) {
        return check(List.of(pool));
    }

    /**
     * Checks the endpoints of one pool now and reads their native identity routes whatever the identity interval
     * (a gate that pins {@code model_sha} must judge the weights served now): one check per endpoint, like a round.
     */
    public CompletionStage<List<Result>> readIdentityNow(Pool pool) {
        pool.endpoints().forEach(e -> identityReadAt.remove(new Key(pool.name(), e.name())));
        return check(pool);
    }

    /** The latest check of an endpoint, if it has been checked. */
    public Optional<EndpointHealth> latest(String pool, String endpoint) {
        return Optional.ofNullable(latest.get(new Key(pool, endpoint)));
    }

    private void round() {
        if (!roundRunning.compareAndSet(false, true)) {
            return; // the previous round is still waiting on a slow endpoint
        }
        checkNow().whenComplete((results, failure) -> {
            roundRunning.set(false);
            if (failure != null) {
                LOG.warnf("endpoint health round failed: %s", failure.getClass().getSimpleName());
            }
        });
    }

    /**
     * Checks of one host (scheme, host and port; several pools or endpoint names may point at one server) run one
     * after another, hosts in parallel: a round never opens a burst of connections to one server, whose few HTTP
     * threads real users need.
     */
    private CompletionStage<List<Result>> check(List<Pool> pools) {
        List<CompletableFuture<Result>> checks = new ArrayList<>();
        Map<String, Future<?>> lastOfHost = new HashMap<>();
        for (Pool pool : pools) {
            String apiKey = pool.apiKeyEnv() == null ? null : secrets.apply(pool.apiKeyEnv());
            for (Endpoint endpoint : pool.endpoints()) {
                Future<?> previous = lastOfHost.getOrDefault(host(endpoint.baseUrl()), Future.succeededFuture());
                Future<Result> check = previous.transform(ignored ->
                        probe.check(endpoint.baseUrl(), pool.flavor(), apiKey, pool.models(),
                                        identityDue(new Key(pool.name(), endpoint.name()), pool))
                                .map(h -> record(pool.name(), endpoint.name(), h)));
                lastOfHost.put(host(endpoint.baseUrl()), check);
                checks.add(check.toCompletionStage().toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenApply(v -> checks.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Whether this check of the endpoint also reads its native identity route: its first check, then once per
     * {@code identity-interval}; never when the interval is 0, the flavor has no such route, or no one listens.
     * Marks the read as done when it says yes, so a route that fails is not asked again before the interval either.
     */
    private boolean identityDue(Key key, Pool pool) {
        Duration every = settings.identityInterval();
        if (identities == null || every.isZero() || every.isNegative()
                || ServedIdentity.nativePath(pool.flavor(), "") == null) {
            return false;
        }
        Instant now = clock.instant();
        Instant last = identityReadAt.get(key);
        if (last != null && now.isBefore(last.plus(every))) {
            return false;
        }
        identityReadAt.put(key, now);
        return true;
    }

    /** What identifies one server: scheme, host and port (the scheme's default when the URL names none). */
    static String host(URI url) {
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return (url.getScheme() + "://" + url.getHost() + ":" + port).toLowerCase(java.util.Locale.ROOT);
    }

    private Result record(String pool, String endpoint, EndpointHealth h) {
        Key key = new Key(pool, endpoint);
        if (!configured(key)) {
            // The check was under way when a reload or discovery removed the endpoint: no series to bring back.
            return new Result(pool, endpoint, h);
        }
        EndpointHealth previous = latest.put(key, h);
        upGauges.computeIfAbsent(key, k -> Gauge.builder(ENDPOINT_UP, () -> up(k))
                .description("1 if the endpoint's health route answered 2xx within the timeout at the last check")
                .tags(POOL, pool, ENDPOINT, endpoint).register(registry));
        for (String model : h.modelsServed().keySet()) {
            modelGauges.computeIfAbsent(new ModelKey(key, model), mk -> Gauge.builder(MODEL_SERVED, () -> served(mk))
                    .description("1 if the endpoint's /v1/models listed the model at the last check")
                    .tags(POOL, pool, ENDPOINT, endpoint, MODEL, model).register(registry));
        }
        // A model gauge shows only what the latest check saw: none while the list cannot be read.
        removeModelGauges(mk -> mk.endpoint().equals(key) && !h.modelsServed().containsKey(mk.model()));
        logChange(pool, endpoint, previous, h);
        track(pool, endpoint, h);
        return new Result(pool, endpoint, h);
    }

    /** Tells the tracker what the check read; a change is counted there and logged here as one line. */
    private void track(String pool, String endpoint, EndpointHealth h) {
        if (identities == null) {
            return;
        }
        h.identity().forEach((model, values) -> values.forEach((label, value) ->
                IdentitySource.fromLabel(label).ifPresent(source -> {
                    IdentityTracker.Change c = identities.observe(pool, endpoint, model, source, value);
                    if (c != null) {
                        LOG.infof("model identity changed on pool %s endpoint %s model %s: %s %s -> %s"
                                + " (endpoint check)", pool, endpoint, model, IdentityPin.describe(source), c.from(),
                                c.to());
                    }
                })));
    }

    private boolean configured(Key key) {
        return catalog.current().flatMap(c -> c.pool(key.pool()))
                .map(p -> p.endpoints().stream().anyMatch(e -> e.name().equals(key.endpoint()))).orElse(false);
    }

    private double up(Key key) {
        EndpointHealth h = latest.get(key);
        return h == null ? Double.NaN : h.healthy() ? 1 : 0;
    }

    private double served(ModelKey mk) {
        EndpointHealth h = latest.get(mk.endpoint());
        Boolean served = h == null ? null : h.modelsServed().get(mk.model());
        return served == null ? Double.NaN : served ? 1 : 0;
    }

    /** Drops the results and series of endpoints a reload removed, so no stale series outlives its configuration. */
    public void forget(Catalog c) {
        forgetAllBut(c);
    }

    private void forgetAllBut(Catalog c) {
        Set<Key> configured = c.pools().stream()
                .flatMap(p -> p.endpoints().stream().map(e -> new Key(p.name(), e.name())))
                .collect(Collectors.toSet());
        latest.keySet().removeIf(k -> !configured.contains(k));
        identityReadAt.keySet().removeIf(k -> !configured.contains(k));
        upGauges.entrySet().removeIf(e -> {
            boolean gone = !configured.contains(e.getKey());
            if (gone) {
                registry.remove(e.getValue());
            }
            return gone;
        });
        removeModelGauges(mk -> !configured.contains(mk.endpoint()));
    }

    private void removeModelGauges(java.util.function.Predicate<ModelKey> which) {
        modelGauges.entrySet().removeIf(e -> {
            boolean remove = which.test(e.getKey());
            if (remove) {
                registry.remove(e.getValue());
            }
            return remove;
        });
    }

    private static void logChange(String pool, String endpoint, EndpointHealth previous, EndpointHealth now) {
        boolean wasHealthy = previous == null || previous.healthy();
        if (wasHealthy && !now.healthy()) {
            LOG.warnf("endpoint %s/%s unhealthy: %s", pool, endpoint, now.reason());
        } else if (!wasHealthy && now.healthy()) {
            LOG.infof("endpoint %s/%s healthy again", pool, endpoint);
        }
        now.modelsServed().forEach((model, served) -> {
            boolean wasServed = previous == null || !Boolean.FALSE.equals(previous.modelsServed().get(model));
            if (wasServed && !served) {
                LOG.warnf("model_not_served: %s is not in the model list of %s/%s", model, pool, endpoint);
            }
        });
    }
}
