package dev.llmcanary.api;

import dev.llmcanary.telemetry.SpanNames;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The trace structure of a deployment gate: one {@code llm_canary.gate} span (child of the request that started it)
 * with the baseline, verdict and criteria; every run the root of its own trace, linked to the gate and linked back
 * from it — the first batch (started on the request thread) as much as every later one.
 */
@QuarkusTest
@TestProfile(GateProfile.class)
class GateTraceTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aGateOf20RunsWithConcurrency4IsOneGateSpanAnd20LinkedRunTraces() {
        spans.reset();
        // quick: 10 repetitions x (candidate gate-a + live baseline gate-b) = 20 runs, concurrency 4.
        String id = GateApiTest.post(GateApiTest.body("quick", "gate-a", "{\"pool\":\"gate-b\"}"), "?wait=60")
                .then().statusCode(200).extract().path("id");

        SpanData gate = awaitGate(id);
        List<SpanData> runs = await().atMost(Duration.ofSeconds(30)).until(() -> runsOf(gate), r -> r.size() == 20);
        System.out.println(tree(gate, runs));

        assertThat(gate.getAttributes().get(SpanNames.GATE_SUITE)).isEqualTo("quick");
        assertThat(gate.getAttributes().get(SpanNames.GATE_BASELINE_KIND)).isEqualTo("pool");
        assertThat(gate.getAttributes().get(SpanNames.GATE_BASELINE_REF)).isEqualTo("gate-b");
        assertThat(gate.getAttributes().get(SpanNames.GATE_PLANNED_RUNS)).isEqualTo(20L);
        assertThat(gate.getAttributes().get(SpanNames.GATE_VERDICT)).isEqualTo("pass");
        assertThat(gate.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(gate.getAttributes().get(SpanNames.ERROR_TYPE)).isNull();
        assertThat(gate.getEvents()).extracting(EventData::getName).containsOnly(SpanNames.EVENT_GATE_CRITERION);
        assertThat(gate.getEvents()).extracting(e -> e.getAttributes().get(SpanNames.GATE_CRITERION))
                .contains("ttft", "stalls");
        assertThat(gate.getInstrumentationScopeInfo().getName()).isEqualTo(SpanNames.SCOPE);
        // The gate belongs to the request that started it.
        assertThat(gate.getParentSpanContext().isValid()).isTrue();
        SpanData request = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getSpanId().equals(gate.getParentSpanId())).findFirst().orElseThrow();
        assertThat(request.getName()).contains("/api/gates");

        // Every run: its own trace, a root, linked to the gate; none in the gate's or the request's trace.
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.getParentSpanContext().isValid()).as("run %s has no parent", r.getName()).isFalse();
            assertThat(r.getTraceId()).isNotEqualTo(gate.getTraceId());
            assertThat(r.getLinks()).extracting(LinkData::getSpanContext).containsExactly(gate.getSpanContext());
            assertThat(r.getAttributes().get(SpanNames.TRIGGER)).isEqualTo("gate");
        });
        assertThat(runs).extracting(SpanData::getTraceId).doesNotHaveDuplicates();
        assertThat(runs).extracting(r -> r.getAttributes().get(SpanNames.POOL)).containsOnly("gate-a", "gate-b");
        // ... and the gate links back to each of them, with its run id.
        Set<SpanContext> linkedFromGate = gate.getLinks().stream().map(LinkData::getSpanContext)
                .collect(Collectors.toSet());
        assertThat(linkedFromGate).containsExactlyInAnyOrderElementsOf(
                runs.stream().map(SpanData::getSpanContext).toList());
        Map<String, String> runIdBySpan = runs.stream().collect(Collectors.toMap(SpanData::getSpanId,
                r -> r.getAttributes().get(SpanNames.RUN_ID)));
        assertThat(gate.getLinks()).allSatisfy(l -> assertThat(l.getAttributes().get(SpanNames.RUN_ID))
                .isEqualTo(runIdBySpan.get(l.getSpanContext().getSpanId())));
    }

    static Stream<Arguments> notPassing() {
        return Stream.of(
                arguments("failing gate (every guardrail fails)", "broken", "fail"),
                arguments("inconclusive gate (too few samples)", "few", "inconclusive"));
    }

    @ParameterizedTest(name = "{0}: gate span status ERROR with error.type {2}")
    @MethodSource("notPassing")
    void aGateThatDoesNotPassIsAnErrorSpanWithTheVerdictAsErrorType(String name, String suite, String verdict) {
        String id = GateApiTest.post(GateApiTest.body(suite, "gate-a", null), "?wait=60&failStatus=200")
                .then().statusCode(200).extract().path("id");

        SpanData gate = awaitGate(id);
        assertThat(gate.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(gate.getStatus().getDescription()).isNotBlank();
        assertThat(gate.getAttributes().get(SpanNames.ERROR_TYPE)).isEqualTo(verdict);
        assertThat(gate.getAttributes().get(SpanNames.GATE_VERDICT)).isEqualTo(verdict);
        assertThat(gate.getAttributes().get(SpanNames.GATE_BASELINE_KIND)).isEqualTo("none");
        assertThat(gate.getEvents()).isNotEmpty();
    }

    private SpanData awaitGate(String id) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(SpanNames.SPAN_GATE))
                .filter(s -> id.equals(s.getAttributes().get(SpanNames.GATE_ID))).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
    }

    /** The run spans linked to {@code gate} or linked from it (a run missing either way still counts here). */
    private List<SpanData> runsOf(SpanData gate) {
        Set<String> fromGate = gate.getLinks().stream().map(l -> l.getSpanContext().getSpanId())
                .collect(Collectors.toSet());
        return spans.getFinishedSpanItems().stream()
                .filter(s -> "gate".equals(s.getAttributes().get(SpanNames.TRIGGER)))
                .filter(s -> fromGate.contains(s.getSpanId()) || s.getLinks().stream()
                        .anyMatch(l -> l.getSpanContext().equals(gate.getSpanContext()))
                        || s.getTraceId().equals(gate.getTraceId()))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    }

    /** The gate's trace and the run traces linked from it, as a tree, for the closing note. */
    private String tree(SpanData gate, List<SpanData> runs) {
        Function<String, String> shortId = t -> t.substring(0, 8);
        StringBuilder b = new StringBuilder("trace ").append(shortId.apply(gate.getTraceId())).append('\n');
        spans.getFinishedSpanItems().stream().filter(s -> s.getSpanId().equals(gate.getParentSpanId()))
                .forEach(s -> b.append("└─ ").append(s.getName()).append(" [SERVER]\n"));
        b.append("   └─ ").append(gate.getName()).append(" span=").append(gate.getSpanId()).append(" verdict=")
                .append(gate.getAttributes().get(SpanNames.GATE_VERDICT)).append(" baseline=")
                .append(gate.getAttributes().get(SpanNames.GATE_BASELINE_KIND)).append(':')
                .append(gate.getAttributes().get(SpanNames.GATE_BASELINE_REF)).append(" status=")
                .append(gate.getStatus().getStatusCode()).append(" links=").append(gate.getLinks().size())
                .append('\n');
        gate.getEvents().forEach(e -> b.append("        • ").append(e.getName()).append(' ')
                .append(e.getAttributes().get(SpanNames.GATE_CRITERION)).append('=')
                .append(e.getAttributes().get(SpanNames.GATE_VERDICT)).append('\n'));
        for (SpanData r : runs) {
            b.append("trace ").append(shortId.apply(r.getTraceId())).append(" (linked ⇄ gate)\n└─ ")
                    .append(r.getName()).append(" [CLIENT] pool=").append(r.getAttributes().get(SpanNames.POOL))
                    .append(" outcome=").append(r.getAttributes().get(SpanNames.OUTCOME))
                    .append(r.getAttributes().get(SpanNames.ERROR_TYPE) == null ? ""
                            : " error.type=" + r.getAttributes().get(SpanNames.ERROR_TYPE))
                    .append(" parent=").append(r.getParentSpanContext().isValid() ? r.getParentSpanId() : "none")
                    .append(" link→").append(r.getLinks().stream().map(l -> l.getSpanContext().getSpanId())
                            .collect(Collectors.joining(","))).append('\n');
        }
        return b.toString();
    }
}
