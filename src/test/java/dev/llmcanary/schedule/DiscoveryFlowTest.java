package dev.llmcanary.schedule;

import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.client.Endpoint;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pool with DNS discovery, end to end: addresses that appear and disappear across refreshes become endpoints of
 * the catalog snapshot and scheduler jobs; jobs of endpoints that stay keep their timers.
 */
@QuarkusTest
@TestProfile(DiscoveryFlowTest.DiscoveringPool.class)
class DiscoveryFlowTest {

    static final String NAME = "vllm.discovery.test";

    /** The pool "found": one static endpoint and DNS discovery of {@value NAME}, refreshed every second. */
    public static class DiscoveringPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("llm-canary.config.dir", "src/test/resources/discovery-canaries");
        }
    }

    @Inject
    FakeAddressResolver resolver;
    @Inject
    CatalogHolder catalog;
    @Inject
    CanaryScheduler scheduler;

    @AfterEach
    void stop() {
        scheduler.stop();
    }

    private List<String> endpointNames() {
        return catalog.get().pool("found").orElseThrow().endpoints().stream().map(Endpoint::name).toList();
    }

    private Set<String> jobEndpoints() {
        return scheduler.jobs().keySet().stream().map(CanaryScheduler.JobKey::endpoint).collect(Collectors.toSet());
    }

    @Test
    void endpointsAndJobsFollowTheRecords() {
        scheduler.start();
        resolver.answer(NAME, List.of("127.0.0.2", "127.0.0.3"));
        await().atMost(Duration.ofSeconds(10)).until(() -> endpointNames().size() == 3);
        assertThat(endpointNames()).containsExactly("fixed", "127.0.0.2", "127.0.0.3");
        await().atMost(Duration.ofSeconds(5)).until(() -> jobEndpoints().size() == 3);
        assertThat(jobEndpoints()).containsExactlyInAnyOrder("fixed", "127.0.0.2", "127.0.0.3");
        Object keptJob = scheduler.jobs().entrySet().stream().filter(e -> e.getKey().endpoint().equals("127.0.0.3"))
                .findFirst().orElseThrow().getValue();

        resolver.answer(NAME, List.of("127.0.0.3", "127.0.0.4"));
        await().atMost(Duration.ofSeconds(10)).until(() -> endpointNames().contains("127.0.0.4"));
        assertThat(endpointNames()).containsExactly("fixed", "127.0.0.3", "127.0.0.4");
        await().atMost(Duration.ofSeconds(5)).until(() -> jobEndpoints().contains("127.0.0.4"));
        assertThat(jobEndpoints()).containsExactlyInAnyOrder("fixed", "127.0.0.3", "127.0.0.4");
        assertThat(scheduler.jobs().entrySet().stream().filter(e -> e.getKey().endpoint().equals("127.0.0.3"))
                .findFirst().orElseThrow().getValue()).isSameAs(keptJob);

        resolver.answer(NAME, List.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> endpointNames().size() == 1);
        assertThat(jobEndpoints()).containsExactly("fixed");
    }
}
