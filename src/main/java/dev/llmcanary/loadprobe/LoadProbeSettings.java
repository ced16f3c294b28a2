package dev.llmcanary.loadprobe;

import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Load probes: Gatling runs in a separate JVM (docs/load-probes.md), the {@code llm-canary.load-probes.*} group of
 * the service configuration, handed to {@link LoadProbes} by the wiring so this package does not depend on the
 * configuration root.
 */
public interface LoadProbeSettings {
    /** The scenarios folder ({@code scenarios/*.yaml}). */
    @WithDefault("scenarios")
    String dir();

    /** The packaged runner: {@code classes/} and {@code lib/} built from {@code gatling/pom.xml}. */
    @WithDefault("gatling/target")
    String runnerDir();

    /** Where each probe's plan, summary and report are written (one sub-directory per probe). */
    @WithDefault("data/load-probes")
    String workDir();

    /** JVM options of the runner's JVM. */
    @WithDefault("-Xmx512m")
    java.util.List<String> jvmArgs();

    /** {@code local} (a child JVM) or {@code kubernetes} (an indexed Job, see deploy/loadprobe). */
    @WithDefault("local")
    Mode mode();

    /** The highest rate (new streams per second) an on-demand override may ask for. */
    @WithDefault("50")
    double maxRate();

    /** The longest duration an on-demand override may ask for. */
    @WithDefault("15m")
    Duration maxDuration();

    /** How long a stream may wait for its next event before it counts as a stall. */
    @WithDefault("60s")
    Duration streamTimeout();

    /** How long a cancelled probe may take to write its partial results before its process tree is destroyed. */
    @WithDefault("15s")
    Duration cancelGrace();

    /** Start scenarios with an {@code off_peak} window on their own. */
    @WithDefault("true")
    boolean scheduler();

    /** Kubernetes mode: namespace, image, shards. */
    Kubernetes kubernetes();

    enum Mode { LOCAL, KUBERNETES }

    interface Kubernetes {
        /** Namespace of the Jobs; default: the client's (the pod's own). */
        Optional<String> namespace();

        /** The runner image (deploy/loadprobe/Dockerfile). */
        @WithDefault("llm-canary-loadprobe:latest")
        String image();

        /** Parallel pods; each injects rate / shards. */
        @WithDefault("2")
        int shards();

        /**
         * Time allowed beyond the planned duration and stream timeout for scheduling the pods and pulling the
         * image; a Job still unfinished then is deleted and the probe ends {@code failed}.
         */
        @WithDefault("5m")
        Duration startTimeout();

        /** How often the service reads the Job's state and its pods. */
        @WithDefault("5s")
        Duration pollInterval();
    }
}
