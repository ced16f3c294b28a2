package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Refusal;
import dev.llmcanary.loadprobe.scenario.Scenario;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Local mode: each probe is a child JVM running the packaged Gatling runner on a plan written to its own directory
 * under {@code work-dir}, so the probe's GC and CPU never distort the canaries' timings.
 */
final class LocalRuns {

    private static final Logger LOG = Logger.getLogger(LocalRuns.class);

    private final LoadProbeSettings settings;
    private final Runner runner;
    private final ObjectMapper json;
    private final Clock clock;

    LocalRuns(LoadProbeSettings settings, Runner runner, ObjectMapper json, Clock clock) {
        this.settings = settings;
        this.runner = runner;
        this.json = json;
        this.clock = clock;
    }

    /** Refuses a start while the runner is not built. */
    void checkBuilt() {
        if (!runner.built()) {
            throw new ProbeRejected(Refusal.UNAVAILABLE, "the load-probe runner is not built (" + settings.runnerDir()
                    + "); build with ./mvnw package");
        }
    }

    /**
     * Writes the plan and starts the child JVM; the pool's API key goes in the plan's headers, never in a log.
     *
     * @param extraHeaders more request headers (tests: simulator profiles)
     */
    RunningProbe start(String id, Scenario s, Pool pool, Overrides o, String trigger,
                       Map<String, String> extraHeaders) {
        try {
            Map<String, String> headers = new HashMap<>(extraHeaders);
            if (pool.apiKeyEnv() != null && System.getenv(pool.apiKeyEnv()) != null) {
                headers.put("Authorization", "Bearer " + System.getenv(pool.apiKeyEnv()));
            }
            Path dir = Path.of(settings.workDir(), id);
            ObjectNode plan = new PlanWriter(json).plan(s, pool, o, headers, dir, 1,
                    settings.streamTimeout().toMillis() / 1000.0);
            ProbeProcess p = ProbeProcess.start(runner, dir, plan, json);
            LOG.infof("load probe %s started: scenario %s on pool %s (%s)", id, s.id(), s.pool(), trigger);
            return new RunningProbe(id, s, trigger, clock.instant(), PlanWriter.seconds(s, o),
                    PlanWriter.targetRate(s, o), p, null, new AtomicBoolean());
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProbeRejected pr) {
                throw pr;
            }
            throw new ProbeRejected(Refusal.FAILED, "could not start the runner: " + e.getClass().getSimpleName());
        }
    }

    /** Asks the child to stop, then kills its tree after the grace. */
    void cancel(RunningProbe r) {
        r.process().cancel(settings.cancelGrace());
    }

}
