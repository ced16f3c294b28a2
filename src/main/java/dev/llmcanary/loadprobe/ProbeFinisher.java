package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmcanary.canary.run.UntrustedText;
import dev.llmcanary.loadprobe.scenario.Scenario;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Ends a probe: judges its summary against the scenario's SLO assertions and baseline, stores its row, summary,
 * verdict and zipped report, and counts it. A probe without a summary (the runner failed, a Job failed or was
 * cancelled) is {@code inconclusive} with the reason. The first passing, complete run of a scenario becomes its
 * baseline.
 */
final class ProbeFinisher {

    private static final Logger LOG = Logger.getLogger(ProbeFinisher.class);

    /** What a finished probe is stored as. */
    private record Ending(ProbeState state, Verdict.Outcome outcome, String reason, String summaryJson,
                          String verdictJson, boolean baseline, byte[] report) {
    }

    /**
     * The scenario's baseline as the judge needs it: none ({@code id} null), its summary, or unreadable
     * ({@code problem} says why; the stored text itself is never quoted).
     */
    record Baseline(String id, ProbeSummary summary, String problem) {
        static final Baseline NONE = new Baseline(null, null, null);

        boolean exists() {
            return id != null;
        }

        boolean unreadable() {
            return problem != null;
        }
    }

    private final LoadProbeSettings settings;
    private final LoadProbeStore store;
    private final ObjectMapper json;
    private final ProbeMetrics metrics;
    private final Clock clock;
    private final Function<String, List<String>> poolSecrets;

    /** @param poolSecrets the pool's secret values (its API key), masked in what the server echoes back */
    ProbeFinisher(LoadProbeSettings settings, LoadProbeStore store, ObjectMapper json, ProbeMetrics metrics,
                  Clock clock, Function<String, List<String>> poolSecrets) {
        this.settings = settings;
        this.store = store;
        this.json = json;
        this.metrics = metrics;
        this.clock = clock;
        this.poolSecrets = poolSecrets;
    }

    /**
     * Judges and stores a finished probe; {@code failure} (a Job's) replaces the runner's exit as the reason. A store
     * that fails is logged: the probe still ends (its row may then stay {@code running} in the database).
     */
    void finish(RunningProbe r, ProbeProcess.Outcome out, Throwable err, String failure) {
        Scenario s = r.scenario();
        try {
            Ending e = err != null || out == null || out.summary().isEmpty()
                    ? withoutSummary(r, out, err, failure) : judged(r, out);
            persist(new StoredProbe(r.id(), s.id(), s.pool(), e.state().id(), e.outcome().id(), e.reason(),
                    r.trigger(), r.startedAt(), clock.instant(), e.baseline(), e.summaryJson(), e.verdictJson(),
                    e.report() != null));
            if (e.report() != null) {
                store.saveReport(r.id(), e.report());
            }
            LOG.infof("load probe %s %s: verdict %s (%s)", r.id(), e.state().id(), e.outcome().id(), e.reason());
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.errorf("load probe %s: could not store its results: %s", r.id(), e.toString());
        }
    }

    /** Stores a probe's row; a database that is down is logged, not thrown (the probe goes on). */
    void persist(StoredProbe p) {
        try {
            store.save(p);
        } catch (SQLException e) {
            LOG.warnf("load probe %s: database unavailable, row not stored: %s", p.id(), e.toString());
        }
    }

    private Ending withoutSummary(RunningProbe r, ProbeProcess.Outcome out, Throwable err, String failure) {
        ProbeState state = r.cancelled().get() ? ProbeState.CANCELLED : ProbeState.FAILED;
        String reason = failure != null ? failure : err != null ? "runner failed: " + err.getClass().getSimpleName()
                : "runner exited with " + out.exitCode() + " without a summary (see " + settings.workDir() + "/"
                + r.id() + "/runner-stderr.log)";
        return new Ending(state, Verdict.Outcome.INCONCLUSIVE, reason, null, null, false, null);
    }

    private Ending judged(RunningProbe r, ProbeProcess.Outcome out) throws IOException, SQLException {
        Scenario s = r.scenario();
        JsonNode summary = out.summary().get();
        // the server's answer to a rejected request is untrusted: extracted and masked before anything reads it
        RejectionText.clean(summary, UntrustedText.of(poolSecrets.apply(s.pool()), s.prompts()));
        ProbeSummary sum = ProbeSummary.from(summary);
        ProbeState state = "cancelled".equals(sum.aborted()) || r.cancelled().get()
                ? ProbeState.CANCELLED : ProbeState.DONE;
        Baseline base = baseline(s.id());
        Verdict v = Verdicts.judge(s, sum, base.summary(), base.id());
        if (base.unreadable()) {
            LOG.warnf("load probe %s: baseline %s of scenario %s cannot be read (%s); not compared with it",
                    r.id(), base.id(), s.id(), base.problem());
            v = Verdicts.withUnreadableBaseline(v, base.id(), base.problem());
        }
        if (r.targetRate() != null && summary instanceof ObjectNode o) {
            // the runner reports what it achieved; what was asked of it is the plan's, kept beside it
            o.put("targetRate", r.targetRate());
        }
        String summaryJson = json.writeValueAsString(summary);
        String verdictJson = json.writeValueAsString(v);
        // the first accepted (passing, complete) run of a scenario becomes its baseline; an unreadable one stays
        // until someone promotes another run
        boolean baseline = !base.exists() && v.outcome() == Verdict.Outcome.PASS && state == ProbeState.DONE;
        byte[] report = out.reportDir().map(ReportArchive::zip).orElse(null);
        metrics.finished(s, sum, v.outcome().id());
        return new Ending(state, v.outcome(), v.reason(), summaryJson, verdictJson, baseline, report);
    }

    /** The scenario's stored baseline, read; one whose summary is missing or not a JSON object is unreadable. */
    Baseline baseline(String scenario) throws SQLException {
        Optional<StoredProbe> stored = store.baseline(scenario);
        if (stored.isEmpty()) {
            return Baseline.NONE;
        }
        String id = stored.get().id();
        String text = stored.get().summaryJson();
        if (text == null) {
            return new Baseline(id, null, "it has no stored summary");
        }
        try {
            JsonNode node = json.readTree(text);
            if (node == null || !node.isObject()) {
                return new Baseline(id, null, "its stored summary is not a JSON object");
            }
            return new Baseline(id, ProbeSummary.from(node), null);
        } catch (IOException | RuntimeException e) {
            // the parser's message quotes the stored text: the class alone
            return new Baseline(id, null, "its stored summary is not valid JSON: " + e.getClass().getSimpleName());
        }
    }
}
