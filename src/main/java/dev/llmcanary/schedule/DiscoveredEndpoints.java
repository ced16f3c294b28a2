package dev.llmcanary.schedule;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.client.discovery.AddressResolver;
import dev.llmcanary.client.discovery.Discovery;
import dev.llmcanary.client.discovery.DiscoverySource;
import dev.llmcanary.client.discovery.DnsDiscovery;
import dev.llmcanary.client.discovery.KubernetesDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs one discovery per pool that declares one, and keeps the catalog snapshot in line with what it finds: when a
 * pool's discovered endpoints change, a new snapshot is swapped in and the scheduler reconciles (jobs of endpoints
 * that stayed keep their timers). The Kubernetes client is only created when a pool uses Kubernetes discovery, so
 * the service runs without a cluster otherwise.
 */
@ApplicationScoped
public class DiscoveredEndpoints {

    private static final Logger LOG = Logger.getLogger(DiscoveredEndpoints.class);

    private record Running(Discovery spec, DiscoverySource source) {
    }

    private final CatalogHolder catalog;
    private final CanaryScheduler scheduler;
    private final Function<Pool, DiscoverySource> sources;
    private final Map<String, Running> running = new HashMap<>();

    @Inject
    public DiscoveredEndpoints(CatalogHolder catalog, CanaryScheduler scheduler, Vertx vertx,
                               Instance<AddressResolver> resolver, Instance<KubernetesClient> kubernetes) {
        this(catalog, scheduler, pool -> source(pool, vertx,
                resolver.isResolvable() ? resolver.get() : AddressResolver.system(), kubernetes));
    }

    /** With a factory of sources, for tests. */
    DiscoveredEndpoints(CatalogHolder catalog, CanaryScheduler scheduler, Function<Pool, DiscoverySource> sources) {
        this.catalog = catalog;
        this.scheduler = scheduler;
        this.sources = sources;
    }

    private static DiscoverySource source(Pool pool, Vertx vertx, AddressResolver resolver,
                                          Instance<KubernetesClient> kubernetes) {
        if (pool.discovery() instanceof Discovery.Dns dns) {
            return new DnsDiscovery(vertx, resolver, pool.name(), dns);
        }
        return new KubernetesDiscovery(kubernetes.get(), pool.name(), (Discovery.Kubernetes) pool.discovery());
    }

    /**
     * Starts discoveries of pools that newly declare one, stops those of pools that no longer do (forgetting their
     * endpoints), and keeps unchanged ones running. Call after a configuration is swapped in.
     */
    public synchronized void reconcile(Catalog configured) {
        Set<String> wanted = new HashSet<>();
        for (Pool p : configured.pools()) {
            if (p.discovery() == null) {
                continue;
            }
            wanted.add(p.name());
            Running r = running.get(p.name());
            if (r != null && r.spec().equals(p.discovery())) {
                continue;
            }
            if (r != null) {
                r.source().stop();
                update(p.name(), null);
            }
            DiscoverySource source = sources.apply(p);
            running.put(p.name(), new Running(p.discovery(), source));
            LOG.infof("pool %s: discovering endpoints (%s)", p.name(),
                    p.discovery() instanceof Discovery.Dns ? "dns" : "kubernetes");
            source.start(endpoints -> changed(p.name(), source, endpoints));
        }
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.contains(e.getKey())) {
                e.getValue().source().stop();
                it.remove();
                update(e.getKey(), null);
            }
        }
    }

    @PreDestroy
    synchronized void stopAll() {
        running.values().forEach(r -> r.source().stop());
        running.clear();
    }

    private synchronized void changed(String pool, DiscoverySource source, List<Endpoint> endpoints) {
        Running r = running.get(pool);
        if (r == null || r.source() != source) {
            return;
        }
        LOG.infof("pool %s: %d endpoints discovered", pool, endpoints.size());
        update(pool, endpoints);
    }

    private void update(String pool, List<Endpoint> endpoints) {
        if (catalog.discovered(pool, endpoints)) {
            scheduler.reconcile();
        }
    }
}
