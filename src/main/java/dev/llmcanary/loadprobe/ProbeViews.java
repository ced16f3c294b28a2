package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * A probe as the API shows it: a running one from its process's progress or its Job's pods, a stored one from its
 * row.
 */
final class ProbeViews {

    private final ObjectMapper json;
    private final Clock clock;

    ProbeViews(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    ProbeView of(RunningProbe r) {
        String running = ProbeState.RUNNING.id();
        if (r.job() != null) {
            double elapsed = Duration.between(r.startedAt(), clock.instant()).toMillis() / 1000.0;
            return new ProbeView(r.id(), r.scenario().id(), r.pool(), running, r.trigger(), r.startedAt(),
                    null, new ProbeView.Progress(Math.min(elapsed, r.totalSeconds()), r.totalSeconds(), 0, 0, 0), null,
                    "indexed Job " + KubernetesProbeJobs.name(r.id()) + " in " + r.job().namespace() + ": "
                            + r.job().pods().get(), false, null, null, null);
        }
        ProbeProcess.Progress p = r.process().progress();
        return new ProbeView(r.id(), r.scenario().id(), r.pool(), running, r.trigger(), r.startedAt(), null,
                new ProbeView.Progress(p.elapsedSeconds(), r.totalSeconds(), p.rate(), p.requests(), p.errors()),
                null, r.cancelled().get() ? "cancelling" : null, false, null, null, null);
    }

    ProbeView of(StoredProbe p) {
        JsonNode summary = read(p.summaryJson());
        ProbeView.Progress progress = null;
        if (summary != null) {
            ProbeSummary s = ProbeSummary.from(summary);
            progress = new ProbeView.Progress(s.elapsedSeconds(), summary.path("plannedSeconds").asDouble(),
                    s.achievedRate(), s.count(), s.errorCount());
        }
        return new ProbeView(p.id(), p.scenario(), p.pool(), p.state(), p.trigger(), p.startedAt(), p.endedAt(),
                progress, p.verdict(), p.reason(), p.baseline(), summary, read(p.verdictJson()),
                p.hasReport() ? "/api/load-probes/" + p.id() + "/report/" : null);
    }

    private JsonNode read(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
