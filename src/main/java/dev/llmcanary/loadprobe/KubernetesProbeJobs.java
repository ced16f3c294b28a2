package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a load probe as a Kubernetes indexed Job (the shape of {@code deploy/loadprobe/job.yaml}): a ConfigMap with
 * the plan ({@code rateShare} = 1/N) and N pods started at once, each writing its shard's results to the shared
 * {@code llm-canary-loadprobe-results} volume and printing its {@code summary.json} as one marked line at the end of its
 * log ({@link #SUMMARY_MARKER}); then follows the Job (pods, conditions), reads each shard's summary from the pod
 * logs, and deletes the Job on cancel.
 */
public final class KubernetesProbeJobs {

    public static final String PROBE_LABEL = "llm-canary/probe";
    public static final String RESULTS_CLAIM = "llm-canary-loadprobe-results";
    /** The prefix of the log line in which a shard prints its summary (deploy/loadprobe/run-shard.sh). */
    public static final String SUMMARY_MARKER = "LLM_CANARY_SUMMARY ";
    private static final String INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";

    /** Where a Job stands: finished ({@code complete} or {@code failed}, with a reason) or not, and its pods. */
    public record Status(boolean exists, boolean complete, boolean failed, String reason, int running, int succeeded,
                         int failedPods, int pending) {

        /** Human text for the API: "2 of 4 shard pods running, 1 succeeded". */
        public String describe(int shards) {
            return running + " of " + shards + " shard pods running, " + succeeded + " succeeded"
                    + (failedPods > 0 ? ", " + failedPods + " failed" : "") + (pending > 0 ? ", " + pending
                    + " pending" : "");
        }
    }

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

    /** The Job's conditions and its pods' phases. */
    public Status status(String namespace, String probeId) {
        Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name(probeId)).get();
        if (job == null) {
            return new Status(false, false, true, "the Job " + name(probeId) + " no longer exists", 0, 0, 0, 0);
        }
        boolean complete = false;
        boolean failed = false;
        String reason = null;
        JobStatus st = job.getStatus();
        if (st != null && st.getConditions() != null) {
            for (JobCondition c : st.getConditions()) {
                if (!"True".equals(c.getStatus())) {
                    continue;
                }
                if ("Complete".equals(c.getType())) {
                    complete = true;
                } else if ("Failed".equals(c.getType())) {
                    failed = true;
                    // the condition's reason is a Kubernetes code (BackoffLimitExceeded, DeadlineExceeded): no free text
                    reason = "the Job failed (" + (c.getReason() == null ? "no reason given" : c.getReason()) + ")";
                }
            }
        }
        int running = 0;
        int succeeded = 0;
        int failedPods = 0;
        int pending = 0;
        for (Pod p : pods(namespace, probeId)) {
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            if ("Running".equals(phase)) {
                running++;
            } else if ("Succeeded".equals(phase)) {
                succeeded++;
            } else if ("Failed".equals(phase)) {
                failedPods++;
            } else {
                pending++;
            }
        }
        return new Status(true, complete, failed, reason, running, succeeded, failedPods, pending);
    }

    /**
     * Each succeeded shard's summary, read from the marked last line of its pod's log, ordered by completion index.
     * A shard whose log has no summary line is missing from the list (the caller compares with the shard count).
     */
    public List<String> shardSummaries(String namespace, String probeId) {
        List<Pod> done = new ArrayList<>(pods(namespace, probeId).stream()
                .filter(p -> p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase())).toList());
        done.sort(Comparator.comparing(KubernetesProbeJobs::index));
        List<String> out = new ArrayList<>();
        for (Pod p : done) {
            String log = client.pods().inNamespace(namespace).withName(p.getMetadata().getName()).getLog();
            summaryLine(log).ifPresent(out::add);
        }
        return out;
    }

    /** The JSON of the last marked summary line of a shard's log. */
    static Optional<String> summaryLine(String log) {
        if (log == null) {
            return Optional.empty();
        }
        String found = null;
        for (String line : log.split("\r?\n")) {
            if (line.startsWith(SUMMARY_MARKER)) {
                found = line.substring(SUMMARY_MARKER.length()).trim();
            }
        }
        return Optional.ofNullable(found).filter(f -> f.startsWith("{"));
    }

    /** Deletes the Job (its pods in the background: a cancelled shard stops injecting) and the plan ConfigMap. */
    public void delete(String namespace, String probeId) {
        client.batch().v1().jobs().inNamespace(namespace).withName(name(probeId))
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        client.configMaps().inNamespace(namespace).withName(name(probeId)).delete();
    }

    private List<Pod> pods(String namespace, String probeId) {
        return client.pods().inNamespace(namespace).withLabel(PROBE_LABEL, probeId).list().getItems();
    }

    private static int index(Pod p) {
        Map<String, String> a = p.getMetadata().getAnnotations();
        String i = a == null ? null : a.get(INDEX_ANNOTATION);
        try {
            return i == null ? Integer.MAX_VALUE : Integer.parseInt(i);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
