package dev.llmcanary.boot;

import dev.llmcanary.loadprobe.LoadProbeSettings;
import dev.llmcanary.schedule.HealthCheckSettings;
import dev.llmcanary.schedule.SchedulerSettings;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The service's own settings ({@code llm-canary.*} in application.properties or {@code LLM_CANARY_*} env vars). */
@ConfigMapping(prefix = "llm-canary")
public interface CanaryConfig {

    /** Where canary definitions, pools and SLO classes are read from. */
    Files config();

    /** The built-in simulator. */
    Simulator simulator();

    /** The stream engine's limits. */
    Stream stream();

    /** The REST API. */
    Api api();

    /** Run log lines. */
    Log log();

    /** Keeping completion text (off by default). */
    Capture capture();

    /** In-memory run history. */
    History history();

    /** Continuous runs. */
    SchedulerSettings scheduler();

    /** This replica's id in the scheduler's slot claims; default: host name plus a random suffix. */
    Optional<String> replicaId();

    /** Durable run history (the database is chosen with the {@code quarkus.datasource."h2"/"pg"} settings). */
    Store store();

    /** Graceful stop (docs/operations.md "Run store": shutdown). */
    Shutdown shutdown();

    interface Shutdown {
        /**
         * How long a stop waits for runs in flight to finish before cutting them (recorded {@code cancelled}); keep
         * it at least 10 s under the pod's {@code terminationGracePeriodSeconds}, which also covers the final flush.
         */
        @WithDefault("20s")
        Duration grace();

        /** After cutting, how long to wait for the cut runs' results to be recorded. */
        @WithDefault("3s")
        Duration cutWait();
    }

    /** Per-endpoint health and model checks. */
    HealthCheckSettings health();

    /** The circuit breaker each endpoint's scheduled runs pass. */
    Breaker breaker();

    /** How long an endpoint that answered HTTP 429 is left alone. */
    RateLimit rateLimit();

    /** The status page served at {@code /}. */
    Ui ui();

    interface Ui {
        /**
         * Link from a run's trace id to a trace UI, {@code {traceId}} replaced by the id, e.g.
         * {@code https://tempo.example/trace/{traceId}}. Unset: the trace id is shown as text.
         */
        Optional<String> traceUrlTemplate();

        /** How often the status page polls the JSON API for live updates. */
        @WithDefault("5s")
        Duration refreshInterval();
    }

    /** The streaming client's connection establishment. */
    Client client();

    interface Client {
        /**
         * How many more times establishing a run's connection is tried after it failed (refused, connect timeout,
         * DNS), always before any request byte is written and within the run's headers deadline; 0 turns retries off.
         */
        @WithDefault("2")
        int connectRetries();

        /** The wait before the first connection retry, doubled for each later one. */
        @WithDefault("200ms")
        Duration connectRetryBackoff();
    }

    /** Deployment gates (docs/gates.md). */
    Gates gates();

    interface Gates {
        /** The most repetitions of each canary per side one gate runs; a suite or request asking more is capped. */
        @WithDefault("500")
        int maxRepetitions();

        /** The most runs one gate has in flight (the pool's max_concurrent_canaries still applies). */
        @WithDefault("8")
        int maxConcurrency();

        /** Gates running at once that use a pool (as candidate or live baseline); more get 429 with Retry-After. */
        @WithDefault("1")
        int maxConcurrentPerPool();

        /** The longest deadline a request may set. */
        @WithDefault("30m")
        Duration maxDeadline();

        /** The longest {@code ?wait=} a request may ask for. */
        @WithDefault("10m")
        Duration maxWait();

        /** How long the Flagger webhook waits for an active gate's verdict; keep it below the webhook's timeout. */
        @WithDefault("25s")
        Duration flaggerWait();

        /** The {@code Retry-After} of a 429 when a pool already runs its cap of gates. */
        @WithDefault("30s")
        Duration retryAfter();

        /** A running gate whose owner sent no heartbeat for this long is finished as inconclusive. */
        @WithDefault("45s")
        Duration staleAfter();

        /** The longest window of stored history a passive evaluation or stored baseline may read. */
        @WithDefault("7d")
        Duration maxWindow();
    }

    interface Breaker {
        /** Share of failed runs (error outcome or HTTP 5xx) among the last {@code request-volume} that opens it. */
        @WithDefault("0.5")
        double failureRatio();

        /** How many of an endpoint's latest runs the ratio is taken over (and the least before it can open). */
        @WithDefault("4")
        int requestVolume();

        /** How long it stays open before one half-open run probes the endpoint. */
        @WithDefault("30s")
        Duration delay();
    }

    interface RateLimit {
        /** The wait after a 429 without a readable {@code Retry-After}. */
        @WithDefault("30s")
        Duration defaultWait();

        /** The longest wait a {@code Retry-After} can impose. */
        @WithDefault("10m")
        Duration maxWait();
    }

    interface Files {
        /** The canaries folder: every *.yaml in it but pools.yaml and slo-classes.yaml is a canary file. */
        @WithDefault("canaries")
        String dir();

        /** Pools file; defaults to {@code <dir>/pools.yaml}. A cluster mounts its own here. */
        Optional<String> poolsFile();

        /** SLO classes file; defaults to {@code <dir>/slo-classes.yaml}. */
        Optional<String> sloClassesFile();

        /** Reload when the files change (e.g. a ConfigMap update). */
        @WithDefault("true")
        boolean watch();

        /** How often the files are compared with what was loaded. */
        @WithDefault("10s")
        Duration watchInterval();
    }

    interface Simulator {
        /** Start the simulator inside the service (the embedded default target). */
        @WithDefault("true")
        boolean enabled();

        /** Interface it listens on; loopback by default. */
        @WithDefault("127.0.0.1")
        String host();

        /** Port; 0 picks a free one. */
        @WithDefault("8089")
        int port();
    }

    interface Stream {
        /** The largest SSE event accepted; a larger one ends the run with {@code oversize_event}. */
        @WithDefault("1048576")
        int maxEventBytes();

        /** The largest response body accepted. */
        @WithDefault("16777216")
        long maxTotalBytes();

        /** Token-chunk arrival times kept per run (gap figures, timeline). */
        @WithDefault("4096")
        int maxChunkTimestamps();

        /** A {@code tokens_emitted} span event every this many token chunks. */
        @WithDefault("16")
        int tokensEventEvery();

        /** TCP/TLS connect limit. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** How often the per-event-loop stall sweep runs. */
        @WithDefault("20ms")
        Duration sweepPeriod();

        /** Connection pool size per endpoint: the client's total, split evenly over its event loops. */
        @WithDefault("64")
        int maxConnectionsPerHost();

        /** Event loops the streams are spread over; 0 is one per core. */
        @WithDefault("0")
        int eventLoops();
    }

    interface Api {
        /** Bearer token required to trigger runs (from a Secret via LLM_CANARY_API_TOKEN). Unset: triggering is off. */
        Optional<String> token();

        /** The most targets one trigger may run at once; narrow with {@code ?pool=} / {@code ?model=}. */
        @WithDefault("16")
        int maxTargetsPerTrigger();

        /**
         * Bearer token for load probes and baselines, a stronger permission than triggering canaries (from a Secret via
         * LLM_CANARY_ADMIN_TOKEN); it is accepted wherever the trigger token is. Unset: load probes are off.
         */
        Optional<String> adminToken();
    }

    interface Log {
        /** Share of passing runs that get a log line (failures are always logged). */
        @WithDefault("0.1")
        double successSampleRate();
    }

    interface Capture {
        /** Keep the completion text (PII-masked) in results and log lines. Off: only a SHA-256 prefix. */
        @WithDefault("false")
        boolean content();
    }

    interface Store {
        /** Results kept in memory while the database is unreachable; more are dropped and counted. */
        @WithDefault("10000")
        int bufferSize();

        /**
         * How long a result write may take before the store counts as down and the result is buffered: the single
         * result worker (metrics, guardrails, every job's completion) never waits on a database longer than this.
         */
        @WithDefault("1s")
        Duration writeBudget();

        /** How often buffered results are retried (and, at start, the schema migration). */
        @WithDefault("10s")
        Duration retryInterval();

        /** How often runs older than their retention are deleted. */
        @WithDefault("1h")
        Duration purgeInterval();

        /** How long runs are kept. */
        Retention retention();

        interface Retention {
            /** Passing runs. */
            @WithDefault("14d")
            Duration successes();

            /** Failed and errored runs (longer: they are what people debug). */
            @WithDefault("60d")
            Duration failures();

            /**
             * At most this many runs are kept (0: no cap), the oldest passes going first; enforced at each purge.
             * At ~3.4 KB a run, 5,000,000 runs is ~17 GB.
             */
            @WithDefault("5000000")
            long maxRuns();
        }
    }

    interface History {
        /** Passing runs kept in memory. */
        @WithDefault("500")
        int successes();

        /** Failed and errored runs kept in memory (longer: they are what people debug). */
        @WithDefault("2000")
        int failures();
    }

    /** Load probes: Gatling runs in a separate JVM (docs/load-probes.md). */
    LoadProbeSettings loadProbes();
}
