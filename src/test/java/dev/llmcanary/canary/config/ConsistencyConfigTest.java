package dev.llmcanary.canary.config;

import dev.llmcanary.consistency.IdentityPin;
import dev.llmcanary.consistency.IdentitySource;
import java.util.Map;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.config.ConfigError;
import dev.llmcanary.consistency.Consistency;
import dev.llmcanary.consistency.Golden;
import dev.llmcanary.loader.ConfigLoader;
import dev.llmcanary.loader.LoadResult;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * A canary's {@code consistency:} block: what it binds to, and each way it is refused, above all without
 * deterministic sampling (temperature 0, and a seed where a selected pool's flavor takes one), with the located
 * message.
 */
class ConsistencyConfigTest {

    private static final String SLO = "slo_classes:\n  interactive: {ttft_seconds: 1.0}\n";
    private static final String POOLS = """
            pools:
              - name: chat
                flavor: openai-chat
                endpoints: [{name: e0, url: "http://localhost:8000"}]
                models: [m1]
              - name: tgi
                flavor: tgi-generate
                endpoints: [{name: t0, url: "http://localhost:8001"}]
                models: [m1]
            """;
    private static final String CHAT = "id: a\nslo_class: interactive\nmessages: [{role: user, content: hi}]\n";
    private static final String TGI = "id: a\nslo_class: interactive\napi: completion\nprompt: hi\npools: [tgi]\n";

    @TempDir
    Path tmp;

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("defaults: prefix of 16 tokens, window from the interval", CHAT
                                + "temperature: 0\nseed: 7\nconsistency: {}\n",
                        new Consistency(Consistency.Mode.PREFIX, 16, 0.9, null)),
                arguments("exact", CHAT + "temperature: 0\nseed: 7\nconsistency: {mode: exact, window: 10m}\n",
                        new Consistency(Consistency.Mode.EXACT, 16, 0.9, Duration.ofMinutes(10))),
                arguments("prefix with its length", CHAT
                                + "temperature: 0\nseed: 7\nconsistency: {mode: prefix, prefix_tokens: 8}\n",
                        new Consistency(Consistency.Mode.PREFIX, 8, 0.9, null)),
                arguments("similarity with its floor", CHAT
                                + "temperature: 0\nseed: 7\nconsistency: {mode: similarity, min_similarity: 0.75}\n",
                        new Consistency(Consistency.Mode.SIMILARITY, 16, 0.75, null)),
                arguments("TGI decodes greedily at temperature 0: no seed needed", TGI
                                + "temperature: 0\nconsistency: {mode: exact}\n",
                        new Consistency(Consistency.Mode.EXACT, 16, 0.9, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void binds(String name, String canary, Consistency expected) throws IOException {
        LoadResult r = load(canary);

        assertThat(r.errors()).isEmpty();
        Catalog catalog = r.catalog();
        assertThat(catalog.canary("a").orElseThrow().consistency()).isEqualTo(expected);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments("no temperature", CHAT + "seed: 7\nconsistency: {mode: exact}\n",
                        "canaries/c.yaml:5:14: consistency: needs deterministic sampling: set temperature: 0 (the"
                                + " server's default temperature samples, so replicas would differ by design)"),
                arguments("a sampling temperature", CHAT + "temperature: 0.7\nseed: 7\nconsistency: {}\n",
                        "canaries/c.yaml:4:14: temperature: must be 0 for a canary with consistency (sampling makes"
                                + " answers differ by design), got 0.7"),
                arguments("no seed on a flavor that takes one", CHAT + "temperature: 0\nconsistency: {}\n",
                        "canaries/c.yaml:5:14: consistency: needs deterministic sampling: set a fixed seed (pool"
                                + " \"chat\" is openai-chat, which takes one)"),
                arguments("unknown mode", CHAT + "temperature: 0\nseed: 7\nconsistency: {mode: fuzzy}\n",
                        "canaries/c.yaml:6:21: consistency.mode: unknown value \"fuzzy\"; valid: exact, prefix,"
                                + " similarity"),
                arguments("unknown key", CHAT + "temperature: 0\nseed: 7\nconsistency: {threshold: 2}\n",
                        "canaries/c.yaml:6:15: consistency.threshold: unknown key; allowed: mode, prefix_tokens,"
                                + " min_similarity, window"),
                arguments("prefix_tokens in another mode", CHAT
                                + "temperature: 0\nseed: 7\nconsistency: {mode: exact, prefix_tokens: 8}\n",
                        "canaries/c.yaml:6:43: consistency.prefix_tokens: only for mode prefix"),
                arguments("prefix_tokens out of range", CHAT
                                + "temperature: 0\nseed: 7\nconsistency: {prefix_tokens: 0}\n",
                        "canaries/c.yaml:6:30: consistency.prefix_tokens: must be between 1 and 1024, got 0"),
                arguments("min_similarity in another mode", CHAT
                                + "temperature: 0\nseed: 7\nconsistency: {min_similarity: 0.8}\n",
                        "canaries/c.yaml:6:31: consistency.min_similarity: only for mode similarity"),
                arguments("min_similarity out of range", CHAT
                                + "temperature: 0\nseed: 7\nconsistency: {mode: similarity, min_similarity: 1.5}\n",
                        "canaries/c.yaml:6:49: consistency.min_similarity: must be greater than 0 and at most 1,"
                                + " got 1.5"),
                arguments("window shorter than the interval", CHAT
                                + "temperature: 0\nseed: 7\ninterval: 5m\nconsistency: {window: 1m}\n",
                        "canaries/c.yaml:7:23: consistency.window: must be at least the canary's interval (5m),"
                                + " got 1m"),
                arguments("not a mapping", CHAT + "temperature: 0\nseed: 7\nconsistency: exact\n",
                        "canaries/c.yaml:6:14: consistency: expected a mapping, got a string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refuses(String name, String canary, String error) throws IOException {
        LoadResult r = load(canary);

        assertThat(r.catalog()).isNull();
        assertThat(r.errors()).map(ConfigError::toString).containsExactly(error);
    }

    static Stream<Arguments> golden() {
        String det = CHAT + "temperature: 0\nseed: 7\n";
        return Stream.of(
                arguments("text, prefix by default", det + "golden: {text: \"Paris is the capital.\"}\n",
                        new Golden(null, "Paris is the capital.", new Consistency(Consistency.Mode.PREFIX, 16, 0.9,
                                null)), null),
                arguments("text, similarity", det + "golden: {text: \"Paris.\", mode: similarity,"
                                + " min_similarity: 0.8}\n",
                        new Golden(null, "Paris.", new Consistency(Consistency.Mode.SIMILARITY, 16, 0.8, null)),
                        null),
                arguments("sha256, exact by default", det + "golden: {sha256: 9C1F0E2AB4D7A311}\n",
                        new Golden("9c1f0e2ab4d7a311", null, new Consistency(Consistency.Mode.EXACT, 16, 0.9, null)),
                        null),
                arguments("without deterministic sampling", CHAT + "seed: 7\ngolden: {text: Paris.}\n", null,
                        "canaries/c.yaml:5:9: golden: needs deterministic sampling: set temperature: 0 (the server's"
                                + " default temperature samples, so replicas would differ by design)"),
                arguments("both sha256 and text", det + "golden: {sha256: 9c1f0e2ab4d7a311, text: Paris.}\n", null,
                        "canaries/c.yaml:6:42: golden.text: give either sha256 or text, not both"),
                arguments("neither sha256 nor text", det + "golden: {mode: exact}\n", null,
                        "canaries/c.yaml:6:9: golden: give the golden answer as sha256 or text"),
                arguments("a sha256 that is none", det + "golden: {sha256: abc}\n", null,
                        "canaries/c.yaml:6:18: golden.sha256: \"abc\" is not a SHA-256 in hex (16 or 64 digits)"
                                + " ([0-9a-fA-F]{16}|[0-9a-fA-F]{64})"),
                arguments("a sha256 compared by prefix", det + "golden: {sha256: 9c1f0e2ab4d7a311, mode: prefix}\n",
                        null, "canaries/c.yaml:6:42: golden.mode: a sha256 compares exactly; give the text for mode"
                                + " prefix"));
    }

    @ParameterizedTest(name = "golden: {0}")
    @MethodSource("golden")
    void bindsTheGoldenAnswer(String name, String canary, Golden expected, String error) throws IOException {
        LoadResult r = load(canary);

        if (error == null) {
            assertThat(r.errors()).isEmpty();
            assertThat(r.catalog().canary("a").orElseThrow().golden()).isEqualTo(expected);
        } else {
            assertThat(r.errors()).map(ConfigError::toString).containsExactly(error);
        }
    }

    static Stream<Arguments> pinnedIdentity() {
        return Stream.of(
                arguments("a fingerprint on an OpenAI pool", "fp_44709d6fcb", "chat",
                        IdentityPin.fingerprint("fp_44709d6fcb"), null),
                arguments("a fingerprint on a TGI pool, whose streams name none", "fp_44709d6fcb", "tgi", null,
                        "canaries/pools.yaml:14:24: pools[2].expected_identity: only for openai-chat and"
                                + " openai-completions pools (tgi-generate streams report no system_fingerprint);"
                                + " pin another source with {source: value}"),
                arguments("text that is no fingerprint", "\"any model\"", "chat", null,
                        "canaries/pools.yaml:14:24: pools[2].expected_identity: \"any model\" is not a"
                                + " system_fingerprint ([A-Za-z0-9_.:+/-]{1,128})"),
                arguments("a model sha on a TGI pool", "{model_sha: 5f2b0e1c, model_id: org/model-7b}", "tgi",
                        new IdentityPin(Map.of(IdentitySource.MODEL_SHA, "5f2b0e1c", IdentitySource.MODEL_ID,
                                "org/model-7b")), null),
                arguments("a model root and a fingerprint on an OpenAI pool",
                        "{model_root: /models/llama-3-8b, fingerprint: fp_1}", "chat",
                        new IdentityPin(Map.of(IdentitySource.MODEL_ROOT, "/models/llama-3-8b",
                                IdentitySource.FINGERPRINT, "fp_1")), null),
                arguments("an unknown source", "{model_shaa: 5f2b}", "tgi", null,
                        "canaries/pools.yaml:14:25: pools[2].expected_identity.model_shaa: unknown identity source;"
                                + " one of fingerprint, server, model_root, owned_by, model_id, model_sha, version,"
                                + " model_path, model_version, platform"),
                arguments("a source the flavor does not report", "{model_root: /models/x}", "tgi", null,
                        "canaries/pools.yaml:14:25: pools[2].expected_identity.model_root: tgi-generate servers do"
                                + " not report model_root; they report server, model_id, model_sha, version"),
                arguments("a value that is no identifier", "{model_sha: \"a b\"}", "tgi", null,
                        "canaries/pools.yaml:14:36: pools[2].expected_identity.model_sha: \"a b\" is not an"
                                + " identifier ([A-Za-z0-9_.:+/-]{1,128}); a value that is not one is compared as its"
                                + " sha256: prefix, pin that"),
                arguments("no source at all", "{}", "tgi", null,
                        "canaries/pools.yaml:14:24: pools[2].expected_identity: names no source; e.g."
                                + " {model_sha: 5f2b…} or a system_fingerprint"));
    }

    @ParameterizedTest(name = "expected_identity: {0}")
    @MethodSource("pinnedIdentity")
    void poolPinsItsIdentity(String name, String value, String flavorOfSecondPool, IdentityPin expected,
                             String error) throws IOException {
        String pools = POOLS + (flavorOfSecondPool.equals("chat")
                ? "  - name: pinned\n    flavor: openai-chat\n" : "  - name: pinned\n    flavor: tgi-generate\n")
                + "    endpoints: [{name: p0, url: \"http://localhost:8002\"}]\n    models: [m1]\n"
                + "    expected_identity: " + value + "\n";
        LoadResult r = load(CHAT + "temperature: 0\nseed: 7\nconsistency: {}\n", pools);

        if (error == null) {
            assertThat(r.errors()).isEmpty();
            assertThat(r.catalog().pool("pinned").orElseThrow().expectedIdentity()).isEqualTo(expected);
            assertThat(r.catalog().pool("chat").orElseThrow().expectedIdentity()).isNull();
        } else {
            assertThat(r.errors()).map(ConfigError::toString).containsExactly(error);
        }
    }

    private LoadResult load(String canary) throws IOException {
        return load(canary, POOLS);
    }

    private LoadResult load(String canary, String pools) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("canaries"));
        Files.writeString(dir.resolve("slo-classes.yaml"), SLO);
        Files.writeString(dir.resolve("pools.yaml"), pools);
        Files.writeString(dir.resolve("c.yaml"), canary);
        return new ConfigLoader(v -> Optional.empty(), FakeGuardrails.accepting()).load(dir, null, null);
    }
}
