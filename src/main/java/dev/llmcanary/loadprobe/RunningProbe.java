package dev.llmcanary.loadprobe;

import dev.llmcanary.loadprobe.scenario.Scenario;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A probe in flight in this process: a child process (local mode) or an indexed Job (kubernetes mode), the other
 * null.
 *
 * @param totalSeconds the planned duration
 * @param targetRate   the rate an override asked for, kept beside what the runner achieved; {@code null} without one
 * @param cancelled    set when a cancel was asked for: the probe then ends {@code cancelled}, whatever its runner says
 */
record RunningProbe(String id, Scenario scenario, String trigger, Instant startedAt, double totalSeconds,
                    Double targetRate, ProbeProcess process, Job job, AtomicBoolean cancelled) {

    /** A probe's Job: where it runs, its shards, when it must have finished, and its latest pod count text. */
    record Job(String namespace, int shards, Instant deadline, AtomicReference<String> pods) {
    }

    String pool() {
        return scenario.pool();
    }

    /** What the stored row of a running probe says: where its Job runs; nothing for a child process. */
    String startedReason() {
        return job == null ? null : "indexed Job " + KubernetesProbeJobs.name(id) + " in " + job.namespace()
                + " with " + job.shards() + " shards";
    }
}
