package dev.llmcanary.api;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.consistency.Consistency;
import dev.llmcanary.consistency.Standing;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.testing.Canaries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The fleet grid's consistency and identity marks: each target carries its endpoint's standing among the pool's
 * replicas and its last identity change; a cell flags the worst standing, its divergent endpoints and the newest
 * change.
 */
class FleetConsistencyTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final String POOL = "replicas";
    private static final String MODEL = "sim-openai";
    private static final Consistency PREFIX = new Consistency(Consistency.Mode.PREFIX, 16, 0, null);
    private static final String DIVERGES = "endpoint e3 diverges from the majority e1, e2 (2 of 3 endpoints) from"
            + " token 1 (prefix mode, first 16 tokens; fingerprint 9c1f0e2ab4d7a311 vs 0b4e7a7d19c2f655)";

    private static Catalog catalog(CanaryDefinition... canaries) {
        Pool pool = new Pool(POOL, "h100", Flavor.OPENAI_CHAT, List.of(endpoint("e1"), endpoint("e2"),
                endpoint("e3")), List.of(MODEL), null, RequireDone.AUTO, Cumulative.AUTO, Map.of(), null);
        return new Catalog(Map.of("streaming", new SloClass("streaming", new Thresholds(null, null, null, 5, 20, 30),
                0.99, 0.95)), List.of(pool), List.of(canaries), NOW);
    }

    private static Endpoint endpoint(String name) {
        return new Endpoint(name, URI.create("http://127.0.0.1:1"));
    }

    private static CanaryDefinition compared() {
        return Canaries.canary("replicas-agree").consistency(PREFIX).build(Api.CHAT);
    }

    /** Standings and identity changes by endpoint. */
    private static final class Replicas implements FleetAssembler.State {
        final Map<String, FleetView.Consistency> standings = new HashMap<>();
        final Map<String, FleetView.IdentityChange> changes = new HashMap<>();

        @Override
        public Optional<RunSummary> lastRun(Target t) {
            return Optional.empty();
        }

        @Override
        public Optional<FleetView.Skip> lastSkip(Target t) {
            return Optional.empty();
        }

        @Override
        public FleetView.Circuit heldBack(String pool, String endpoint) {
            return null;
        }

        @Override
        public Optional<FleetView.Consistency> standing(Target t) {
            return Optional.ofNullable(standings.get(t.endpoint().name()));
        }

        @Override
        public Optional<FleetView.IdentityChange> identityChange(Target t) {
            return Optional.ofNullable(changes.get(t.endpoint().name()));
        }
    }

    private static FleetView.Consistency state(Standing.State s, String reason) {
        return FleetResource.consistency(new Standing(s, reason, NOW));
    }

    static Stream<Arguments> standings() {
        FleetView.Consistency agrees = state(Standing.State.AGREES, null);
        FleetView.Consistency unknown = state(Standing.State.UNKNOWN, "no majority among the 4 answers within the"
                + " window");
        FleetView.Consistency diverges = state(Standing.State.DIVERGES, DIVERGES);
        return Stream.of(
                arguments("all agree", Map.of("e1", agrees, "e2", agrees, "e3", agrees), agrees, List.of()),
                arguments("a drifting replica flags the cell", Map.of("e1", agrees, "e2", agrees, "e3", diverges),
                        diverges, List.of("e3")),
                arguments("unknown outranks agrees", Map.of("e1", agrees, "e2", unknown, "e3", agrees), unknown,
                        List.of()),
                arguments("an endpoint not compared yet is unknown", Map.of("e1", agrees, "e2", agrees),
                        new FleetView.Consistency("unknown", FleetAssembler.NOT_COMPARED, null), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("standings")
    void theCellFlagsTheWorstStandingAndItsDivergentEndpoints(String name,
                                                              Map<String, FleetView.Consistency> standings,
                                                              FleetView.Consistency worst, List<String> divergent) {
        Replicas state = new Replicas();
        state.standings.putAll(standings);

        FleetView.Cell cell = FleetAssembler.assemble(catalog(compared()), state, List.of(), NOW).cells().get(0);

        assertThat(cell.consistency()).isEqualTo(worst);
        assertThat(cell.divergent()).isEqualTo(divergent);
        assertThat(cell.targets()).extracting(FleetView.TargetState::endpoint).containsExactly("e1", "e2", "e3");
        cell.targets().forEach(t -> assertThat(t.consistency()).isEqualTo(standings.getOrDefault(t.endpoint(),
                new FleetView.Consistency("unknown", FleetAssembler.NOT_COMPARED, null))));
    }

    @Test
    void aCanaryThatComparesNothingHasNoConsistency() {
        Replicas state = new Replicas();
        state.standings.put("e1", state(Standing.State.DIVERGES, DIVERGES));

        FleetView.Cell cell = FleetAssembler.assemble(catalog(Canaries.canary("plain").build(Api.CHAT)), state,
                List.of(), NOW).cells().get(0);

        assertThat(cell.consistency()).isNull();
        assertThat(cell.divergent()).isEmpty();
        assertThat(cell.targets()).allSatisfy(t -> assertThat(t.consistency()).isNull());
    }

    @Test
    void theCellShowsTheNewestIdentityChangeOfItsEndpoints() {
        Replicas state = new Replicas();
        FleetView.IdentityChange older = new FleetView.IdentityChange("e1", NOW.minusSeconds(3600),
                "fingerprint", "fp_a", "fp_b");
        FleetView.IdentityChange newer = new FleetView.IdentityChange("e2", NOW.minusSeconds(720),
                "fingerprint", "fp_a", "fp_c");
        state.changes.put("e1", older);
        state.changes.put("e2", newer);

        FleetView.Cell cell = FleetAssembler.assemble(catalog(Canaries.canary("plain").build(Api.CHAT)), state,
                List.of(), NOW).cells().get(0);

        assertThat(cell.identityChange()).isEqualTo(newer);
        assertThat(cell.targets()).extracting(FleetView.TargetState::identityChange)
                .containsExactly(older, newer, null);
    }

    @Test
    void aFleetWithoutChangesShowsNone() {
        FleetView.Cell cell = FleetAssembler.assemble(catalog(compared()), new Replicas(), List.of(), NOW).cells()
                .get(0);

        assertThat(cell.identityChange()).isNull();
    }
}
