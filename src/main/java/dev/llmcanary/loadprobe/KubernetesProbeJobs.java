package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Starts a load probe as a Kubernetes indexed Job (the shape of {@code deploy/loadprobe/job.yaml}): a ConfigMap with
 * the plan ({@code rateShare} = 1/N) and N pods started at once, each writing its shard's results to the shared
 * {@code llm-canary-loadprobe-results} volume.
 */
public final class KubernetesProbeJobs {

    public static final String PROBE_LABEL = "llm-canary/probe";
    public static final String RESULTS_CLAIM = "llm-canary-loadprobe-results";

    private final KubernetesClient client;
    private final ObjectMapper json;

    public KubernetesProbeJobs(KubernetesClient client, ObjectMapper json) {
        this.client = client;
        this.json = json;
    }

    /** The Job's name for a probe id (a DNS label: "loadprobe-" + the id). */
    public static String name(String probeId) {
        return "loadprobe-" + probeId;
    }

    /**
     * Creates the plan ConfigMap and the indexed Job.
     *
     * @param plan the plan for one shard: its {@code rateShare} must already be 1 / {@code shards}
     */
    public Job create(String namespace, String probeId, ObjectNode plan, int shards, String image) {
        String name = name(probeId);
        Map<String, String> labels = Map.of("app.kubernetes.io/name", "llm-canary-loadprobe", PROBE_LABEL, probeId);
        String planText;
        try {
            planText = json.writeValueAsString(plan);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withLabels(labels).endMetadata().withData(Map.of("plan.json", planText)).build();
        client.configMaps().inNamespace(namespace).resource(cm).create();
        Job job = new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec()
                .withCompletionMode("Indexed").withCompletions(shards).withParallelism(shards)
                // a failed shard is not retried: its load would arrive late and skew the run
                .withBackoffLimit(0).withTtlSecondsAfterFinished(86400)
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("runner").withImage(image)
                .addNewEnv().withName("PROBE_ID").withValue(probeId).endEnv()
                .withNewResources().addToRequests("cpu", new Quantity("1")).endResources()
                .addNewVolumeMount().withName("plan").withMountPath("/plan").endVolumeMount()
                .addNewVolumeMount().withName("results").withMountPath("/results").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("plan").withNewConfigMap().withName(name).endConfigMap().endVolume()
                .addNewVolume().withName("results").withNewPersistentVolumeClaim().withClaimName(RESULTS_CLAIM)
                .endPersistentVolumeClaim().endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        return client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
    }
}
