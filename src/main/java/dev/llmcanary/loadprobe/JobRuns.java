package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Refusal;
import dev.llmcanary.loadprobe.scenario.Scenario;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Kubernetes mode: each probe is an indexed Job of {@code shards} pods, each injecting rate / shards
 * (deploy/loadprobe). A probe is followed until its Job ends: pod counts for the progress, then the shards'
 * summaries from their pod logs, merged exactly (the runner's SummaryMerge).
 */
final class JobRuns {

    private static final Logger LOG = Logger.getLogger(JobRuns.class);

    /**
     * How a followed Job ended: the merged summary to judge, or why there is none (the probe is then inconclusive).
     */
    record End(ProbeProcess.Outcome merged, String failure) {
        static End failed(String failure) {
            return new End(null, failure);
        }
    }

    private final LoadProbeSettings settings;
    private final Instance<KubernetesClient> kubernetes;
    private final Runner runner;
    private final ObjectMapper json;
    private final Clock clock;

    JobRuns(LoadProbeSettings settings, Instance<KubernetesClient> kubernetes, Runner runner, ObjectMapper json,
            Clock clock) {
        this.settings = settings;
        this.kubernetes = kubernetes;
        this.runner = runner;
        this.json = json;
        this.clock = clock;
    }

    /** Refuses a start without a Kubernetes client. */
    void checkAvailable() {
        if (kubernetes.isUnsatisfied()) {
            throw new ProbeRejected(Refusal.UNAVAILABLE, "load-probes mode kubernetes needs a Kubernetes client");
        }
    }

    /** Creates the probe's Job; it is {@code running} until {@link #follow} sees it end. */
    RunningProbe submit(String id, Scenario s, Pool pool, Overrides o, String trigger) {
        LoadProbeSettings.Kubernetes k = settings.kubernetes();
        KubernetesClient client = kubernetes.get();
        String namespace = k.namespace().orElseGet(client::getNamespace);
        ObjectNode plan = new PlanWriter(json).plan(s, pool, o, Map.of(), Path.of("/results"), 1.0 / k.shards(),
                settings.streamTimeout().toMillis() / 1000.0);
        try {
            new KubernetesProbeJobs(client, json).create(namespace, id, plan, k.shards(), k.image());
        } catch (RuntimeException e) {
            throw new ProbeRejected(Refusal.UNAVAILABLE, "could not create the load-probe Job: "
                    + e.getClass().getSimpleName());
        }
        Instant now = clock.instant();
        double total = PlanWriter.seconds(s, o);
        // scheduling and image pulls come before the load; a stream may still run for the stream timeout after it
        Instant deadline = now.plusMillis((long) (total * 1000)).plus(settings.streamTimeout()).plus(k.startTimeout());
        LOG.infof("load probe %s submitted as Job %s (%d shards) in %s", id, KubernetesProbeJobs.name(id),
                k.shards(), namespace);
        return new RunningProbe(id, s, trigger, now, total, PlanWriter.targetRate(s, o), null,
                new RunningProbe.Job(namespace, k.shards(), deadline, new AtomicReference<>("Job submitted")),
                new AtomicBoolean());
    }

    /**
     * Reads the Job once: updates the pod counts; when it completed, the shards' merged summary; a failed, vanished
     * or overdue Job (an overdue one is deleted) ends with the reason. Empty while it still runs.
     */
    Optional<End> follow(RunningProbe r) {
        RunningProbe.Job j = r.job();
        KubernetesProbeJobs jobs = new KubernetesProbeJobs(kubernetes.get(), json);
        KubernetesProbeJobs.Status st;
        try {
            st = jobs.status(j.namespace(), r.id());
        } catch (RuntimeException e) {
            LOG.warnf("load probe %s: cannot read its Job: %s", r.id(), e.getClass().getSimpleName());
            st = null;
        }
        if (st != null && st.exists()) {
            j.pods().set(st.describe(j.shards()));
        }
        if (st != null && st.complete()) {
            return Optional.of(merged(r, jobs));
        }
        if (st != null && st.failed()) {
            return Optional.of(End.failed(st.reason()));
        }
        if (clock.instant().isAfter(j.deadline())) {
            delete(r);
            return Optional.of(End.failed("the Job did not finish by " + j.deadline() + " (planned "
                    + (long) r.totalSeconds() + " s + stream timeout + kubernetes.start-timeout); deleted"));
        }
        return Optional.empty();
    }

    private End merged(RunningProbe r, KubernetesProbeJobs jobs) {
        RunningProbe.Job j = r.job();
        List<String> shards;
        try {
            shards = jobs.shardSummaries(j.namespace(), r.id());
        } catch (RuntimeException e) {
            return End.failed("could not read the shards' logs: " + e.getClass().getSimpleName());
        }
        if (shards.size() != j.shards()) {
            return End.failed("only " + shards.size() + " of " + j.shards()
                    + " shards printed a summary: results incomplete");
        }
        try {
            JsonNode merged = new ShardMerge(runner, json).merge(Path.of(settings.workDir(), r.id()), shards);
            return new End(new ProbeProcess.Outcome(0, Optional.of(merged), Optional.empty()), null);
        } catch (JsonProcessingException e) {
            // the parser's message quotes the input: the class alone
            return End.failed("a shard's summary line is not valid JSON");
        } catch (IOException | RuntimeException e) {
            return End.failed("could not merge the shard summaries: " + (e instanceof IOException
                    ? e.getMessage() : e.getClass().getSimpleName()));
        }
    }

    /** Deletes the probe's Job (a cancel, or past its deadline); a failure is logged, the probe ends anyway. */
    void delete(RunningProbe r) {
        try {
            new KubernetesProbeJobs(kubernetes.get(), json).delete(r.job().namespace(), r.id());
        } catch (RuntimeException e) {
            LOG.warnf("load probe %s: could not delete its Job: %s", r.id(), e.getClass().getSimpleName());
        }
    }
}
