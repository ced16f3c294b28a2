package dev.llmcanary.client.discovery;

import dev.llmcanary.canary.Discovery;
import dev.llmcanary.canary.Endpoint;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Discovers a pool's endpoints from the A/AAAA records of a DNS name, re-resolved every refresh. Resolution blocks,
 * so it runs on a worker thread, never on the event loop; a failed lookup keeps the last list (a DNS hiccup must not
 * drop every endpoint).
 */
public final class DnsDiscovery implements DiscoverySource {

    private static final Logger LOG = Logger.getLogger(DnsDiscovery.class);

    private final Vertx vertx;
    private final AddressResolver resolver;
    private final Discovery.Dns spec;
    private final String pool;
    private final AtomicBoolean resolving = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile long timer = -1;
    private volatile List<Endpoint> last;

    public DnsDiscovery(Vertx vertx, AddressResolver resolver, String pool, Discovery.Dns spec) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.pool = pool;
        this.spec = spec;
    }

    @Override
    public void start(Consumer<List<Endpoint>> onChange) {
        timer = vertx.setPeriodic(0, spec.refresh().toMillis(), id -> refresh(onChange));
    }

    @Override
    public void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void refresh(Consumer<List<Endpoint>> onChange) {
        if (stopped || !resolving.compareAndSet(false, true)) {
            return;
        }
        vertx.executeBlocking(() -> endpoints(resolver.resolve(spec.name())), false).onComplete(r -> {
            resolving.set(false);
            if (stopped) {
                return;
            }
            if (r.failed()) {
                LOG.warnf("pool %s: DNS lookup of %s failed (keeping %d endpoints): %s", pool, spec.name(),
                        last == null ? 0 : last.size(), r.cause().toString());
                return;
            }
            if (!Objects.equals(last, r.result())) {
                last = r.result();
                onChange.accept(r.result());
            }
        });
    }

    private List<Endpoint> endpoints(List<InetAddress> addresses) {
        TreeMap<String, Endpoint> byName = new TreeMap<>();
        for (InetAddress a : addresses) {
            String name = DiscoveredNames.of(a);
            byName.putIfAbsent(name, new Endpoint(name, Urls.of(spec.scheme(), a.getHostAddress().replaceAll("%.*$", ""),
                    spec.port())));
        }
        return byName.values().stream().sorted(Comparator.comparing(Endpoint::name)).toList();
    }
}
