package dev.llmcanary.client.discovery;

import dev.llmcanary.canary.Discovery;
import dev.llmcanary.canary.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Discovers a pool's endpoints from the EndpointSlices (discovery.k8s.io/v1) a label selector picks in a namespace,
 * kept current by an informer: one endpoint per ready address, named after its pod. Replicas that come and go are
 * picked up without a restart.
 */
public final class KubernetesDiscovery implements DiscoverySource {

    private static final Logger LOG = Logger.getLogger(KubernetesDiscovery.class);

    private final KubernetesClient client;
    private final String pool;
    private final Discovery.Kubernetes spec;
    private volatile SharedIndexInformer<EndpointSlice> informer;
    private volatile boolean stopped;
    private List<Endpoint> last;

    public KubernetesDiscovery(KubernetesClient client, String pool, Discovery.Kubernetes spec) {
        this.client = client;
        this.pool = pool;
        this.spec = spec;
    }

    @Override
    public void start(Consumer<List<Endpoint>> onChange) {
        ResourceEventHandler<EndpointSlice> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(EndpointSlice slice) {
                changed(onChange);
            }

            @Override
            public void onUpdate(EndpointSlice before, EndpointSlice after) {
                changed(onChange);
            }

            @Override
            public void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
                changed(onChange);
            }
        };
        // runnableInformer + start: start() does not wait for the first list, so an unreachable API server does not
        // block a configuration reload; the informer keeps retrying on its own.
        informer = client.discovery().v1().endpointSlices().inNamespace(spec.namespace())
                .withLabelSelector(spec.selector()).runnableInformer(0);
        informer.addEventHandler(handler);
        informer.start().whenComplete((v, e) -> {
            if (e != null) {
                LOG.warnf("pool %s: cannot watch EndpointSlices in namespace %s: %s", pool, spec.namespace(),
                        e.toString());
            }
        });
    }

    @Override
    public void stop() {
        stopped = true;
        SharedIndexInformer<EndpointSlice> i = informer;
        if (i != null) {
            i.close();
        }
    }

    private synchronized void changed(Consumer<List<Endpoint>> onChange) {
        SharedIndexInformer<EndpointSlice> i = informer;
        if (stopped || i == null) {
            return;
        }
        List<Endpoint> now = endpoints(i.getStore().list(), spec);
        if (!Objects.equals(last, now)) {
            last = now;
            onChange.accept(now);
        }
    }

    /** The endpoints of ready addresses in the slices, sorted by name; slices without the wanted port are skipped. */
    static List<Endpoint> endpoints(List<EndpointSlice> slices, Discovery.Kubernetes spec) {
        TreeMap<String, Endpoint> byName = new TreeMap<>();
        for (EndpointSlice slice : slices) {
            Integer port = port(slice, spec);
            if (port == null || slice.getEndpoints() == null) {
                continue;
            }
            for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e : slice.getEndpoints()) {
                // An unknown readiness (null) counts as ready, as the EndpointSlice API asks consumers to do.
                boolean ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
                if (!ready || e.getAddresses() == null) {
                    continue;
                }
                String pod = e.getTargetRef() == null ? null : e.getTargetRef().getName();
                for (String address : e.getAddresses()) {
                    String name = DiscoveredNames.of(pod != null && e.getAddresses().size() == 1 ? pod : address);
                    byName.putIfAbsent(name, new Endpoint(name, Urls.of(spec.scheme(), address, port)));
                }
            }
        }
        return List.copyOf(byName.values());
    }

    private static Integer port(EndpointSlice slice, Discovery.Kubernetes spec) {
        if (spec.port() != null) {
            return spec.port();
        }
        if (slice.getPorts() == null) {
            return null;
        }
        for (EndpointPort p : slice.getPorts()) {
            if (spec.portName().equals(p.getName()) && p.getPort() != null) {
                return p.getPort();
            }
        }
        return null;
    }
}
