package dev.llmcanary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.loadprobe.Overrides;
import dev.llmcanary.loadprobe.PlanWriter;
import dev.llmcanary.loadprobe.ProbeProcess;
import dev.llmcanary.loadprobe.ProbeSummary;
import dev.llmcanary.loadprobe.Runner;
import dev.llmcanary.loadprobe.scenario.Scenario;
import dev.llmcanary.simulator.RecordedChunk;
import dev.llmcanary.simulator.RecordedRequest;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.client.Endpoint;
import io.vertx.core.Vertx;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How closely a load probe holds its target arrival rate, and how its TTFT compares with the simulator's recorded
 * truth, at rising rates: the runner is a child JVM (as in the service), the simulator runs in this JVM.
 * {@code ./mvnw -q -Pbench-loadprobe test-compile exec:exec} (rates: {@code -Dbench.rates=10,50,100,200,400}).
 */
public final class LoadProbeBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROFILE = "ttft_ms=50;itl_ms=10;jitter_ms=0;tokens=32";

    public static void main(String[] args) throws Exception {
        double[] rates = Arrays.stream(System.getProperty("bench.rates", "10,50,100,200,400").split(","))
                .mapToDouble(Double::parseDouble).toArray();
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "10"));
        Vertx vertx = Vertx.vertx();
        SimulatorConfig d = SimulatorConfig.defaults("127.0.0.1", 0);
        SimulatorServer sim = new SimulatorServer(vertx, new SimulatorConfig("127.0.0.1", 0, null, d.models(), 200_000));
        int port = sim.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Pool pool = new Pool("bench", "cpu", Flavor.OPENAI_CHAT, List.of(new Endpoint("sim",
                URI.create("http://127.0.0.1:" + port))), List.of("sim-openai"), null, RequireDone.AUTO,
                Cumulative.AUTO, Map.of());
        Runner runner = new Runner(Path.of("gatling/target"), Runner.currentJava(), List.of("-Xmx1g"));
        System.out.printf("simulator profile %s, %.0f s per rate, %d cores%n", PROFILE, seconds,
                Runtime.getRuntime().availableProcessors());
        System.out.println("target/s  achieved/s  ratio  streams  errors  probe TTFT p50/p95 ms  err vs sim write-done"
                + " p50/p95/max ms");
        for (double rate : rates) {
            Scenario s = new Scenario("bench", "bench", null, "bench", "sim-openai", Scenario.Api.CHAT,
                    List.of(new Scenario.PromptShare("<=1k", 1)), new Scenario.MaxTokens(32, 32),
                    new Scenario.Arrival(Scenario.Arrival.Kind.CONSTANT, rate, rate, rate, 0, 1, null, true),
                    Duration.ofMillis((long) (seconds * 1000)), new Scenario.Assertions(null, null, null, null, null),
                    null, new Scenario.AbortGuards(100, null, 1_000_000), Scenario.Tolerances.DEFAULT);
            Path dir = Files.createTempDirectory("bench-probe");
            ObjectNode plan = new PlanWriter(JSON).plan(s, pool, Overrides.NONE, Map.of("x-sim-profile", PROFILE), dir,
                    1, 30);
            plan.put("streamsFile", dir.resolve("streams.csv").toString());
            sim.recorder().clear();
            ProbeProcess.Outcome out = ProbeProcess.start(runner, dir, plan, JSON).outcome().get(10, TimeUnit.MINUTES);
            JsonNode summary = out.summary().orElseThrow();
            ProbeSummary sum = ProbeSummary.from(summary);
            List<Double> errors = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("streams.csv"))) {
                String[] f = line.split(",");
                Optional<RecordedRequest> truth = sim.recorder().get(f[0]);
                Optional<RecordedChunk> first = truth.flatMap(RecordedRequest::firstToken);
                first.ifPresent(c -> errors.add((Long.parseLong(f[2]) - c.writeDoneNanos()) / 1e6));
            }
            double[] e = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("%8.0f  %10.1f  %5.2f  %7d  %6d  %9.1f / %-9.1f  %6.2f / %6.2f / %6.2f%n", rate,
                    sum.achievedRate(), sum.achievedRate() / rate, sum.count(), sum.errorCount(),
                    ms(sum.ttftP50()), ms(sum.ttftP95()), pct(e, 0.5), pct(e, 0.95),
                    e.length == 0 ? Double.NaN : e[e.length - 1]);
        }
        vertx.close();
        System.exit(0);
    }

    private static double ms(Double s) {
        return s == null ? Double.NaN : s * 1000;
    }

    private static double pct(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
