package dev.llmcanary.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.loadprobe.KubernetesProbeJobs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/loadprobe/job.yaml} is the one template of a distributed load probe: it must have the shape the
 * service creates in {@code mode=kubernetes} ({@link KubernetesProbeJobs} against the fabric8 mock API server), so
 * a Job run by hand and one the service starts behave alike, and its image's entry point exists.
 */
@EnableKubernetesMockClient(crud = true)
class LoadProbeJobTemplateTest {

    static KubernetesClient client;
    private static final Path TEMPLATE = Path.of("deploy/loadprobe/job.yaml");
    private static final String ID = "p-1";

    private static List<HasMetadata> template() throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        // the placeholder becomes a probe id everywhere but in the variable's own name
        String text = Files.readString(TEMPLATE).replace("PROBE_ID", ID).replace("name: " + ID + ",", "name: PROBE_ID,");
        for (String doc : text.split("(?m)^---\\s*$")) {
            objects.add((HasMetadata) Serialization.unmarshal(doc, KubernetesResource.class));
        }
        return objects;
    }

    private static <T> T one(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    @Test
    void templateHasTheShapeTheServiceCreates() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Job created = new KubernetesProbeJobs(client, json).create("llm-canary", ID, json.createObjectNode(), 4,
                "llm-canary-loadprobe:latest");
        ConfigMap createdPlan = client.configMaps().inNamespace("llm-canary").withName(KubernetesProbeJobs.name(ID)).get();

        List<HasMetadata> objects = template();
        Job job = one(objects, Job.class);
        ConfigMap plan = one(objects, ConfigMap.class);
        assertThat(job.getMetadata().getName()).isEqualTo(created.getMetadata().getName());
        assertThat(job.getMetadata().getLabels()).isEqualTo(created.getMetadata().getLabels());
        assertThat(plan.getMetadata().getName()).isEqualTo(createdPlan.getMetadata().getName());
        assertThat(plan.getMetadata().getLabels()).isEqualTo(createdPlan.getMetadata().getLabels());
        assertThat(plan.getData().keySet()).isEqualTo(createdPlan.getData().keySet());

        var spec = job.getSpec();
        var want = created.getSpec();
        assertThat(spec.getCompletionMode()).isEqualTo(want.getCompletionMode());
        assertThat(spec.getCompletions()).isEqualTo(spec.getParallelism()).isEqualTo(want.getCompletions());
        assertThat(spec.getBackoffLimit()).isEqualTo(want.getBackoffLimit());
        assertThat(spec.getTtlSecondsAfterFinished()).isEqualTo(want.getTtlSecondsAfterFinished());
        assertThat(spec.getTemplate().getMetadata().getLabels())
                .isEqualTo(want.getTemplate().getMetadata().getLabels());

        PodSpec pod = spec.getTemplate().getSpec();
        PodSpec wantPod = want.getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo(wantPod.getRestartPolicy());
        assertThat(pod.getVolumes()).extracting(Volume::getName)
                .containsExactlyElementsOf(wantPod.getVolumes().stream().map(Volume::getName).toList());
        assertThat(pod.getVolumes().get(0).getConfigMap().getName())
                .isEqualTo(wantPod.getVolumes().get(0).getConfigMap().getName());
        assertThat(pod.getVolumes().get(1).getPersistentVolumeClaim().getClaimName())
                .isEqualTo(KubernetesProbeJobs.RESULTS_CLAIM);
        Container c = pod.getContainers().get(0);
        Container wantC = wantPod.getContainers().get(0);
        assertThat(c.getName()).isEqualTo(wantC.getName());
        assertThat(c.getImage()).isEqualTo(wantC.getImage());
        assertThat(c.getVolumeMounts()).extracting(VolumeMount::getMountPath)
                .containsExactlyElementsOf(wantC.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList());
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("PROBE_ID");
            assertThat(e.getValue()).isEqualTo(ID);
        });
        assertThat(one(objects, PersistentVolumeClaim.class).getMetadata().getName())
                .isEqualTo(KubernetesProbeJobs.RESULTS_CLAIM);
    }

    @Test
    void runnerImageStartsRunShardWhichReadsThePlanAndWritesTheResultsMounts() throws IOException {
        String dockerfile = Files.readString(Path.of("deploy/loadprobe/Dockerfile"));
        assertThat(dockerfile).contains("COPY deploy/loadprobe/run-shard.sh /runner/run-shard.sh")
                .contains("ENTRYPOINT [\"/bin/sh\", \"/runner/run-shard.sh\"]");
        assertThat(Files.readString(Path.of("deploy/loadprobe/run-shard.sh")))
                .contains("/plan/plan.json").contains("/results/${PROBE_ID}/shard-${INDEX}")
                .contains("-cp '/runner/classes:/runner/lib/*'")
                .contains(dev.llmcanary.loadprobe.Runner.SIMULATION);
    }
}
