package dev.llmcanary.loadprobe;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import dev.llmcanary.loadprobe.scenario.Scenario;
import dev.llmcanary.simulator.SimProfile;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The off-peak scheduler with an injected clock, end to end with the real runner (a child JVM) against the
 * simulator: a stairs scenario (rates 2, 4, 6 for 2 s each) is started once inside its window, not before it, not
 * when the run could not end before the window closes, and its result carries the per-step figures and the knee.
 */
class LoadProbesOffPeakIT {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    /** 02:00 in Berlin (CET in March: 01:00 UTC), open for 30 minutes. */
    private static final Scenario.OffPeak WINDOW = new Scenario.OffPeak("0 2 * * *", UNIX.parse("0 2 * * *").validate(),
            ZoneId.of("Europe/Berlin"), Duration.ofMinutes(30));
    private static final Instant OPENS = Instant.parse("2026-03-02T01:00:00Z");

    private static Vertx vertx;
    private static String url;

    @TempDir
    Path work;

    @BeforeAll
    static void startSimulator() throws Exception {
        vertx = Vertx.vertx();
        SimulatorConfig config = new SimulatorConfig("127.0.0.1", 0, null,
                Map.of("sim-openai", SimProfile.parse("ttft_ms=20;itl_ms=2;tokens=8")), 1000);
        int port = new SimulatorServer(vertx, config).start().toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        url = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    /** Stairs 2 → 6 streams/s in steps of 2, 2 s each: 6 s planned. */
    private static Scenario stairs() {
        return new Scenario("offpeak-stairs", "scenarios/offpeak-stairs.yaml", null, "sim", "sim-openai",
                Scenario.Api.CHAT, List.of(new Scenario.PromptShare("<=1k", 1)), new Scenario.MaxTokens(8, 8),
                new Scenario.Arrival(Scenario.Arrival.Kind.STAIRS, 0, 2, 6, 2, 3, Duration.ofSeconds(2), false), null,
                new Scenario.Assertions(1.0, null, 2.0, 5.0, null), WINDOW, Scenario.AbortGuards.DEFAULT,
                new Scenario.Tolerances(50, 30, 30, 1, 0, 5));
    }

    private LoadProbesHarness harness(Instant now) {
        return new LoadProbesHarness(now, url, List.of(stairs()), work, Map.of(), null);
    }

    private static List<String> probes(LoadProbesHarness h) throws SQLException {
        try (Connection c = h.db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT probe_id FROM load_probes ORDER BY started_at");
             ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    @Test
    void notStartedBeforeTheWindowNorWhenTheRunCouldNotEndBeforeItCloses() throws Exception {
        LoadProbesHarness h = harness(OPENS.minusSeconds(60));
        h.probes.offPeak();
        assertThat(probes(h)).as("before the window").isEmpty();

        // 6 s planned, 5 s left
        h.clock.set(OPENS.plus(Duration.ofMinutes(30)).minusSeconds(5));
        h.probes.offPeak();
        assertThat(probes(h)).as("too late in the window").isEmpty();
        assertThat(h.probes.activeOn("sim")).isFalse();
    }

    @Test
    void startedOnceInsideTheWindowAndTheStairsKneeIsInTheResult() throws Exception {
        LoadProbesHarness h = harness(OPENS.plus(Duration.ofMinutes(10)));

        h.probes.offPeak();

        assertThat(h.probes.activeOn("sim")).isTrue();
        List<String> ids = probes(h);
        assertThat(ids).hasSize(1);
        String id = ids.get(0);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> !"running".equals(h.probes.find(id).orElseThrow().state()));
        ProbeView done = h.probes.find(id).orElseThrow();
        assertThat(done.trigger()).isEqualTo("off_peak");
        assertThat(done.state()).isEqualTo("done");
        assertThat(done.verdict()).as(done.reason()).isEqualTo("pass");
        var steps = done.summary().path("steps");
        assertThat(steps.size()).isEqualTo(3);
        List<Double> rates = new ArrayList<>();
        steps.forEach(s -> rates.add(s.path("rate").asDouble()));
        assertThat(rates).containsExactly(2.0, 4.0, 6.0);
        // about rate × 2 s streams per step (open model, uniform arrivals); a starved child JVM moves a stream or two
        // across a step boundary, never a step's worth
        assertThat(steps.get(0).path("count").asInt()).isBetween(2, 6);
        assertThat(steps.get(2).path("count").asInt()).isBetween(9, 15);
        assertThat(done.verdictDetail().path("knee").asDouble()).as("every step held the SLO: the top one")
                .isEqualTo(6.0);

        // later in the same window, the pool idle again: not started a second time
        h.clock.set(OPENS.plus(Duration.ofMinutes(20)));
        h.probes.offPeak();
        assertThat(probes(h)).containsExactly(id);
        assertThat(h.probes.activeOn("sim")).isFalse();
    }
}
