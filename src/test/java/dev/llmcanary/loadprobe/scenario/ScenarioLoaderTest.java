package dev.llmcanary.loadprobe.scenario;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.config.FakeGuardrails;
import dev.llmcanary.config.ConfigError;
import dev.llmcanary.loader.ConfigLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Scenario files: the shipped ones load as documented; each invalid input gets its exact located message. */
class ScenarioLoaderTest {

    private static Catalog catalog;
    private final ScenarioLoader loader = new ScenarioLoader(k -> Optional.empty());

    @BeforeAll
    static void loadCatalog() {
        Map<String, String> vars = Map.of("llm-canary.simulator.url", "http://127.0.0.1:8089");
        catalog = new ConfigLoader(k -> Optional.ofNullable(vars.get(k)), FakeGuardrails.accepting())
                .load(Path.of("canaries"), null, null).catalog();
    }

    @Test
    void shippedScenariosLoad() {
        ScenarioLoader.Result r = loader.load(Path.of("scenarios"), catalog);
        assertThat(r.errors()).isEmpty();
        assertThat(r.disabled()).isEmpty();
        Scenario constant = r.scenarios().find("sim-chat-constant").orElseThrow();
        assertThat(constant.arrival().kind()).isEqualTo(Scenario.Arrival.Kind.CONSTANT);
        assertThat(constant.arrival().poisson()).isTrue();
        assertThat(constant.plannedDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(constant.assertions().ttftP95()).isEqualTo(0.5);
        assertThat(constant.offPeak().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(constant.promptMix()).extracting(Scenario.PromptShare::bucket).containsExactly("<=1k", "1k-4k");
        Scenario stairs = r.scenarios().find("sim-chat-stairs").orElseThrow();
        assertThat(stairs.arrival().peakRate()).isEqualTo(8.0);
        assertThat(stairs.plannedDuration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(stairs.maxTokens()).isEqualTo(new Scenario.MaxTokens(48, 48));
    }

    @Test
    void aSmallContextServerGetsCappedOrExplicitPrompts(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("capped.yaml"), VALID + "max_prompt_tokens: 128\n");
        java.nio.file.Files.writeString(dir.resolve("explicit.yaml"), VALID.replace("id: s1", "id: s2")
                + "prompts: [\"Say hi\", \"Count to five\"]\n");
        ScenarioLoader.Result r = loader.load(dir, catalog);
        assertThat(r.errors()).isEmpty();
        assertThat(r.scenarios().find("s1").orElseThrow().maxPromptTokens()).isEqualTo(128);
        Scenario explicit = r.scenarios().find("s2").orElseThrow();
        assertThat(explicit.prompts()).containsExactly("Say hi", "Count to five");
        assertThat(explicit.maxPromptTokens()).isNull();
    }

    @Test
    void missingDirectoryIsNoScenarios(@TempDir Path dir) {
        ScenarioLoader.Result r = loader.load(dir.resolve("absent"), catalog);
        assertThat(r.ok()).isTrue();
        assertThat(r.scenarios().scenarios()).isEmpty();
    }

    private static final String VALID = """
            id: s1
            pool: sim-h100
            model: sim-openai
            arrival: { type: constant, rate: 2 }
            duration: 10s
            """;

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("unknown key", VALID + "colour: red\n",
                        "scenarios/s.yaml:6:1: colour: unknown key; allowed: id, description, pool, model, api,"
                                + " prompt_mix, max_prompt_tokens, prompts, max_tokens, arrival, duration, assertions,"
                                + " off_peak, abort, regression"),
                arguments("prompt cap below the smallest prompt", VALID + "max_prompt_tokens: 8\n",
                        "scenarios/s.yaml:6:20: max_prompt_tokens: must be at least 16, got 8"),
                arguments("a bucket that starts above the prompt cap", VALID
                                + "prompt_mix: { \"<=1k\": 3, \"1k-4k\": 1 }\nmax_prompt_tokens: 256\n",
                        "scenarios/s.yaml:6:26: prompt_mix.1k-4k: starts at 1025 prompt tokens, above"
                                + " max_prompt_tokens 256; remove it or raise the cap"),
                arguments("prompts and prompt_mix together", VALID
                                + "prompt_mix: { \"<=1k\": 1 }\nprompts: [\"Say hi\"]\n",
                        "scenarios/s.yaml:7:10: prompts: set either prompts or prompt_mix, not both"),
                arguments("prompts and a prompt cap together", VALID + "prompts: [\"Say hi\"]\nmax_prompt_tokens: 64\n",
                        "scenarios/s.yaml:7:20: max_prompt_tokens: caps the prompt_mix sizes; explicit prompts are"
                                + " sent as written"),
                arguments("empty prompt list", VALID + "prompts: []\n",
                        "scenarios/s.yaml:6:10: prompts: must list between 1 and 100 prompts, got 0"),
                arguments("blank prompt", VALID + "prompts: [\"Say hi\", \" \"]\n",
                        "scenarios/s.yaml:6:21: prompts[1]: must not be empty"),
                arguments("pool without OpenAI flavor", VALID.replace("sim-h100", "sim-triton"),
                        "scenarios/s.yaml:2:7: pool: pool \"sim-triton\" speaks triton-generate; load probes need"
                                + " openai-chat or openai-completions"),
                arguments("model not served", VALID.replace("model: sim-openai", "model: gpt-9"),
                        "scenarios/s.yaml:3:8: model: model \"gpt-9\" is not served by pool \"sim-h100\"; it serves:"
                                + " sim-openai, sim-vllm, sim-sglang, sim-ollama, sim-tgi3, sim-llamacpp"),
                arguments("api does not fit the pool", VALID + "api: completions\n",
                        "scenarios/s.yaml:6:6: api: pool \"sim-h100\" speaks openai-chat, not openai-completions"),
                arguments("unknown bucket", VALID + "prompt_mix: { \"<=2k\": 1 }\n",
                        "scenarios/s.yaml:6:15: prompt_mix.<=2k: unknown context bucket; allowed: <=1k, 1k-4k,"
                                + " 4k-16k, >16k"),
                arguments("zero weights", VALID + "prompt_mix: { \"<=1k\": 0 }\n",
                        "scenarios/s.yaml:6:13: prompt_mix: weights must add up to more than 0"),
                arguments("max_tokens range upside down", VALID + "max_tokens: { min: 64, max: 8 }\n",
                        "scenarios/s.yaml:6:29: max_tokens.max: must be at least min (64), got 8"),
                arguments("unknown arrival type", VALID.replace("constant, rate: 2", "burst"),
                        "scenarios/s.yaml:4:18: arrival.type: must be constant, ramp or stairs, got \"burst\""),
                arguments("key of another arrival type", VALID.replace("rate: 2", "rate: 2, to: 4"),
                        "scenarios/s.yaml:4:37: arrival.to: not used by type constant; allowed: type, rate, poisson"),
                arguments("zero rate", VALID.replace("rate: 2", "rate: 0"),
                        "scenarios/s.yaml:4:34: arrival.rate: must be greater than 0, got 0.0"),
                arguments("constant without duration", VALID.replace("duration: 10s\n", ""),
                        "scenarios/s.yaml:1:1: duration: required field is missing"),
                arguments("stairs with duration", VALID.replace("constant, rate: 2",
                                "stairs, from: 1, step: 1, steps: 3, step_duration: 5s"),
                        "scenarios/s.yaml:5:11: duration: stairs last steps × step_duration; remove duration"),
                arguments("error percent over 100", VALID + "assertions: { max_error_percent: 150 }\n",
                        "scenarios/s.yaml:6:34: assertions.max_error_percent: must be between 0 and 100, got 150.0"),
                arguments("bad cron", VALID + "off_peak: { cron: \"0 3 * *\", max_duration: 1h }\n",
                        "scenarios/s.yaml:6:19: off_peak.cron: invalid cron expression \"0 3 * *\": expected 5"
                                + " fields (Unix) or 6 to 7 fields (Quartz), got 4"),
                arguments("unknown time zone", VALID + "off_peak: { cron: \"0 3 * * *\", time_zone: Mars/Olympus,"
                                + " max_duration: 1h }\n",
                        "scenarios/s.yaml:6:43: off_peak.time_zone: unknown time zone \"Mars/Olympus\"; use a region"
                                + " such as Europe/Berlin or an offset such as +01:00"),
                arguments("window shorter than the run", VALID + "off_peak: { cron: \"0 3 * * *\", max_duration: 5s }\n",
                        "scenarios/s.yaml:6:11: off_peak: max_duration 5s is shorter than the run (10s)"),
                arguments("abort min_requests zero", VALID + "abort: { min_requests: 0 }\n",
                        "scenarios/s.yaml:6:24: abort.min_requests: must be at least 1, got 0"),
                arguments("unknown regression key", VALID + "regression: { p95: 5 }\n",
                        "scenarios/s.yaml:6:15: regression.p95: unknown key; allowed: ttft_p95_percent, rate_percent,"
                                + " tokens_per_second_percent, error_percent_points, knee_percent, min_samples"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(String name, String yaml, String message, @TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("scenarios"));
        Files.writeString(dir.resolve("s.yaml"), yaml);
        ScenarioLoader.Result r = loader.load(dir, catalog);
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).extracting(ConfigError::toString).containsExactly(message);
    }

    /**
     * A scenario written for pools this deployment does not have (the shipped ones name the simulator's sim-h100) is
     * left out with a located warning; the other scenarios load and the load is not failed by it.
     */
    @Test
    void unknownPoolDisablesTheScenarioWithALocatedWarningInsteadOfFailingTheLoad(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("scenarios"));
        Files.writeString(dir.resolve("a.yaml"), VALID);
        Files.writeString(dir.resolve("b.yaml"), VALID.replace("s1", "s2").replace("sim-h100", "nope"));
        ScenarioLoader.Result r = loader.load(dir, catalog);
        assertThat(r.ok()).isTrue();
        assertThat(r.errors()).isEmpty();
        assertThat(r.disabled()).extracting(ConfigError::toString).containsExactly(
                "scenarios/b.yaml:2:7: pool: unknown pool \"nope\" (configured: sim-completions, sim-h100,"
                        + " sim-llamacpp-native, sim-tgi-native, sim-tgi2, sim-triton); scenario disabled");
        assertThat(r.scenarios().scenarios()).extracting(Scenario::id).containsExactly("s1");
    }

    @Test
    void unknownPoolDoesNotHideTheScenariosRealErrors(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("scenarios"));
        Files.writeString(dir.resolve("s.yaml"), VALID.replace("sim-h100", "nope") + "colour: red\n");
        ScenarioLoader.Result r = loader.load(dir, catalog);
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).extracting(ConfigError::toString).singleElement().asString()
                .startsWith("scenarios/s.yaml:6:1: colour: unknown key");
        assertThat(r.disabled()).hasSize(1);
    }

    @Test
    void duplicateIdsPointAtTheFirst(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("scenarios"));
        Files.writeString(dir.resolve("a.yaml"), VALID);
        Files.writeString(dir.resolve("b.yaml"), VALID);
        assertThat(loader.load(dir, catalog).errors()).extracting(ConfigError::toString).containsExactly(
                "scenarios/b.yaml:1:5: id: duplicate scenario id \"s1\" (also defined at scenarios/a.yaml:1:5)");
    }
}
