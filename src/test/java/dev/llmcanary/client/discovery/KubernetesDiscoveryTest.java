package dev.llmcanary.client.discovery;

import dev.llmcanary.canary.Discovery;
import dev.llmcanary.canary.Endpoint;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Kubernetes discovery against the fabric8 mock API server in CRUD mode: watched EndpointSlices are followed. */
@EnableKubernetesMockClient(crud = true)
class KubernetesDiscoveryTest {

    static KubernetesClient client;

    private final List<List<Endpoint>> reported = new CopyOnWriteArrayList<>();
    private KubernetesDiscovery discovery;

    @AfterEach
    void stop() {
        discovery.stop();
        client.discovery().v1().endpointSlices().inNamespace("inference").delete();
    }

    private List<Endpoint> latest() {
        return reported.isEmpty() ? List.of() : reported.get(reported.size() - 1);
    }

    private static EndpointSlice slice(String name, Map<String, String> labels, String portName, int port,
                                       Object... podAddressReady) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName(name)
                .withNamespace("inference").withLabels(labels).endMetadata().withAddressType("IPv4")
                .addNewPort().withName(portName).withPort(port).withProtocol("TCP").endPort();
        for (int i = 0; i < podAddressReady.length; i += 3) {
            b.addToEndpoints(new EndpointBuilder().withAddresses((String) podAddressReady[i + 1])
                    .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName((String) podAddressReady[i])
                            .build())
                    .withNewConditions().withReady((Boolean) podAddressReady[i + 2]).endConditions().build());
        }
        return b.build();
    }

    private static Endpoint endpoint(String name, String address) {
        return new Endpoint(name, URI.create("http://" + address + ":8000"));
    }

    private void start(Discovery.Kubernetes spec) {
        discovery = new KubernetesDiscovery(client, "pool", spec);
        discovery.start(reported::add);
    }

    @Test
    void followsSlicesAndReadiness() {
        start(new Discovery.Kubernetes("inference", "app=vllm,pool=h100", "http", null, "http"));
        var slices = client.discovery().v1().endpointSlices().inNamespace("inference");
        slices.resource(slice("vllm-a", Map.of("app", "vllm", "pool", "h100"), "http", 8000,
                "vllm-0", "10.0.0.1", true, "vllm-1", "10.0.0.2", true)).create();
        slices.resource(slice("other", Map.of("app", "vllm", "pool", "a10"), "http", 8000,
                "other-0", "10.0.9.9", true)).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> latest().size() == 2);
        assertThat(latest()).containsExactly(endpoint("vllm-0", "10.0.0.1"), endpoint("vllm-1", "10.0.0.2"));

        slices.resource(slice("vllm-b", Map.of("app", "vllm", "pool", "h100"), "http", 8000,
                "vllm-2", "10.0.0.3", true)).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> latest().size() == 3);

        slices.resource(slice("vllm-a", Map.of("app", "vllm", "pool", "h100"), "http", 8000,
                "vllm-0", "10.0.0.1", true, "vllm-1", "10.0.0.2", false)).update();
        await().atMost(Duration.ofSeconds(10)).until(() -> latest().size() == 2);
        assertThat(latest()).containsExactly(endpoint("vllm-0", "10.0.0.1"), endpoint("vllm-2", "10.0.0.3"));

        slices.withName("vllm-b").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> latest().size() == 1);
        assertThat(latest()).containsExactly(endpoint("vllm-0", "10.0.0.1"));
    }

    @Test
    void usesTheNamedPortOrTheFixedOne() {
        EndpointSlice named = slice("s", Map.of("app", "vllm"), "metrics", 9100, "vllm-0", "10.0.0.1", true);
        assertThat(KubernetesDiscovery.endpoints(List.of(named),
                new Discovery.Kubernetes("inference", "app=vllm", "http", null, "http"))).isEmpty();
        assertThat(KubernetesDiscovery.endpoints(List.of(named),
                new Discovery.Kubernetes("inference", "app=vllm", null, 8000, "http")))
                .containsExactly(endpoint("vllm-0", "10.0.0.1"));
        start(new Discovery.Kubernetes("inference", "app=vllm", "metrics", null, "https"));
        client.discovery().v1().endpointSlices().inNamespace("inference").resource(named).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> latest().size() == 1);
        assertThat(latest()).containsExactly(new Endpoint("vllm-0", URI.create("https://10.0.0.1:9100")));
    }
}
