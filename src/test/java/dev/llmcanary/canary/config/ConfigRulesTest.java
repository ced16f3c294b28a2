package dev.llmcanary.canary.config;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every validation rule, one named case each: a small configuration (valid defaults for the files a case does not
 * set) and the exact errors it must produce.
 */
class ConfigRulesTest {

    static final String SLO = """
            slo_classes:
              interactive: {ttft_seconds: 1.0, e2e_seconds: 2.0, stall_seconds: 2, stall_abort_seconds: 10}
              streaming: {min_output_tokens_per_second: 20}
            """;
    static final String POOLS = """
            pools:
              - name: chat
                flavor: openai-chat
                endpoints: [{name: e0, url: "http://localhost:8000"}]
                models: [m1]
            """;
    static final String HEAD = "id: a\nslo_class: interactive\n";
    static final String CHAT = HEAD + "messages: [{role: user, content: hi}]\n";

    @TempDir
    Path tmp;

    static Stream<Arguments> canaryRules() {
        return Stream.of(
                arguments("messages and prompt together", CHAT + "prompt: hi\n",
                        "canaries/c.yaml:4:9: prompt: give either 'messages' or 'prompt', not both (api chat takes"
                                + " 'messages')"),
                arguments("chat without messages", HEAD,
                        "canaries/c.yaml:1:1: messages: required field is missing (api chat needs at least one message)"),
                arguments("chat with only a prompt", HEAD + "prompt: hi\n",
                        "canaries/c.yaml:1:1: messages: api chat takes 'messages', not 'prompt' (or set api: completion)"),
                arguments("empty messages", HEAD + "messages: []\n",
                        "canaries/c.yaml:3:11: messages: must list at least one message"),
                arguments("message without content", HEAD + "messages: [{role: user}]\n",
                        "canaries/c.yaml:3:12: messages[0].content: required field is missing"),
                arguments("completion with messages", CHAT + "api: completion\n",
                        "canaries/c.yaml:3:11: messages: only for api chat; api completion takes 'prompt'"),
                arguments("completion without prompt", HEAD + "api: completion\n",
                        "canaries/c.yaml:1:1: prompt: required field is missing"),
                arguments("unknown api", CHAT + "api: embeddings\n",
                        "canaries/c.yaml:4:6: api: unknown value \"embeddings\"; valid: chat, completion"),
                arguments("invalid id", CHAT.replace("id: a", "id: A b"),
                        "canaries/c.yaml:1:5: id: \"A b\" is not a valid id ([a-z0-9][a-z0-9._-]*)"),
                arguments("missing id", CHAT.replace("id: a\n", ""),
                        "canaries/c.yaml:1:1: id: required field is missing"),
                arguments("max_tokens above 32768", CHAT + "max_tokens: 40000\n",
                        "canaries/c.yaml:4:13: max_tokens: must be between 1 and 32768, got 40000"),
                arguments("temperature above 2", CHAT + "temperature: 3\n",
                        "canaries/c.yaml:4:14: temperature: must be between 0 and 2, got 3.0"),
                arguments("top_p of 0 (would keep no token)", CHAT + "top_p: 0\n",
                        "canaries/c.yaml:4:8: top_p: must be greater than 0 and at most 1, got 0.0"),
                arguments("top_p above 1", CHAT + "top_p: 1.5\n",
                        "canaries/c.yaml:4:8: top_p: must be greater than 0 and at most 1, got 1.5"),
                arguments("top_p not a number", CHAT + "top_p: high\n",
                        "canaries/c.yaml:4:8: top_p: expected a number, got a string"),
                arguments("seed not an integer", CHAT + "seed: 1.5\n",
                        "canaries/c.yaml:4:7: seed: expected an integer, got a number"),
                arguments("stop not a string", CHAT + "stop: [1]\n",
                        "canaries/c.yaml:4:8: stop[0]: expected a string, got a number"),
                arguments("enabled not a boolean", CHAT + "enabled: maybe\n",
                        "canaries/c.yaml:4:10: enabled: expected a boolean (true or false), got a string"),
                arguments("interval below 1s", CHAT + "interval: 999ms\n",
                        "canaries/c.yaml:4:11: interval: must be at least 1s, got 999ms"),
                arguments("empty models list", CHAT + "models: []\n",
                        "canaries/c.yaml:4:9: models: must not be empty (use \"*\" for all)"),
                arguments("unknown pool given as a string", CHAT + "pools: gpu\n",
                        "canaries/c.yaml:4:8: pools: unknown pool \"gpu\"; defined: chat"),
                arguments("invalid header name", CHAT + "headers: {\"x y\": v}\n",
                        "canaries/c.yaml:4:11: headers.x y: \"x y\" is not a valid header name"
                                + " ([A-Za-z0-9!#$%&'*+.^_`|~-]+)"),
                arguments("unknown key in thresholds", CHAT + "thresholds: {ttft: 1}\n",
                        "canaries/c.yaml:4:14: thresholds.ttft: unknown key; allowed: ttft_seconds, e2e_seconds,"
                                + " min_output_tokens_per_second, stall_seconds, stall_abort_seconds, timeout_seconds"),
                arguments("negative threshold", CHAT + "thresholds: {e2e_seconds: -1}\n",
                        "canaries/c.yaml:4:27: thresholds.e2e_seconds: must be greater than 0, got -1.0"),
                arguments("tokens/s floor lowered", HEAD.replace("interactive", "streaming")
                                + "messages: [{role: user, content: hi}]\nthresholds: {min_output_tokens_per_second: 10}\n",
                        "canaries/c.yaml:4:44: thresholds.min_output_tokens_per_second: may only tighten the slo"
                                + " class: \"streaming\" sets min_output_tokens_per_second 20.0, this sets 10.0"),
                arguments("stall raised", CHAT + "thresholds: {stall_seconds: 3}\n",
                        "canaries/c.yaml:4:29: thresholds.stall_seconds: may only tighten the slo class:"
                                + " \"interactive\" sets stall_seconds 2.0, this sets 3.0"),
                arguments("stall abort tightened below stall", CHAT + "thresholds: {stall_abort_seconds: 1.5}\n",
                        "canaries/c.yaml:4:35: thresholds.stall_abort_seconds: stall_abort_seconds (1.5) must be"
                                + " greater than stall_seconds (2.0)"),
                arguments("guardrail with two keys", CHAT + "guardrails: [{contains: a, max_chars: 3}]\n",
                        "canaries/c.yaml:4:14: guardrails[0]: a guardrail is a single-key mapping {kind: spec},"
                                + " got 2 keys"),
                arguments("unresolved variable inside a guardrail spec", CHAT + "guardrails: [{contains: \"${WORD}\"}]\n",
                        "canaries/c.yaml:4:25: guardrails[0].contains: unresolved variable ${WORD}: define it or"
                                + " write ${WORD:default}"),
                arguments("guardrail spec error on a field a scalar spec lacks points at the spec",
                        CHAT + "guardrails:\n  - regex: \"(\"\n",
                        "canaries/c.yaml:5:12: guardrails[0].regex.pattern: invalid regular expression: Unclosed group"
                                + " near index 9"),
                arguments("guardrail factory failing unexpectedly", CHAT + "guardrails: [{broken: 1}]\n",
                        "canaries/c.yaml:4:15: guardrails[0].broken: guardrail could not be built:"
                                + " IllegalStateException"),
                arguments("a file that is a plain string", "hello\n",
                        "canaries/c.yaml:1:1: expected a canary mapping, a list of canaries or 'canaries: [...]',"
                                + " got a string"),
                arguments("canaries next to other keys", "canaries: []\nversion: 2\n",
                        "canaries/c.yaml:2:1: version: unknown key; allowed: canaries"),
                arguments("duplicate key", CHAT + "id: b\n",
                        "canaries/c.yaml:4:1: duplicate key \"id\""),
                arguments("duplicate id in one file", "- " + CHAT.replace("\n", "\n  ") + "\n- "
                                + CHAT.replace("\n", "\n  "),
                        "canaries/c.yaml:5:7: [1].id: duplicate canary id \"a\" (also defined at canaries/c.yaml:1:7)"),
                arguments("two YAML documents", CHAT + "---\n" + CHAT,
                        "canaries/c.yaml:5:1: a file holds one YAML document; remove the '---' separator"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("canaryRules")
    void canaryRule(String name, String canary, String expected) throws IOException {
        assertThat(errors(SLO, POOLS, canary)).containsExactly(expected);
    }

    static Stream<Arguments> poolRules() {
        String pool = "pools:\n  - name: p\n    flavor: openai-chat\n    models: [m1]\n";
        String endpoint = "    endpoints: [{name: e0, url: \"http://h:1\"}]\n";
        return Stream.of(
                arguments("missing endpoints", pool,
                        "canaries/pools.yaml:2:5: pools[0].endpoints: required field is missing"),
                arguments("empty endpoints", pool + "    endpoints: []\n",
                        "canaries/pools.yaml:5:16: pools[0].endpoints: must list at least one endpoint"),
                arguments("duplicate endpoint name", pool + "    endpoints: [{name: e0, url: \"http://a\"}, {name: e0, url: \"http://b\"}]\n",
                        "canaries/pools.yaml:5:53: pools[0].endpoints[1].name: duplicate endpoint name \"e0\" (first"
                                + " defined at line 5)"),
                arguments("url with user info", pool + "    endpoints: [{name: e0, url: \"http://u:p@h\"}]\n",
                        "canaries/pools.yaml:5:33: pools[0].endpoints[0].url: invalid URL: must not"
                                + " contain user info (use api_key_env for credentials)"),
                arguments("url without host", pool + "    endpoints: [{name: e0, url: \"http:///v1\"}]\n",
                        "canaries/pools.yaml:5:33: pools[0].endpoints[0].url: invalid URL: has no host"),
                arguments("duplicate pool name", pool + endpoint + "  - name: p\n    flavor: openai-chat\n    models: [m1]\n"
                                + endpoint,
                        "canaries/pools.yaml:6:11: pools[1].name: duplicate pool name \"p\" (first defined at line 2)"),
                arguments("duplicate model", pool.replace("[m1]", "[m1, m1]") + endpoint,
                        "canaries/pools.yaml:4:18: pools[0].models[1]: duplicate model \"m1\""),
                arguments("api_key_env not an env var name", pool + endpoint + "    api_key_env: my-key\n",
                        "canaries/pools.yaml:6:18: pools[0].api_key_env: \"my-key\" is not an environment variable"
                                + " name ([A-Z_][A-Z0-9_]*)"),
                arguments("require_done neither boolean nor auto", pool + endpoint + "    require_done: sometimes\n",
                        "canaries/pools.yaml:6:19: pools[0].require_done: unknown value \"sometimes\"; valid: auto,"
                                + " true, false"),
                arguments("unknown cumulative mode", pool + endpoint + "    cumulative: both\n",
                        "canaries/pools.yaml:6:17: pools[0].cumulative: unknown value \"both\"; valid: auto, delta,"
                                + " cumulative"),
                arguments("invalid label name", pool + endpoint + "    labels: {team-name: x}\n",
                        "canaries/pools.yaml:6:14: pools[0].labels.team-name: \"team-name\" is not a valid label name"
                                + " ([a-zA-Z_][a-zA-Z0-9_]*)"),
                arguments("pools not a list", "pools: {}\n",
                        "canaries/pools.yaml:1:8: pools: expected a list, got a mapping"),
                arguments("empty pools file", "",
                        "canaries/pools.yaml: file is empty; expected pools: [...]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolRules")
    void poolRule(String name, String pools, String expected) throws IOException {
        assertThat(errors(SLO, pools, null)).containsExactly(expected);
    }

    static Stream<Arguments> sloRules() {
        return Stream.of(
                arguments("objective of 1", "slo_classes:\n  a: {objective: 1}\n",
                        "canaries/slo-classes.yaml:2:18: slo_classes.a.objective: must be between 0 and 1 (exclusive),"
                                + " got 1.0"),
                arguments("latency percentile of 95", "slo_classes:\n  a: {latency_percentile: 95}\n",
                        "canaries/slo-classes.yaml:2:27: slo_classes.a.latency_percentile: must be between 0 and 1"
                                + " (exclusive), got 95.0"),
                arguments("default stall abort not above stall", "slo_classes:\n  a: {stall_seconds: 30}\n",
                        "canaries/slo-classes.yaml:2:22: slo_classes.a.stall_seconds: stall_abort_seconds (30.0)"
                                + " must be greater than stall_seconds (30.0)"),
                arguments("zero timeout", "slo_classes:\n  a: {timeout_seconds: 0}\n",
                        "canaries/slo-classes.yaml:2:24: slo_classes.a.timeout_seconds: must be greater than 0, got 0.0"),
                arguments("invalid class name", "slo_classes:\n  Fast: {}\n",
                        "canaries/slo-classes.yaml:2:3: slo_classes.Fast: \"Fast\" is not a valid name"
                                + " ([a-z0-9][a-z0-9._-]*)"),
                arguments("unknown class key", "slo_classes:\n  a: {ttft: 1}\n",
                        "canaries/slo-classes.yaml:2:7: slo_classes.a.ttft: unknown key; allowed: description,"
                                + " ttft_seconds, e2e_seconds, min_output_tokens_per_second, stall_seconds,"
                                + " stall_abort_seconds, timeout_seconds, objective, latency_percentile,"
                                + " headers_timeout_seconds, first_token_timeout_seconds, buffered_delivery"),
                arguments("first-token timeout above the total",
                        "slo_classes:\n  a: {timeout_seconds: 10, first_token_timeout_seconds: 20}\n",
                        "canaries/slo-classes.yaml:2:57: slo_classes.a.first_token_timeout_seconds:"
                                + " first_token_timeout_seconds (20.0) must not exceed timeout_seconds (10.0)"),
                arguments("headers timeout above the first-token timeout",
                        "slo_classes:\n  a: {first_token_timeout_seconds: 5, headers_timeout_seconds: 6}\n",
                        "canaries/slo-classes.yaml:2:64: slo_classes.a.headers_timeout_seconds:"
                                + " headers_timeout_seconds (6.0) must not exceed first_token_timeout_seconds (5.0)"),
                arguments("headers timeout above the default total",
                        "slo_classes:\n  a: {headers_timeout_seconds: 200}\n",
                        "canaries/slo-classes.yaml:2:32: slo_classes.a.headers_timeout_seconds:"
                                + " headers_timeout_seconds (200.0) must not exceed timeout_seconds (120.0)"),
                arguments("zero first-token timeout", "slo_classes:\n  a: {first_token_timeout_seconds: 0}\n",
                        "canaries/slo-classes.yaml:2:36: slo_classes.a.first_token_timeout_seconds: must be greater"
                                + " than 0, got 0.0"),
                arguments("missing slo_classes key", "classes: {}\n",
                        "canaries/slo-classes.yaml:1:1: classes: unknown key; allowed: slo_classes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sloRules")
    void sloRule(String name, String slo, String expected) throws IOException {
        assertThat(errors(slo, POOLS, null)).first().isEqualTo(expected);
    }

    private List<String> errors(String slo, String pools, String canary) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("canaries"));
        Files.writeString(dir.resolve("slo-classes.yaml"), slo);
        Files.writeString(dir.resolve("pools.yaml"), pools);
        if (canary != null) {
            Files.writeString(dir.resolve("c.yaml"), canary);
        }
        LoadResult result = new ConfigLoader(v -> Optional.empty(), FakeGuardrails.rejectingRegex())
                .load(dir, null, null);
        assertThat(result.catalog()).isNull();
        return result.errors().stream().map(ConfigError::toString).toList();
    }
}
