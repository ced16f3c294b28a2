package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.loadprobe.scenario.Scenario;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real load probes: the packaged Gatling runner ({@code gatling/target}, built by the root build) runs as a child
 * JVM against the simulator on loopback; summaries are parsed and judged. An integration test (failsafe, after
 * {@code package}): each case starts child JVMs and takes up to two minutes in all.
 */
class ProbeProcessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Runner RUNNER = new Runner(Path.of("gatling/target"), Runner.currentJava(),
            List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));
    private static final String NORMAL = "ttft_ms=20;itl_ms=2;tokens=8";
    // 20× the normal TTFT: a loaded machine can push the baseline's p95 well above 20 ms, not near 400 ms / 1.5;
    // much slower and no stream of the 2 s scenario finishes in time.
    private static final String SLOW = "ttft_ms=400;itl_ms=2;tokens=8";

    private static Vertx vertx;
    private static String url;

    @BeforeAll
    static void startSimulator() throws Exception {
        assertThat(RUNNER.built()).as("gatling runner built by ./mvnw (gatling/build-runner.sh)").isTrue();
        vertx = Vertx.vertx();
        int port = new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0)).start()
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        url = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private static final Scenario.Assertions SLO = new Scenario.Assertions(0.15, null, 2.0, 5.0, null);

    private static ProbeProcess.Outcome run(Scenario s, Map<String, String> headers, Path dir) throws Exception {
        ProbeProcess p = ProbeProcess.start(RUNNER, dir, new PlanWriter(JSON).plan(s, Scenarios.pool(url),
                Overrides.NONE, headers, dir, 1, 5), JSON);
        return p.outcome().get(90, TimeUnit.SECONDS);
    }

    @Test
    void shortProbeRunsInAChildJvmAndLeavesSummaryAndReport(@TempDir Path dir) throws Exception {
        Scenario s = Scenarios.constant(5, Duration.ofSeconds(3), SLO, Scenario.AbortGuards.DEFAULT, 5);
        ProbeProcess.Outcome out = run(s, Map.of("x-sim-profile", NORMAL), dir);

        assertThat(out.exitCode()).isZero();
        JsonNode summary = out.summary().orElseThrow();
        ProbeSummary sum = ProbeSummary.from(summary);
        assertThat(sum.count()).isBetween(12L, 18L);
        assertThat(sum.errorCount()).isZero();
        // In seconds, and at least the simulator's 20 ms; no tight upper bound (a loaded machine slows the child JVM).
        assertThat(sum.ttftP95()).isBetween(0.02, 10.0);
        assertThat(summary.at("/kinds/chat/outputTokens").asLong()).isEqualTo(sum.count() * 8);
        assertThat(summary.at("/kinds/chat/ttft/histogram/buckets").size()).isPositive();
        assertThat(out.reportDir()).hasValueSatisfying(d -> assertThat(d.resolve("index.html")).isRegularFile());
        assertThat(dir.resolve("plan.json")).doesNotExist();
        assertThat(Verdicts.judge(s, sum, null, null).outcome()).isEqualTo(Verdict.Outcome.PASS);
    }

    @Test
    void slowerTtftIsARegressionAgainstTheBaselineAndAnUnchangedServerPasses(@TempDir Path dir) throws Exception {
        // no SLO limit on TTFT here: only the baseline comparison can catch the slowdown
        Scenario s = Scenarios.constant(5, Duration.ofSeconds(2),
                new Scenario.Assertions(null, null, null, 5.0, null), Scenario.AbortGuards.DEFAULT, 5);
        ProbeSummary baseline = ProbeSummary.from(run(s, Map.of("x-sim-profile", NORMAL), dir.resolve("a"))
                .summary().orElseThrow());
        ProbeSummary unchanged = ProbeSummary.from(run(s, Map.of("x-sim-profile", NORMAL), dir.resolve("b"))
                .summary().orElseThrow());
        ProbeSummary slower = ProbeSummary.from(run(s, Map.of("x-sim-profile", SLOW), dir.resolve("c"))
                .summary().orElseThrow());

        Verdict pass = Verdicts.judge(s, unchanged, baseline, "base");
        assertThat(pass.outcome()).as(pass.reason()).isEqualTo(Verdict.Outcome.PASS);

        Verdict regression = Verdicts.judge(s, slower, baseline, "base");
        assertThat(regression.outcome()).as("%s: %s", regression.reason(), regression.comparisons())
                .isEqualTo(Verdict.Outcome.REGRESSION);
        assertThat(regression.reason()).isEqualTo("ttft_p95_seconds vs baseline");
        Verdict.Comparison ttft = regression.comparisons().stream()
                .filter(c -> c.name().equals("ttft_p95_seconds") && c.against().equals("baseline")).findFirst()
                .orElseThrow();
        assertThat(ttft.value()).isGreaterThan(0.2);
        assertThat(ttft.reference()).isEqualTo(baseline.ttftP95());
        assertThat(ttft.limit()).isEqualTo(baseline.ttftP95() * 1.5);
    }

    @Test
    void abortGuardStopsTheProbeWhenTheServerReturnsErrors(@TempDir Path dir) throws Exception {
        Scenario s = Scenarios.constant(10, Duration.ofSeconds(30), SLO, new Scenario.AbortGuards(20, null, 5), 5);
        long started = System.nanoTime();
        ProbeProcess.Outcome out = run(s, Map.of("x-sim-fault", "status:500"), dir);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(25));
        ProbeSummary sum = ProbeSummary.from(out.summary().orElseThrow());
        assertThat(sum.aborted()).startsWith("abort: error rate 100.0 % > 20.0 %");
        assertThat(out.summary().orElseThrow().at("/kinds/chat/errors/no_event").asLong()).isEqualTo(sum.count());
        Verdict v = Verdicts.judge(s, sum, null, null);
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(v.reason()).startsWith("run stopped early: abort: error rate");
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> faults() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("HTTP 500: the stream has no event", "status:500",
                        "no_event"),
                org.junit.jupiter.params.provider.Arguments.of("HTTP 429: the stream has no event", "status:429",
                        "no_event"),
                org.junit.jupiter.params.provider.Arguments.of("malformed 4th event, [DONE] still follows",
                        "malformed@4", "malformed"),
                org.junit.jupiter.params.provider.Arguments.of("malformed first token event", "malformed@1",
                        "malformed"),
                org.junit.jupiter.params.provider.Arguments.of("no [DONE]", "no_done", "missing_done"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("faults")
    void errorsAreClassified(String name, String fault, String errorClass, @TempDir Path dir) throws Exception {
        Scenario s = Scenarios.constant(4, Duration.ofSeconds(2), SLO, new Scenario.AbortGuards(100, null, 1000), 1);
        ProbeProcess.Outcome out = run(s, Map.of("x-sim-profile", NORMAL, "x-sim-fault", fault), dir);

        JsonNode errors = out.summary().orElseThrow().at("/kinds/chat/errors");
        ProbeSummary sum = ProbeSummary.from(out.summary().orElseThrow());
        assertThat(sum.count()).isPositive();
        assertThat(errors.path(errorClass).asLong()).as(errors.toString()).isEqualTo(sum.count());
    }

    @Test
    void aSmallContextServerRejectsTheProbeSaysWhyAndCappedPromptsFit(@TempDir Path dir) throws Exception {
        // the simulator plays a server with a 64-token context; the <=1k bucket draws prompts of 16..1024 tokens
        Map<String, String> smallContext = Map.of("x-sim-profile", NORMAL, "x-sim-fault", "context:64",
                "authorization", "Bearer sk-probe-secret-123");
        Scenario uncapped = Scenarios.constant(5, Duration.ofSeconds(2), SLO, new Scenario.AbortGuards(100, null, 1000),
                1);
        JsonNode summary = run(uncapped, smallContext, dir.resolve("uncapped")).summary().orElseThrow();

        ProbeSummary sum = ProbeSummary.from(summary);
        assertThat(sum.rejections().count()).as(summary.toString()).isGreaterThan(sum.count() / 2);
        assertThat(summary.at("/firstRejection/status").asInt()).isEqualTo(400);
        assertThat(summary.at("/firstRejection/body").asText())
                .contains("exceeds the available context size (64 tokens)").doesNotContain("sk-probe-secret-123");
        // what the service makes of it: the server's message, masked, and a verdict that names it
        RejectionText.clean(summary, dev.llmcanary.canary.run.UntrustedText.of(List.of("sk-probe-secret-123"),
                List.of()));
        assertThat(summary.at("/firstRejection").has("body")).isFalse();
        ProbeSummary judged = ProbeSummary.from(summary);
        assertThat(judged.rejections().answer()).startsWith("HTTP 400: request (")
                .endsWith("exceeds the available context size (64 tokens), try increasing it");
        Verdict v = Verdicts.judge(uncapped, judged, null, null);
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(v.reason()).startsWith("the server rejected ").contains("(first answer: HTTP 400: request (")
                .endsWith("so nothing was measured");

        Scenario s = uncapped;
        Scenario capped = new Scenario(s.id(), s.source(), null, s.pool(), s.model(), s.api(), s.promptMix(),
                s.maxTokens(), s.arrival(), s.duration(), s.assertions(), null, s.abort(), s.regression(), 48,
                List.of());
        JsonNode fits = run(capped, smallContext, dir.resolve("capped")).summary().orElseThrow();
        assertThat(ProbeSummary.from(fits).errorCount()).as(fits.toString()).isZero();
        assertThat(fits.has("firstRejection")).isFalse();
    }

    @Test
    void cancelStopsTheChildLeavesNoProcessAndKeepsPartialResults(@TempDir Path dir) throws Exception {
        Scenario s = Scenarios.constant(5, Duration.ofSeconds(60), SLO, Scenario.AbortGuards.DEFAULT, 5);
        ProbeProcess p = ProbeProcess.start(RUNNER, dir, new PlanWriter(JSON).plan(s, Scenarios.pool(url),
                Overrides.NONE, Map.of("x-sim-profile", NORMAL), dir, 1, 5), JSON);
        await().atMost(Duration.ofSeconds(60)).until(() -> p.progress().requests() >= 5);
        List<ProcessHandle> tree = new java.util.ArrayList<>(p.handle().descendants().toList());
        tree.add(p.handle());

        p.cancel(Duration.ofSeconds(20));
        ProbeProcess.Outcome out = p.outcome().get(60, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
        ProbeSummary partial = ProbeSummary.from(out.summary().orElseThrow());
        assertThat(partial.aborted()).isEqualTo("cancelled");
        assertThat(partial.count()).isGreaterThanOrEqualTo(5);
        assertThat(partial.elapsedSeconds()).isLessThan(30);
        assertThat(Files.exists(dir.resolve("summary.json"))).isTrue();
    }
}
