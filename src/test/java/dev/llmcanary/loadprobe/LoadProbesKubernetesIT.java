package dev.llmcanary.loadprobe;

import dev.llmcanary.loadprobe.scenario.Scenario;
import dev.llmcanary.testing.LogCapture;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kubernetes mode end to end at the service level, against the fabric8 mock API server (CRUD for Jobs and pods,
 * expectations for pod logs): the probe follows its Job's pods, merges the shards' summaries exactly (the runner's
 * SummaryMerge), judges and stores the result like a local probe; a failed or overdue Job is inconclusive with a
 * reason; cancel deletes the Job.
 */
@EnableKubernetesMockClient(crud = true)
class LoadProbesKubernetesIT {

    static KubernetesMockServer server;
    static KubernetesClient client;
    private static final String NS = "monitoring";
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path work;
    private LoadProbesHarness h;

    private static Scenario scenario() {
        return new Scenario("k8s-probe", "scenarios/k8s-probe.yaml", null, "sim", "sim-openai", Scenario.Api.CHAT,
                List.of(new Scenario.PromptShare("<=1k", 1)), new Scenario.MaxTokens(8, 8),
                new Scenario.Arrival(Scenario.Arrival.Kind.CONSTANT, 8, 8, 8, 0, 1, null, false),
                Duration.ofSeconds(10), new Scenario.Assertions(1.0, null, null, 5.0, null), null,
                Scenario.AbortGuards.DEFAULT, Scenario.Tolerances.DEFAULT);
    }

    @BeforeEach
    void setUp() {
        h = new LoadProbesHarness(T0, "http://vllm.inference.svc:8000", List.of(scenario()), work,
                Map.of("mode", LoadProbeSettings.Mode.KUBERNETES), client);
    }

    private String start() {
        ProbeView v = h.probes.start("k8s-probe", Overrides.NONE, "api");
        assertThat(v.state()).isEqualTo("running");
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName(KubernetesProbeJobs.name(v.id())).get())
                .isNotNull();
        return v.id();
    }

    private void pod(String id, int index, String phase) {
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("lp-" + id + "-" + index)
                .withNamespace(NS).addToLabels(KubernetesProbeJobs.PROBE_LABEL, id)
                .addToAnnotations("batch.kubernetes.io/job-completion-index", String.valueOf(index)).endMetadata()
                .withNewStatus().withPhase(phase).endStatus().build()).createOr(r -> r.update());
    }

    private void jobCondition(String id, String type, String reason) {
        Job job = client.batch().v1().jobs().inNamespace(NS).withName(KubernetesProbeJobs.name(id)).get();
        job.setStatus(new JobStatusBuilder().withConditions(new JobConditionBuilder().withType(type).withStatus("True")
                .withReason(reason).build()).build());
        client.batch().v1().jobs().inNamespace(NS).resource(job).updateStatus();
    }

    private void log(String id, int index, String text) {
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/lp-" + id + "-" + index + "/log?pretty=false")
                .andReturn(200, text).always();
    }

    private static String shard(int i) throws Exception {
        return Files.readString(Path.of("src/test/resources/loadprobe-shards/shard-" + i + ".json")).trim();
    }

    @Test
    void followsThePodsThenMergesTheShardSummariesJudgesAndStores() throws Exception {
        String id = start();
        pod(id, 0, "Running");
        pod(id, 1, "Pending");
        h.clock.set(T0.plusSeconds(4));
        h.probes.followJobs();
        ProbeView running = h.probes.find(id).orElseThrow();
        assertThat(running.state()).isEqualTo("running");
        assertThat(running.reason()).endsWith("1 of 2 shard pods running, 0 succeeded, 1 pending");
        assertThat(running.progress().elapsedSeconds()).isEqualTo(4.0);
        assertThat(running.progress().totalSeconds()).isEqualTo(10.0);
        assertThat(h.probes.activeOn("sim")).isTrue();

        pod(id, 0, "Succeeded");
        pod(id, 1, "Succeeded");
        log(id, 0, "Simulation started\n" + KubernetesProbeJobs.SUMMARY_MARKER + shard(0) + "\n");
        log(id, 1, "Simulation started\n" + KubernetesProbeJobs.SUMMARY_MARKER + shard(1) + "\n");
        jobCondition(id, "Complete", null);
        h.clock.set(T0.plusSeconds(30));
        h.probes.followJobs();

        ProbeView done = h.probes.find(id).orElseThrow();
        assertThat(done.state()).isEqualTo("done");
        assertThat(done.verdict()).isEqualTo("pass");
        assertThat(done.baseline()).as("the first passing run becomes the baseline").isTrue();
        assertThat(done.summary().path("shards").asInt()).isEqualTo(2);
        assertThat(done.summary().path("rateShare").asDouble()).isEqualTo(1.0);
        var chat = done.summary().path("kinds").path("chat");
        assertThat(chat.path("count").asInt()).isEqualTo(81);
        assertThat(chat.path("errors").path("http_500").asInt()).isEqualTo(1);
        assertThat(chat.path("ttft").path("histogram").path("buckets").size()).as("histograms added")
                .isGreaterThan(40);
        // the merged p95 is that of all 80 streams: in the slower shard's range (0.100..0.178 s)
        assertThat(chat.path("ttft").path("p95").asDouble()).isBetween(0.16, 0.18);
        assertThat(h.probes.activeOn("sim")).isFalse();
        assertThat(h.registry.get(dev.llmcanary.telemetry.MetricNames.LOADPROBE_RUNS).tag("verdict", "pass").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aShardWithoutASummaryLineLeavesTheProbeInconclusive() throws Exception {
        String id = start();
        pod(id, 0, "Succeeded");
        pod(id, 1, "Succeeded");
        log(id, 0, KubernetesProbeJobs.SUMMARY_MARKER + shard(0) + "\n");
        log(id, 1, "killed\n");
        jobCondition(id, "Complete", null);
        h.probes.followJobs();

        ProbeView v = h.probes.find(id).orElseThrow();
        assertThat(v.state()).isEqualTo("failed");
        assertThat(v.verdict()).isEqualTo("inconclusive");
        assertThat(v.reason()).isEqualTo("only 1 of 2 shards printed a summary: results incomplete");
    }

    @Test
    void aGarbledSummaryLineLeavesTheProbeInconclusive() throws Exception {
        String id = start();
        pod(id, 0, "Succeeded");
        pod(id, 1, "Succeeded");
        log(id, 0, KubernetesProbeJobs.SUMMARY_MARKER + shard(0) + "\n");
        log(id, 1, KubernetesProbeJobs.SUMMARY_MARKER + "{\"kinds\": [cut off\n");
        jobCondition(id, "Complete", null);
        h.probes.followJobs();

        ProbeView v = h.probes.find(id).orElseThrow();
        assertThat(v.state()).isEqualTo("failed");
        assertThat(v.verdict()).isEqualTo("inconclusive");
        assertThat(v.reason()).isEqualTo("a shard's summary line is not valid JSON");
    }

    @Test
    void aFailedJobIsInconclusiveWithItsReason() {
        String id = start();
        pod(id, 0, "Failed");
        jobCondition(id, "Failed", "BackoffLimitExceeded");
        h.probes.followJobs();

        ProbeView v = h.probes.find(id).orElseThrow();
        assertThat(v.state()).isEqualTo("failed");
        assertThat(v.verdict()).isEqualTo("inconclusive");
        assertThat(v.reason()).isEqualTo("the Job failed (BackoffLimitExceeded)");
        assertThat(h.probes.activeOn("sim")).isFalse();
    }

    @Test
    void aJobStillRunningAfterItsDeadlineIsDeletedAndInconclusive() {
        String id = start();
        pod(id, 0, "Pending");
        // 10 s planned + 5 s stream timeout + 5 min start timeout
        h.clock.set(T0.plus(Duration.ofSeconds(315)));
        h.probes.followJobs();
        assertThat(h.probes.find(id).orElseThrow().state()).as("at the deadline, not after").isEqualTo("running");

        h.clock.set(T0.plus(Duration.ofSeconds(316)));
        h.probes.followJobs();

        ProbeView v = h.probes.find(id).orElseThrow();
        assertThat(v.state()).isEqualTo("failed");
        assertThat(v.verdict()).isEqualTo("inconclusive");
        assertThat(v.reason()).startsWith("the Job did not finish by 2026-03-01T12:05:15Z");
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName(KubernetesProbeJobs.name(id)).get()).isNull();
    }

    @Test
    void cancelDeletesTheJobAndMarksTheProbeCancelled() {
        String id = start();
        pod(id, 0, "Running");

        ProbeView v = h.probes.cancel(id);

        assertThat(v.state()).isEqualTo("cancelled");
        assertThat(v.verdict()).isEqualTo("inconclusive");
        assertThat(v.reason()).startsWith("cancelled: Job loadprobe-" + id + " deleted");
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName(KubernetesProbeJobs.name(id)).get()).isNull();
        assertThat(client.configMaps().inNamespace(NS).withName(KubernetesProbeJobs.name(id)).get()).isNull();
        assertThat(h.probes.activeOn("sim")).isFalse();
        h.probes.followJobs();
        assertThat(h.probes.find(id).orElseThrow().state()).as("the follower no longer touches it")
                .isEqualTo("cancelled");
    }

    @Test
    void aSecondProbeOnTheSamePoolIsRefusedWhileTheJobRuns() {
        start();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.probes.start("k8s-probe", Overrides.NONE, "api"))
                .isInstanceOf(dev.llmcanary.loadprobe.ProbeRejected.class).hasMessageContaining("already runs");
    }

    @Test
    void aCorruptStoredBaselineIsReportedNotTakenForNoBaseline() throws Exception {
        Instant earlier = T0.minus(Duration.ofDays(1));
        new LoadProbeStore(h.db).save(new StoredProbe("old-base", "k8s-probe", "sim", "done", "pass", "ok", "api",
                earlier, earlier.plusSeconds(10), true, "{\"kinds\": {\"chat\": [cut off", null, false));
        String id = start();
        pod(id, 0, "Succeeded");
        pod(id, 1, "Succeeded");
        log(id, 0, KubernetesProbeJobs.SUMMARY_MARKER + shard(0) + "\n");
        log(id, 1, KubernetesProbeJobs.SUMMARY_MARKER + shard(1) + "\n");
        jobCondition(id, "Complete", null);

        ProbeView v;
        try (LogCapture logs = LogCapture.install()) {
            h.probes.followJobs();
            v = h.probes.find(id).orElseThrow();
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("load probe " + id
                    + ": baseline old-base of scenario k8s-probe cannot be read (its stored summary is not valid JSON:")
                    .doesNotContain("cut off"));
        }

        assertThat(v.state()).as("the run itself completed").isEqualTo("done");
        assertThat(v.verdict()).as("a pass needs the baseline it could not read").isEqualTo("inconclusive");
        assertThat(v.reason()).startsWith("SLO assertions held, but baseline old-base cannot be read (its stored"
                + " summary is not valid JSON: ").doesNotContain("cut off")
                .endsWith("so this run was not compared with it; promote a finished run as the baseline");
        assertThat(v.verdictDetail().path("baselineId").asText()).isEqualTo("old-base");
        assertThat(v.baseline()).as("the unreadable baseline is not silently replaced").isFalse();
        assertThat(h.probes.find("old-base").orElseThrow().baseline()).isTrue();
    }
}
