package dev.llmcanary.loader;

import dev.llmcanary.canary.config.FakeGuardrails;
import dev.llmcanary.config.ConfigError;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * One invalid fixture per kind of configuration error, each paired with the exact errors it must produce. A fixture
 * directory holds only the files it breaks; the others come from {@code config/base}.
 */
class ConfigLoaderErrorsTest {

    private static final Path FIXTURES = Path.of("src/test/resources/config");
    private static final String BASE_POOLS = "src/test/resources/config/base/pools.yaml";
    private static final String BASE_SLO = "src/test/resources/config/base/slo-classes.yaml";

    static Stream<Arguments> invalidFixtures() {
        return Stream.of(
                arguments("unknown key", "unknown-key", List.of(
                        "unknown-key/c.yaml:4:1: max_token: unknown key; allowed: id, description, models, pools,"
                                + " slo_class, api, messages, prompt, max_tokens, temperature, top_p, seed, stop,"
                                + " ignore_eos, interval, headers, thresholds, guardrails, enabled, priority,"
                                + " consistency, golden")),
                arguments("missing required field", "missing-field", List.of(
                        "missing-field/c.yaml:1:1: slo_class: required field is missing")),
                arguments("bad type", "bad-type", List.of(
                        "bad-type/c.yaml:4:13: max_tokens: expected an integer, got a string")),
                arguments("bad duration", "bad-duration", List.of(
                        "bad-duration/c.yaml:4:11: interval: invalid duration \"5 minutes\": use 500ms, 30s, 5m, 1h"
                                + " or a number of seconds")),
                arguments("unknown slo class", "unknown-slo-class", List.of(
                        "unknown-slo-class/c.yaml:2:12: slo_class: unknown slo class \"realtime\"; defined:"
                                + " interactive, streaming")),
                arguments("unknown flavor", "unknown-flavor", List.of(
                        "unknown-flavor/pools.yaml:3:13: pools[0].flavor: unknown flavor \"openai-chatt\"; valid:"
                                + " openai-chat, openai-completions, tgi-generate, triton-generate,"
                                + " llamacpp-completion")),
                arguments("duplicate id across files", "duplicate-id", List.of(
                        "duplicate-id/b.yaml:5:9: canaries[1].id: duplicate canary id \"same\" (also defined at"
                                + " duplicate-id/a.yaml:1:5)")),
                arguments("threshold loosened", "threshold-loosened", List.of(
                        "threshold-loosened/c.yaml:5:17: thresholds.ttft_seconds: may only tighten the slo class:"
                                + " \"interactive\" sets ttft_seconds 1.0, this sets 1.5")),
                arguments("bad url", "bad-url", List.of(
                        "bad-url/pools.yaml:6:14: pools[0].endpoints[0].url: invalid URL: must not have a query or fragment")),
                arguments("yaml syntax error", "yaml-syntax", List.of(
                        "yaml-syntax/c.yaml:4:1: YAML syntax error: expected ',' or ']', but got <stream end>"
                                + " (while parsing a flow sequence)")),
                arguments("unresolved variable", "unresolved-variable", List.of(
                        "unresolved-variable/pools.yaml:6:14: pools[0].endpoints[0].url: unresolved variable"
                                + " ${INFERENCE_URL}: define it or write ${INFERENCE_URL:default}")),
                arguments("guardrail spec error", "guardrail-spec", List.of(
                        "guardrail-spec/c.yaml:8:20: canaries[0].guardrails[1].regex.pattern: invalid regular"
                                + " expression: Unclosed group near index 9")),
                arguments("bad quiet windows and pool limits", "bad-quiet-window", List.of(
                        "bad-quiet-window/pools.yaml:7:30: pools[0].max_concurrent_canaries: must be at least 1, got 0",
                        "bad-quiet-window/pools.yaml:8:35: pools[0].canary_token_budget_per_hour: must be at least 1"
                                + " (leave it out for unlimited), got 0",
                        "bad-quiet-window/pools.yaml:10:17: pools[0].quiet_windows[0].cron: invalid cron expression"
                                + " \"0 2 * *\": expected 5 fields (Unix) or 6 to 7 fields (Quartz), got 4",
                        "bad-quiet-window/pools.yaml:11:17: pools[0].quiet_windows[1].cron: invalid cron expression"
                                + " \"0 25 * * SUN\": Value 25 not in range [0, 23]",
                        "bad-quiet-window/pools.yaml:12:42: pools[0].quiet_windows[2].duration: invalid duration"
                                + " \"2 hours\": use 500ms, 30s, 5m, 1h or a number of seconds",
                        "bad-quiet-window/pools.yaml:13:57: pools[0].quiet_windows[3].time_zone: unknown time zone"
                                + " \"Europe/Berlinn\"; use a region such as Europe/Berlin or an offset such as +01:00",
                        "bad-quiet-window/pools.yaml:14:42: pools[0].quiet_windows[4].duration: must be greater than 0",
                        "bad-quiet-window/pools.yaml:15:25: pools[0].quiet_windows[5].timezone: unknown key; allowed:"
                                + " cron, duration, time_zone",
                        "bad-quiet-window/pools.yaml:15:9: pools[0].quiet_windows[5].cron: required field is missing")),
                arguments("bad discovery", "bad-discovery", List.of(
                        "bad-discovery/pools.yaml:6:63: pools[0].discovery.dns.schema: unknown key; allowed: name,"
                                + " port, scheme, refresh",
                        "bad-discovery/pools.yaml:6:40: pools[0].discovery.dns.port: must be between 1 and 65535,"
                                + " got 70000",
                        "bad-discovery/pools.yaml:6:56: pools[0].discovery.dns.refresh: must be at least 1s, got 500ms",
                        "bad-discovery/pools.yaml:11:7: pools[1].discovery: must declare exactly one of dns,"
                                + " kubernetes",
                        "bad-discovery/pools.yaml:16:16: pools[2].discovery: must declare exactly one of dns,"
                                + " kubernetes",
                        "bad-discovery/pools.yaml:21:19: pools[3].discovery.kubernetes.namespace: required field is"
                                + " missing",
                        "bad-discovery/pools.yaml:21:19: pools[3].discovery.kubernetes.selector: required field is"
                                + " missing",
                        "bad-discovery/pools.yaml:21:19: pools[3].discovery.kubernetes.port_name: give exactly one of"
                                + " port_name, port",
                        "bad-discovery/pools.yaml:21:58: pools[3].discovery.kubernetes.scheme: unknown value \"grpc\";"
                                + " valid: http, https",
                        "bad-discovery/pools.yaml:27:7: pools[4].discovery.consul: unknown key; allowed: dns,"
                                + " kubernetes",
                        "bad-discovery/pools.yaml:26:12: pools[4].discovery.dns.name: required field is missing",
                        "bad-discovery/pools.yaml:26:20: pools[4].discovery.dns.port: must be between 1 and 65535,"
                                + " got 0")),
                arguments("bad evidence", "bad-evidence", List.of(
                        "bad-evidence/pools.yaml:6:15: pools[0].evidence: needs server_metrics, prometheus or both",
                        "bad-evidence/pools.yaml:6:31: pools[0].evidence.min_interval: must be greater than 0",
                        "bad-evidence/pools.yaml:6:44: pools[0].evidence.timeout: must be at most 30s, got 1m",
                        "bad-evidence/pools.yaml:12:76: pools[1].evidence.server_metrics.scrape: unknown key;"
                                + " allowed: dialect, path, port, mapping",
                        "bad-evidence/pools.yaml:12:34: pools[1].evidence.server_metrics.dialect: unknown dialect"
                                + " \"sglang\"; valid: vllm, tgi, llamacpp, triton, auto",
                        "bad-evidence/pools.yaml:12:48: pools[1].evidence.server_metrics.path: \"metrics?x=1\" is"
                                + " not a URL path (/[A-Za-z0-9._~/-]*)",
                        "bad-evidence/pools.yaml:12:69: pools[1].evidence.server_metrics.port: must be between 1"
                                + " and 65535, got 70000",
                        "bad-evidence/pools.yaml:20:11: pools[2].evidence.server_metrics.mapping.queue_length:"
                                + " unknown figure; valid: requests_running, requests_waiting, kv_cache_usage_ratio,"
                                + " queue_time_seconds, gpu_utilization_ratio, gpu_memory_used_bytes",
                        "bad-evidence/pools.yaml:21:62:"
                                + " pools[2].evidence.server_metrics.mapping.kv_cache_usage_ratio.scale: must be greater"
                                + " than 0, got 0.0",
                        "bad-evidence/pools.yaml:21:43:"
                                + " pools[2].evidence.server_metrics.mapping.kv_cache_usage_ratio.metric: \"kv usage\" is"
                                + " not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)",
                        "bad-evidence/pools.yaml:22:31:"
                                + " pools[2].evidence.server_metrics.mapping.queue_time_seconds.count: required field is"
                                + " missing",
                        "bad-evidence/pools.yaml:29:14: pools[3].evidence.prometheus.url: invalid URL: must not"
                                + " contain user info (use api_key_env for credentials)",
                        "bad-evidence/pools.yaml:31:34:"
                                + " pools[3].evidence.prometheus.queries.gpu_utilization_ratio: unknown placeholder ${pod};"
                                + " queries may use ${pool}, ${endpoint} and ${instance}",
                        "bad-evidence/pools.yaml:32:11: pools[3].evidence.prometheus.queries.GPU: \"GPU\" is not a"
                                + " figure name ([a-z_][a-z0-9_]*)",
                        "bad-evidence/pools.yaml:33:33: pools[3].evidence.prometheus.queries.kv_cache_usage_ratio:"
                                + " expected a PromQL query string, got a number")),
                arguments("bad priority", "bad-priority", List.of(
                        "bad-priority/c.yaml:4:11: priority: unknown value \"high\"; valid: normal, low")),
                arguments("bad buffered_delivery", "bad-buffered-delivery", List.of(
                        "bad-buffered-delivery/slo-classes.yaml:4:37: slo_classes.interactive.buffered_delivery"
                                + ".min_chunks: must be between 2 and 1000000, got 1",
                        "bad-buffered-delivery/slo-classes.yaml:4:62: slo_classes.interactive.buffered_delivery"
                                + ".max_chunks_per_burst: must be between 1 and 1000000, got 0",
                        "bad-buffered-delivery/slo-classes.yaml:9:7: slo_classes.streaming.buffered_delivery"
                                + ".max_bursts: unknown key; allowed: enabled, min_chunks, max_chunks_per_burst",
                        "bad-buffered-delivery/slo-classes.yaml:8:16: slo_classes.streaming.buffered_delivery"
                                + ".enabled: expected a boolean (true or false), got a string",
                        "bad-buffered-delivery/slo-classes.yaml:12:24: slo_classes.batch.buffered_delivery:"
                                + " expected a mapping, got a boolean")),
                arguments("consistency without deterministic sampling", "bad-consistency", List.of(
                        "bad-consistency/c.yaml:4:14: temperature: must be 0 for a canary with consistency (sampling"
                                + " makes answers differ by design), got 0.5",
                        "bad-consistency/c.yaml:5:14: consistency: needs deterministic sampling: set a fixed seed"
                                + " (pool \"chat\" is openai-chat, which takes one)")),
                arguments("several errors in three files at once", "several-errors", List.of(
                        "several-errors/slo-classes.yaml:5:26: slo_classes.interactive.stall_abort_seconds:"
                                + " stall_abort_seconds (5.0) must be greater than stall_seconds (10.0)",
                        "several-errors/pools.yaml:5:26: pools[0].endpoints[0].url: invalid URL:"
                                + " must start with http:// or https://",
                        "several-errors/pools.yaml:6:13: pools[0].models: must list at least one model",
                        "several-errors/c.yaml:1:7: [0].id: \"Bad_Id\" is not a valid id ([a-z0-9][a-z0-9._-]*)",
                        "several-errors/c.yaml:5:15: [0].max_tokens: must be between 1 and 32768, got 0",
                        "several-errors/c.yaml:8:17: [1].pools[1]: unknown pool \"gpu\"; defined: chat",
                        "several-errors/c.yaml:9:21: [1].messages[0].role: unknown role \"robot\"; valid: system,"
                                + " user, assistant",
                        "several-errors/c.yaml:10:13: [1].interval: must be at least 1s, got 500ms")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFixtures")
    void reportsExactErrors(String name, String fixture, List<String> expected) {
        Path dir = FIXTURES.resolve(fixture);
        Path pools = Files.exists(dir.resolve("pools.yaml")) ? null : Path.of(BASE_POOLS);
        Path slo = Files.exists(dir.resolve("slo-classes.yaml")) ? null : Path.of(BASE_SLO);
        ConfigLoader loader = new ConfigLoader(v -> Optional.empty(), FakeGuardrails.rejectingRegex());

        LoadResult result = loader.load(dir, pools, slo);

        assertThat(result.ok()).isFalse();
        assertThat(result.catalog()).isNull();
        assertThat(result.errors()).map(ConfigError::toString).containsExactlyElementsOf(expected);
    }
}
