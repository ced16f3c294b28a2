package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.loadprobe.scenario.Scenario;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The indexed Job of a sharded probe, created against the fabric8 mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class KubernetesProbeJobsTest {

    static KubernetesClient client;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void createsAnIndexedJobOfNShardsEachInjectingItsShare() throws Exception {
        Scenario s = Scenarios.constant(40, Duration.ofMinutes(5), new Scenario.Assertions(0.5, null, null, 1.0, null),
                Scenario.AbortGuards.DEFAULT, 20);
        var plan = new PlanWriter(JSON).plan(s, Scenarios.pool("http://vllm.inference.svc:8000"), Overrides.NONE,
                Map.of(), Path.of("/results"), 0.25, 60);

        new KubernetesProbeJobs(client, JSON).create("monitoring", "p-1", plan, 4, "llm-canary-loadprobe:1.0");

        Job job = client.batch().v1().jobs().inNamespace("monitoring").withName("loadprobe-p-1").get();
        assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(job.getSpec().getCompletions()).isEqualTo(4);
        assertThat(job.getSpec().getParallelism()).isEqualTo(4);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("llm-canary-loadprobe:1.0");
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("PROBE_ID");
            assertThat(e.getValue()).isEqualTo("p-1");
        });
        assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName())
                .containsExactly("plan", "results");

        String planText = client.configMaps().inNamespace("monitoring").withName("loadprobe-p-1").get().getData()
                .get("plan.json");
        JsonNode stored = JSON.readTree(planText);
        assertThat(stored.path("rateShare").asDouble()).isEqualTo(0.25);
        assertThat(stored.path("arrival").path("rate").asDouble()).isEqualTo(40.0);
        assertThat(stored.path("url").asText()).isEqualTo("http://vllm.inference.svc:8000/v1/chat/completions");
    }
}
