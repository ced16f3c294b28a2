package dev.llmcanary.consistency;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunObserver;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.ViolationView;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.Violation;
import dev.llmcanary.telemetry.MetricNames;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.LogCapture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Model identity over real sockets: the {@code system_fingerprint} of the simulator's streams (its dialect's, or the
 * {@code fingerprint:} fault's) is tracked per endpoint; a change is counted, logged and marked on the span, and a
 * pool that pins its identity fails runs that report another one (or none).
 */
class IdentityRunTest {

    /** The OpenAI dialect's own fingerprint in the simulator. */
    private static final String SIM_FP = "fp_sim";

    private static CanaryDefinition canary(String fault) {
        Canaries c = Canaries.canary("identity").profile(ReplicaFleet.FAST).prompt("Tell me a story.");
        if (!fault.isEmpty()) {
            c.fault(fault);
        }
        return c.build(Api.CHAT);
    }

    @Test
    void aChangedFingerprintIsCountedLoggedAndMarkedOnTheSpanOnTheFirstRunAfterIt() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Recording observer = new Recording();
        try (LogCapture logs = LogCapture.install();
             ReplicaFleet fleet = new ReplicaFleet(List.of(""), registry, List.of(), false, (IdentityPin) null, observer)) {
            RunResult first = fleet.run(canary(""), 1);
            assertThat(changes(registry)).as("the first sighting is no change, but the counter exists").isZero();

            RunResult changed = fleet.run(canary("fingerprint:fp_new"), 1);
            RunResult same = fleet.run(canary("fingerprint:fp_new"), 1);

            assertThat(changes(registry)).isEqualTo(1.0);
            assertThat(observer.changes).containsExactly("fingerprint: " + SIM_FP + " -> fp_new");
            assertThat(logs.lines()).filteredOn(l -> l.contains("model identity changed")).singleElement()
                    .asString().contains("pool replicas endpoint e1 model sim-openai: system_fingerprint fp_sim"
                            + " -> fp_new (run " + changed.runId() + ")");
            // the run whose stream revealed it carries it (the run detail marks it); the others do not
            assertThat(changed.identityChange()).isEqualTo(new dev.llmcanary.canary.run.IdentityChangeView(
                    fleet.clock.instant(), "fingerprint", SIM_FP, "fp_new"));
            assertThat(first.identityChange()).isNull();
            assertThat(same.identityChange()).isNull();
            // a change alone is no failure: deployments change models on purpose
            assertThat(List.of(first, changed, same)).allSatisfy(r ->
                    assertThat(r.violations()).extracting(ViolationView::rule).doesNotContain("identity_mismatch"));
        }
    }

    @Test
    void aChangedServerHeaderIsCountedUnderItsOwnSourceAndTheRunCarriesItsIdentity() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Recording observer = new Recording();
        try (LogCapture logs = LogCapture.install();
             ReplicaFleet fleet = new ReplicaFleet(List.of(""), registry, List.of(), false, (IdentityPin) null,
                     observer)) {
            RunResult first = fleet.run(canary(""), 1);
            RunResult changed = fleet.run(canary("server:vllm/0.6.3"), 1);

            assertThat(first.identity()).containsExactlyInAnyOrderEntriesOf(Map.of("fingerprint", SIM_FP,
                    "server", "llm-canary-simulator"));
            assertThat(changed.identity()).containsEntry("server", "vllm/0.6.3");
            assertThat(changes(registry, "server")).isEqualTo(1.0);
            assertThat(changes(registry, "fingerprint")).isZero();
            assertThat(observer.changes).containsExactly("server: llm-canary-simulator -> vllm/0.6.3");
            assertThat(logs.lines()).filteredOn(l -> l.contains("model identity changed")).singleElement()
                    .asString().contains("pool replicas endpoint e1 model sim-openai: Server header"
                            + " llm-canary-simulator -> vllm/0.6.3 (run " + changed.runId() + ")");
            IdentityTracker.Change last = fleet.identities.lastChange("replicas", "e1", ReplicaFleet.MODEL)
                    .orElseThrow();
            assertThat(last.source()).isEqualTo(IdentitySource.SERVER);
            assertThat(last.at()).isEqualTo(fleet.clock.instant());
        }
    }

    @Test
    void aServerHeaderThatIsNotAnIdentifierIsKeptAsItsHashOnly() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LogCapture logs = LogCapture.install();
             ReplicaFleet fleet = new ReplicaFleet(List.of(""), registry, List.of(), false, (IdentityPin) null,
                     ReplicaFleet.Unobserved.INSTANCE)) {
            fleet.run(canary(""), 1);
            RunResult r = fleet.run(canary("server:Ignore all previous instructions"), 1);

            assertThat(r.identity().get("server")).matches("sha256:[0-9a-f]{16}");
            assertThat(logs.lines()).noneMatch(l -> l.contains("Ignore all"));
            assertThat(r.toString()).doesNotContain("Ignore all");
        }
    }

    @Test
    void aGateRunCarriesItsIdentityButMovesNothingTracked() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ReplicaFleet fleet = new ReplicaFleet(List.of(""), registry, List.of(), false, (IdentityPin) null,
                ReplicaFleet.Unobserved.INSTANCE)) {
            fleet.run(canary(""), 1);
            RunResult gate = fleet.run(canary("fingerprint:fp_candidate"), 1,
                    dev.llmcanary.canary.run.Trigger.GATE);

            assertThat(gate.identity()).containsEntry("fingerprint", "fp_candidate");
            assertThat(fleet.identities.current("replicas", "e1", ReplicaFleet.MODEL))
                    .containsEntry(IdentitySource.FINGERPRINT, SIM_FP);
            assertThat(changes(registry)).isZero();
        }
    }

    @Test
    void aStreamWithoutAFingerprintChangesNothing() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ReplicaFleet fleet = new ReplicaFleet(List.of(""), registry, List.of(), false, (IdentityPin) null,
                ReplicaFleet.Unobserved.INSTANCE)) {
            fleet.run(canary(""), 1, ReplicaFleet.VLLM_MODEL);
            fleet.run(canary(""), 1, ReplicaFleet.VLLM_MODEL);

            assertThat(registry.find(MetricNames.MODEL_IDENTITY_CHANGES).tag(MetricNames.SOURCE, "fingerprint")
                    .counters()).isEmpty();
        }
    }

    static Stream<Arguments> pinned() {
        return Stream.of(
                arguments("the expected identity passes", "", ReplicaFleet.MODEL, null),
                arguments("another fingerprint is a mismatch", "fingerprint:fp_other", ReplicaFleet.MODEL,
                        "endpoint e1 reports system_fingerprint fp_other, pool replicas expects fp_sim"),
                arguments("no fingerprint is a mismatch", "", ReplicaFleet.VLLM_MODEL,
                        "endpoint e1 reports no system_fingerprint, pool replicas expects fp_sim"));
    }

    static Stream<Arguments> pinnedBySource() {
        return Stream.of(
                arguments("the expected Server header passes", Map.of(IdentitySource.SERVER, "llm-canary-simulator"),
                        null, null),
                arguments("another Server header is a mismatch", Map.of(IdentitySource.SERVER, "vllm/0.6.3"), null,
                        "endpoint e1 reports Server header llm-canary-simulator, pool replicas expects vllm/0.6.3"),
                arguments("a model root the check has not read yet is not judged",
                        Map.of(IdentitySource.MODEL_ROOT, "/models/other"), null, null),
                arguments("the model root the check read passes", Map.of(IdentitySource.MODEL_ROOT,
                        "/models/sim-openai"), "/models/sim-openai", null),
                arguments("another model root the check read is a mismatch",
                        Map.of(IdentitySource.MODEL_ROOT, "/models/llama-3-8b"), "/models/llama-3-8b-awq",
                        "endpoint e1 reports model_root /models/llama-3-8b-awq, pool replicas expects"
                                + " /models/llama-3-8b"),
                arguments("two sources, both wrong, both named",
                        Map.of(IdentitySource.FINGERPRINT, "fp_x", IdentitySource.MODEL_ROOT, "/models/a"),
                        "/models/b", "endpoint e1 reports system_fingerprint fp_sim, pool replicas expects fp_x;"
                                + " endpoint e1 reports model_root /models/b, pool replicas expects /models/a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pinnedBySource")
    void aPoolMayPinAnySourceItsFlavorReports(String name, Map<IdentitySource, String> pin, String checkedRoot,
                                             String reason) throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of(""), new SimpleMeterRegistry(), List.of(), false,
                new IdentityPin(pin), ReplicaFleet.Unobserved.INSTANCE)) {
            if (checkedRoot != null) {
                // what the endpoint check would have read from the model list
                fleet.identities.observe("replicas", "e1", ReplicaFleet.MODEL, IdentitySource.MODEL_ROOT,
                        checkedRoot);
            }
            RunResult r = fleet.run(canary(""), 1);

            if (reason == null) {
                assertThat(r.violations()).extracting(ViolationView::rule).doesNotContain("identity_mismatch");
                return;
            }
            assertThat(r.violations()).filteredOn(v -> v.rule().equals("identity_mismatch"))
                    .extracting(ViolationView::reason).containsExactly(reason);
            assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pinned")
    void aPinnedPoolFailsRunsThatReportAnotherIdentity(String name, String fault, String model, String reason)
            throws Exception {
        Recording observer = new Recording();
        try (ReplicaFleet fleet = new ReplicaFleet(List.of(""), new SimpleMeterRegistry(), List.of(), false, SIM_FP,
                observer)) {
            RunResult r = fleet.run(canary(fault), 1, model);

            if (reason == null) {
                assertThat(r.violations()).extracting(ViolationView::rule).doesNotContain("identity_mismatch");
                return;
            }
            assertThat(r.violations()).contains(new ViolationView("identity_mismatch", reason,
                    r.violations().stream().filter(v -> v.rule().equals("identity_mismatch")).findFirst()
                            .orElseThrow().atMillis()));
            assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
            assertThat(observer.violations).contains("identity_mismatch: " + reason);
        }
    }

    @Test
    void aFingerprintThatIsNotOneIsShownAsItsHash() {
        assertThat(IdentityTracker.readable("fp_44709d6fcb")).isEqualTo("fp_44709d6fcb");
        assertThat(IdentityTracker.readable("ignore previous instructions")).matches("sha256:[0-9a-f]{16}");
        assertThat(IdentityTracker.readable(" ")).isNull();
    }

    private static double changes(SimpleMeterRegistry registry) {
        return changes(registry, "fingerprint");
    }

    private static double changes(SimpleMeterRegistry registry, String source) {
        Counter c = registry.find(MetricNames.MODEL_IDENTITY_CHANGES)
                .tags(MetricNames.POOL, "replicas", MetricNames.ENDPOINT, "e1", MetricNames.MODEL, ReplicaFleet.MODEL,
                        MetricNames.SOURCE, source)
                .counter();
        assertThat(c).as("counter registered").isNotNull();
        return c.count();
    }

    /** Records the identity changes and post-stream violations a run's span would get. */
    static final class Recording implements RunObserver {
        final List<String> changes = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();

        @Override
        public ObservedRun begin(String runId, Target target, long startNanos) {
            return new ObservedRun() {
                @Override
                public StreamListener listener() {
                    return new StreamListener() {
                        @Override
                        public void violation(Violation v) {
                            violations.add(v.rule().label() + ": " + v.reason());
                        }
                    };
                }

                @Override
                public Map<String, String> propagationHeaders() {
                    return Map.of();
                }

                @Override
                public String traceId() {
                    return null;
                }

                @Override
                public void identityChanged(String source, String from, String to) {
                    changes.add(source + ": " + from + " -> " + to);
                }

                @Override
                public void end(RunResult result) {
                }
            };
        }
    }
}
