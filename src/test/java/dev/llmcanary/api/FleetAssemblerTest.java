package dev.llmcanary.api;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.config.GuardrailFactory;
import dev.llmcanary.loader.ConfigLoader;
import dev.llmcanary.store.SloCount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The fleet grid's rules over the shipped configuration: which state a cell shows, held-back endpoints, compliance. */
class FleetAssemblerTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String POOL = "sim-h100";
    private static final String MODEL = "sim-openai";

    /** Lookups keyed by canary id on sim-h100/sim-openai. */
    private static final class FakeState implements FleetAssembler.State {
        final Map<String, RunSummary> runs = new HashMap<>();
        final Map<String, FleetView.Skip> skips = new HashMap<>();
        FleetView.Circuit circuit;

        @Override
        public Optional<RunSummary> lastRun(Target t) {
            return on(t) ? Optional.ofNullable(runs.get(t.canary().id())) : Optional.empty();
        }

        @Override
        public Optional<FleetView.Skip> lastSkip(Target t) {
            return on(t) ? Optional.ofNullable(skips.get(t.canary().id())) : Optional.empty();
        }

        @Override
        public FleetView.Circuit heldBack(String pool, String endpoint) {
            return POOL.equals(pool) ? circuit : null;
        }

        private static boolean on(Target t) {
            return t.pool().name().equals(POOL) && t.model().equals(MODEL);
        }
    }

    private static Catalog shipped() throws Exception {
        var result = new ConfigLoader(k -> Optional.of("http://127.0.0.1:8089"), GuardrailFactory.standard())
                .load(java.nio.file.Path.of("canaries"), null, null);
        assertThat(result.errors()).isEmpty();
        return result.catalog();
    }

    private static RunSummary run(String canary, String outcome, String reason, int secondsAgo) {
        return new RunSummary("r-" + canary + secondsAgo, canary, POOL, "sim-0", MODEL, NOW.minusSeconds(secondsAgo),
                outcome, reason, 0.2, 1.0, 40.0, "t", "schedule");
    }

    private static FleetView.Cell interactive(FleetView v) {
        return v.cells().stream().filter(c -> c.pool().equals(POOL) && c.model().equals(MODEL)
                && c.sloClass().equals("interactive")).findFirst().orElseThrow();
    }

    static Stream<Arguments> states() {
        return Stream.of(
                arguments("nothing ran: none", Map.of(), Map.of(), "none", null),
                arguments("all pass: pass", Map.of("chat-interactive", run("chat-interactive", "pass", null, 5),
                        "count-ordered", run("count-ordered", "pass", null, 9)), Map.of(), "pass", null),
                arguments("one fails among passes: the failure shows", Map.of(
                        "chat-interactive", run("chat-interactive", "pass", null, 1),
                        "count-ordered", run("count-ordered", "fail", "stall", 30)), Map.of(), "fail", "stall"),
                arguments("error outranks fail", Map.of(
                        "chat-interactive", run("chat-interactive", "error", "connection_refused", 10),
                        "count-ordered", run("count-ordered", "fail", "stall", 5)), Map.of(), "error",
                        "connection_refused"),
                arguments("skip after the last run: skipped with its reason",
                        Map.of("chat-interactive", run("chat-interactive", "pass", null, 60)),
                        Map.of("chat-interactive", new FleetView.Skip("circuit_open", NOW.minusSeconds(5))),
                        "skipped", "circuit_open"),
                arguments("skip before the last run no longer counts",
                        Map.of("chat-interactive", run("chat-interactive", "pass", null, 5)),
                        Map.of("chat-interactive", new FleetView.Skip("quiet_window", NOW.minusSeconds(60))),
                        "pass", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("states")
    void cellShowsTheWorstCurrentState(String name, Map<String, RunSummary> runs, Map<String, FleetView.Skip> skips,
                                       String status, String reason) throws Exception {
        FakeState state = new FakeState();
        state.runs.putAll(runs);
        state.skips.putAll(skips);
        FleetView.Cell cell = interactive(FleetAssembler.assemble(shipped(), state, List.of(), NOW));
        assertThat(cell.status()).isEqualTo(status);
        assertThat(cell.reason()).isEqualTo(reason);
        assertThat(cell.targets()).extracting(FleetView.TargetState::canary).contains("chat-interactive");
    }

    @Test
    void heldBackEndpointsAndComplianceAreOnTheCell() throws Exception {
        FakeState state = new FakeState();
        state.circuit = new FleetView.Circuit("sim-0", "open", null);
        FleetView v = FleetAssembler.assemble(shipped(), state,
                List.of(new SloCount(POOL, MODEL, "interactive", 200, 198)), NOW);
        FleetView.Cell cell = interactive(v);
        assertThat(cell.circuits()).containsExactly(new FleetView.Circuit("sim-0", "open", null));
        assertThat(cell.compliance()).isEqualTo(new FleetView.Compliance("24h", 200, 198, 0.99, 0.995));
        assertThat(v.storeAvailable()).isTrue();
        assertThat(v.classes()).extracting(FleetView.ClassView::name)
                .containsExactly("interactive", "streaming", "batch");
    }

    @Test
    void withoutTheStoreThereIsNoCompliance() throws Exception {
        FleetView v = FleetAssembler.assemble(shipped(), new FakeState(), null, NOW);
        assertThat(v.storeAvailable()).isFalse();
        assertThat(v.cells()).allSatisfy(c -> assertThat(c.compliance()).isNull());
    }

    @Test
    void theNewerOfTwoRunsWins() {
        Optional<RunSummary> older = Optional.of(run("a", "fail", "x", 60));
        Optional<RunSummary> newer = Optional.of(run("a", "pass", null, 1));
        assertThat(FleetAssembler.newer(older, newer)).isEqualTo(newer);
        assertThat(FleetAssembler.newer(newer, older)).isEqualTo(newer);
        assertThat(FleetAssembler.newer(Optional.empty(), older)).isEqualTo(older);
    }
}
