package dev.llmcanary.loader;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.config.FakeGuardrails;
import dev.llmcanary.stream.Flavor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The configuration shipped in the top-level {@code canaries/} folder loads and means what its comments say. */
class ShippedCanariesTest {

    private static final String SIM_URL = "http://127.0.0.1:8089";
    private static Catalog catalog;

    @BeforeAll
    static void load() {
        Map<String, String> vars = Map.of("llm-canary.simulator.url", SIM_URL);
        LoadResult result = new ConfigLoader(k -> Optional.ofNullable(vars.get(k)), FakeGuardrails.accepting())
                .load(Path.of("canaries"), null, null);
        assertThat(result.errors()).isEmpty();
        catalog = result.catalog();
    }

    @Test
    void loadsEveryShippedFile() {
        assertThat(catalog.sloClasses()).containsOnlyKeys("interactive", "streaming", "batch");
        assertThat(catalog.pools()).extracting(p -> p.name()).containsExactly("sim-h100", "sim-tgi2",
                "sim-completions", "sim-tgi-native", "sim-triton", "sim-llamacpp-native");
        assertThat(catalog.canaries()).extracting(CanaryDefinition::id).containsExactly("chat-batch",
                "chat-interactive", "chat-streaming", "completion-smoke", "count-ordered", "json-output",
                "refusal-pii");
    }

    @Test
    void resolvesTheSimulatorUrlAndPoolDefaults() {
        assertThat(catalog.pools()).allSatisfy(p ->
                assertThat(p.endpoints()).extracting(e -> e.baseUrl().toString()).containsExactly(SIM_URL));
        assertThat(catalog.pool("sim-tgi2").orElseThrow().requiresDone()).isFalse();
        assertThat(catalog.pool("sim-h100").orElseThrow().requiresDone()).isTrue();
        assertThat(catalog.pool("sim-triton").orElseThrow().flavor()).isEqualTo(Flavor.TRITON_GENERATE);
    }

    @Test
    void intervalsStayBetween30And120Seconds() {
        assertThat(catalog.canaries()).allSatisfy(c -> assertThat(c.interval())
                .isBetween(Duration.ofSeconds(30), Duration.ofSeconds(120)));
    }

    @Test
    void countCanaryCoversEveryChatPoolModel() {
        CanaryDefinition count = catalog.canary("count-ordered").orElseThrow();

        assertThat(catalog.targets(count)).extracting(t -> t.pool().name(), Target::model).containsExactly(
                tuple("sim-h100", "sim-openai"), tuple("sim-h100", "sim-vllm"), tuple("sim-h100", "sim-sglang"),
                tuple("sim-h100", "sim-ollama"), tuple("sim-h100", "sim-tgi3"), tuple("sim-h100", "sim-llamacpp"),
                tuple("sim-tgi2", "sim-tgi2"));
        assertThat(count.guardrails()).extracting(g -> g.name()).containsExactly("ordered_sequence", "finish_reason");
    }

    @Test
    void completionSmokeRunsOnlyOnPromptPools() {
        CanaryDefinition smoke = catalog.canary("completion-smoke").orElseThrow();

        assertThat(smoke.api()).isEqualTo(Api.COMPLETION);
        assertThat(catalog.targets(smoke)).extracting(t -> t.pool().name()).containsExactly("sim-completions",
                "sim-tgi-native", "sim-triton", "sim-triton", "sim-llamacpp-native");
        assertThat(catalog.thresholdsOf(smoke).ttftSeconds()).isEqualTo(0.8);
    }
}
