package dev.llmcanary.loadprobe;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Following a sharded probe's Job against the fabric8 mock API server in expectations mode (it serves pod logs):
 * Job conditions and pod phases, shard summaries from the marked log line, and deletion on cancel.
 */
@EnableKubernetesMockClient
class KubernetesProbeJobFollowTest {

    static KubernetesMockServer server;
    static KubernetesClient client;
    private static final String NS = "monitoring";

    private static Job job(String id, String condition, String reason) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName("loadprobe-" + id).withNamespace(NS).endMetadata();
        if (condition != null) {
            b.withNewStatus().addNewCondition().withType(condition).withStatus("True").withReason(reason)
                    .endCondition().endStatus();
        }
        return b.build();
    }

    private static Pod pod(String name, int index, String phase) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .addToAnnotations("batch.kubernetes.io/job-completion-index", String.valueOf(index)).endMetadata()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    private void serve(String id, Job job, Pod... pods) {
        server.expect().get().withPath("/apis/batch/v1/namespaces/" + NS + "/jobs/loadprobe-" + id)
                .andReturn(job == null ? 404 : 200, job).always();
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods?labelSelector=llm-canary%2Fprobe%3D" + id)
                .andReturn(200, new PodListBuilder().withItems(pods).build()).always();
    }

    static Stream<Arguments> statuses() {
        return Stream.of(
                Arguments.of("running: pods counted by phase, not finished", "s1", null, null,
                        List.of("Running", "Pending"), false, false, "1 of 2 shard pods running, 0 succeeded, 1 pending"),
                Arguments.of("complete", "s2", "Complete", null, List.of("Succeeded", "Succeeded"), true, false,
                        "0 of 2 shard pods running, 2 succeeded"),
                Arguments.of("failed: the condition's reason code is kept", "s3", "Failed", "BackoffLimitExceeded",
                        List.of("Failed", "Succeeded"), false, true, "0 of 2 shard pods running, 1 succeeded, 1 failed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statuses")
    void statusFromConditionsAndPodPhases(String name, String id, String condition, String reason, List<String> phases,
                                          boolean complete, boolean failed, String described) {
        Pod[] pods = new Pod[phases.size()];
        for (int i = 0; i < pods.length; i++) {
            pods[i] = pod(id + "-" + i, i, phases.get(i));
        }
        serve(id, job(id, condition, reason), pods);

        KubernetesProbeJobs.Status st = new KubernetesProbeJobs(client, new ObjectMapper()).status(NS, id);

        assertThat(st.exists()).isTrue();
        assertThat(st.complete()).isEqualTo(complete);
        assertThat(st.failed()).isEqualTo(failed);
        assertThat(st.describe(2)).isEqualTo(described);
        if (reason != null) {
            assertThat(st.reason()).isEqualTo("the Job failed (" + reason + ")");
        }
    }

    @Test
    void aVanishedJobIsFailedWithAReason() {
        serve("gone", null);

        KubernetesProbeJobs.Status st = new KubernetesProbeJobs(client, new ObjectMapper()).status(NS, "gone");

        assertThat(st.exists()).isFalse();
        assertThat(st.failed()).isTrue();
        assertThat(st.reason()).contains("no longer exists");
    }

    @Test
    void shardSummariesComeFromTheMarkedLogLineInCompletionIndexOrder() {
        serve("logs", job("logs", "Complete", null), pod("logs-b", 1, "Succeeded"), pod("logs-a", 0, "Succeeded"),
                pod("logs-c", 2, "Succeeded"));
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/logs-a/log?pretty=false")
                .andReturn(200, "Simulation started\nLLM_CANARY_SUMMARY {\"shard\":0}\n").always();
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/logs-b/log?pretty=false")
                .andReturn(200, "LLM_CANARY_SUMMARY {\"shard\":\"old\"}\nmore output\nLLM_CANARY_SUMMARY {\"shard\":1}\n")
                .always();
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/logs-c/log?pretty=false")
                .andReturn(200, "java.lang.OutOfMemoryError\n").always();

        List<String> summaries = new KubernetesProbeJobs(client, new ObjectMapper()).shardSummaries(NS, "logs");

        assertThat(summaries).as("the last marked line of each log; a log without one is missing")
                .containsExactly("{\"shard\":0}", "{\"shard\":1}");
    }

    @Test
    void deleteRemovesTheJobInTheBackgroundAndThePlan() throws Exception {
        server.expect().delete().withPath("/apis/batch/v1/namespaces/" + NS + "/jobs/loadprobe-del")
                .andReturn(200, job("del", null, null)).once();
        server.expect().delete().withPath("/api/v1/namespaces/" + NS + "/configmaps/loadprobe-del")
                .andReturn(200, null).once();

        new KubernetesProbeJobs(client, new ObjectMapper()).delete(NS, "del");

        var requests = new java.util.ArrayList<String>();
        for (int i = server.getRequestCount(); i > 0; i--) {
            var req = server.takeRequest(1, java.util.concurrent.TimeUnit.SECONDS);
            if (req != null) {
                requests.add(req.getMethod() + " " + req.getPath() + " " + req.getBody().readUtf8());
            }
        }
        assertThat(requests).anySatisfy(r -> assertThat(r).startsWith("DELETE /apis/batch/v1/namespaces/" + NS
                + "/jobs/loadprobe-del").contains("\"propagationPolicy\":\"Background\""));
        assertThat(requests).anySatisfy(r -> assertThat(r).startsWith("DELETE /api/v1/namespaces/" + NS
                + "/configmaps/loadprobe-del"));
    }
}
