package dev.llmcanary.gate.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.canary.run.TokenCounts;
import dev.llmcanary.store.Database;
import dev.llmcanary.store.Retention;
import dev.llmcanary.store.RunStore;
import dev.llmcanary.store.StoreExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate store on each supported database (H2 and PostgreSQL subclasses). */
abstract class GateStoreContract {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final ObjectMapper JSON = dev.llmcanary.store.Runs.JSON;

    @RegisterExtension
    final StoreExtension testDatabase;
    GateStore gates;
    RunStore runs;

    GateStoreContract(StoreExtension testDatabase) {
        this.testDatabase = testDatabase;
    }

    @BeforeEach
    void setUp() {
        Database db = testDatabase.database();
        gates = new GateStore(db, JSON);
        runs = new RunStore(db, JSON, new Retention(Duration.ofDays(14), Duration.ofDays(60)), 10,
                new SimpleMeterRegistry());
    }

    static GateRow running(String id, String key, String owner, Instant heartbeat) {
        return new GateRow(id, "default", "cand", "pool", "base", GateRow.RUNNING, null, key, owner, NOW, heartbeat,
                null, 40, 0, "{\"suite\":\"default\"}", null);
    }

    static RunResult run(String pool, String canary, Instant at) {
        return new RunResult(UUID.randomUUID().toString(), canary, pool, "e0", "m", "interactive", "openai-chat", at,
                Outcome.PASS, null, null, 200, null, new TokenCounts(3, false, 3, null, "small"), "stop", "stop",
                null, List.of(), List.of(), List.of(), "trace-" + canary, null, 0, 0, null, null);
    }

    @Test
    void insertsReadsAndFinishesAGateWithItsRunLinks() throws SQLException {
        assertThat(gates.insert(running("g1", "k1", "me", NOW))).isTrue();
        assertThat(gates.get("g1")).get().extracting(GateRow::state, GateRow::runsPlanned).containsExactly("running", 40);

        gates.heartbeat("g1", 7, NOW.plusSeconds(5));
        assertThat(gates.get("g1").orElseThrow().runsDone()).isEqualTo(7);

        boolean finished = gates.finish("g1", "pass", "{\"outcome\":\"pass\"}", 2,
                List.of(new GateRunLink(0, "candidate", "r1", "t1", "pass"),
                        new GateRunLink(1, "baseline", "r2", "t2", "pass")), NOW.plusSeconds(10));
        assertThat(finished).isTrue();
        GateRow g = gates.get("g1").orElseThrow();
        assertThat(g.state()).isEqualTo("finished");
        assertThat(g.outcome()).isEqualTo("pass");
        assertThat(g.verdictJson()).isEqualTo("{\"outcome\":\"pass\"}");
        assertThat(g.finishedAt()).isEqualTo(NOW.plusSeconds(10));
        assertThat(gates.links("g1")).extracting(GateRunLink::runId).containsExactly("r1", "r2");
        // finishing twice changes nothing
        assertThat(gates.finish("g1", "fail", "{}", 0, List.of(), NOW)).isFalse();
        assertThat(gates.get("g1").orElseThrow().outcome()).isEqualTo("pass");
    }

    @Test
    void theSameIdempotencyKeyFindsTheExistingGate() throws SQLException {
        assertThat(gates.insert(running("g1", "same", "me", NOW))).isTrue();
        assertThat(gates.insert(running("g2", "same", "me", NOW))).isFalse();
        assertThat(gates.byKey("same")).get().extracting(GateRow::gateId).isEqualTo("g1");
        // gates without a key do not collide
        assertThat(gates.insert(running("g3", null, "me", NOW))).isTrue();
        assertThat(gates.insert(running("g4", null, "me", NOW))).isTrue();
    }

    @Test
    void gatesLeftRunningByAGoneProcessAreFinishedAsInconclusive() throws SQLException {
        gates.insert(running("old", null, "previous-process", NOW.minusSeconds(600)));
        gates.insert(running("fresh", null, "other-replica", NOW.minusSeconds(5)));
        gates.insert(running("mine", null, "me", NOW.minusSeconds(600)));

        List<String> recovered = gates.recover("me", NOW.minusSeconds(60), "inconclusive",
                "{\"reason\":\"service restarted\"}", NOW);

        assertThat(recovered).containsExactly("old");
        assertThat(gates.get("old").orElseThrow().outcome()).isEqualTo("inconclusive");
        assertThat(gates.get("fresh").orElseThrow().running()).isTrue();
        assertThat(gates.get("mine").orElseThrow().running()).isTrue();
    }

    @Test
    void readsAPoolsWindowAndNamedRuns() throws SQLException {
        RunResult inside = run("cand", "chat", NOW.minusSeconds(60));
        RunResult otherCanary = run("cand", "other", NOW.minusSeconds(60));
        RunResult tooOld = run("cand", "chat", NOW.minusSeconds(900));
        RunResult otherPool = run("base", "chat", NOW.minusSeconds(60));
        List.of(inside, otherCanary, tooOld, otherPool).forEach(runs::accept);

        assertThat(gates.window("cand", List.of("chat"), NOW.minusSeconds(600), NOW, 100))
                .extracting(RunResult::runId).containsExactly(inside.runId());
        assertThat(gates.window("cand", List.of(), NOW.minusSeconds(600), NOW, 100)).hasSize(2);
        assertThat(gates.results(List.of(otherPool.runId(), "missing", inside.runId())))
                .extracting(RunResult::runId).containsExactly(otherPool.runId(), inside.runId());
    }

    @Test
    void aPoolsWindowLeavesOutOtherGatesRuns() throws SQLException {
        RunResult scheduled = run("cand", "chat", NOW.minusSeconds(60));
        RunResult onDemand = run("cand", "chat", NOW.minusSeconds(70)).withTrigger(Trigger.API);
        RunResult earlierGate = run("cand", "chat", NOW.minusSeconds(80)).withTrigger(Trigger.GATE);
        List.of(scheduled, onDemand, earlierGate).forEach(runs::accept);

        assertThat(gates.window("cand", List.of("chat"), NOW.minusSeconds(600), NOW, 100))
                .extracting(RunResult::runId).containsExactly(scheduled.runId(), onDemand.runId());
        // a gate baseline still names its runs
        assertThat(gates.results(List.of(earlierGate.runId()))).extracting(RunResult::trigger)
                .containsExactly(Trigger.GATE);
    }

    @Test
    void purgeKeepsFailuresLongerThanPasses() throws SQLException {
        gates.insert(running("passed", null, "me", NOW));
        gates.finish("passed", "pass", "{}", 0, List.of(new GateRunLink(0, "candidate", "r", null, "pass")), NOW);
        gates.insert(running("failed", null, "me", NOW));
        gates.finish("failed", "fail", "{}", 0, List.of(), NOW);

        Retention r = new Retention(Duration.ofDays(14), Duration.ofDays(60));
        assertThat(gates.purge(NOW.plus(Duration.ofDays(20)), r)).isEqualTo(1);
        assertThat(gates.get("passed")).isEmpty();
        assertThat(gates.links("passed")).isEmpty();
        assertThat(gates.get("failed")).isPresent();
        assertThat(gates.purge(NOW.plus(Duration.ofDays(61)), r)).isEqualTo(1);
    }
}
