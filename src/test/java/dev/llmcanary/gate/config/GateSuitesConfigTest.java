package dev.llmcanary.gate.config;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.config.FakeGuardrails;
import dev.llmcanary.config.ConfigError;
import dev.llmcanary.loader.ConfigLoader;
import dev.llmcanary.loader.LoadResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code gates.yaml}: the shipped suites load, every error is reported with its place, and the file is optional. */
class GateSuitesConfigTest {

    private static Catalog shipped() {
        Map<String, String> vars = Map.of("llm-canary.simulator.url", "http://127.0.0.1:8089");
        LoadResult r = new ConfigLoader(k -> Optional.ofNullable(vars.get(k)), FakeGuardrails.accepting())
                .load(Path.of("canaries"), null, null);
        assertThat(r.errors()).isEmpty();
        return r.catalog();
    }

    @Test
    void shipsADefaultAndAFlaggerSuite() {
        Catalog c = shipped();
        assertThat(GateSuites.of(c).byName()).containsOnlyKeys("default", "flagger-pre-rollout");
        GateSuite d = GateSuites.of(c).suite("default").orElseThrow();
        assertThat(d.canaries()).containsExactly("count-ordered");
        assertThat(d.repetitions()).isEqualTo(460);
        assertThat(d.inconclusive()).isEqualTo(InconclusivePolicy.FAIL);
        assertThat(d.comparative()).extracting(x -> x.metric()).containsExactly(GateMetric.TTFT,
                GateMetric.INTER_TOKEN_LATENCY, GateMetric.E2E, GateMetric.OUTPUT_TOKENS_PER_SECOND);
        GateSuite f = GateSuites.of(c).suite("flagger-pre-rollout").orElseThrow();
        assertThat(f.deadline()).isEqualTo(Duration.ofSeconds(25));
        assertThat(f.absolute().maxStalls()).isZero();
        assertThat(f.absolute().minGuardrailPassRate()).isEqualTo(1.0);
        assertThat(f.comparative().get(0).alpha()).isEqualTo(0.01);
        assertThat(f.source()).isEqualTo("canaries/gates.yaml");
    }

    @Test
    void gatesFileIsNotReadAsACanaryFile() {
        assertThat(shipped().canaries()).noneMatch(c -> c.source().endsWith("gates.yaml"));
    }

    @Test
    void withoutAGatesFileThereAreNoSuites(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("c.yaml"), "id: chat\nslo_class: interactive\nmessages: [{role: user, content: hi}]\n");
        LoadResult r = new ConfigLoader(v -> Optional.empty(), FakeGuardrails.accepting())
                .load(dir, Path.of("src/test/resources/config/base/pools.yaml"),
                        Path.of("src/test/resources/config/base/slo-classes.yaml"));
        assertThat(r.errors()).isEmpty();
        assertThat(GateSuites.of(r.catalog()).byName()).isEmpty();
    }

    @Test
    void reportsEveryErrorWithItsPlace() {
        LoadResult r = new ConfigLoader(v -> Optional.empty(), FakeGuardrails.accepting())
                .load(Path.of("src/test/resources/config/gates-bad"),
                        Path.of("src/test/resources/config/base/pools.yaml"),
                        Path.of("src/test/resources/config/base/slo-classes.yaml"));
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).map(ConfigError::toString).containsExactly(
                "gates-bad/gates.yaml:7:5: gates.quick.url: unknown key; allowed: description, canaries, pools,"
                        + " repetitions, concurrency, deadline, inconclusive, absolute, comparative",
                "gates-bad/gates.yaml:3:15: gates.quick.canaries: unknown canary \"nope\"",
                "gates-bad/gates.yaml:4:12: gates.quick.pools: unknown pool \"gpu\"",
                "gates-bad/gates.yaml:5:18: gates.quick.repetitions: must be between 1 and 100000, got 0",
                "gates-bad/gates.yaml:6:19: gates.quick.inconclusive: must be fail or pass, got \"maybe\"",
                "gates-bad/gates.yaml:8:29: gates.quick.absolute.max_stalls: must be 0 or more, got -1",
                "gates-bad/gates.yaml:8:58: gates.quick.absolute.min_guardrail_pass_rate: must be between 0 and 1,"
                        + " got 2.0",
                "gates-bad/gates.yaml:10:19: gates.quick.comparative[0].metric: unknown metric \"ttfb\"; one of:"
                        + " ttft, inter_token_latency, e2e, output_tokens_per_second",
                "gates-bad/gates.yaml:11:9: gates.quick.comparative[1].tolerance: required field is missing",
                "gates-bad/gates.yaml:11:31: gates.quick.comparative[1].alpha: must be between 0 and 0.5"
                        + " (exclusive), got 0.9",
                "gates-bad/gates.yaml:12:3: gates.Bad_Name: \"Bad_Name\" is not a valid name ([a-z0-9][a-z0-9._-]*)");
    }
}
