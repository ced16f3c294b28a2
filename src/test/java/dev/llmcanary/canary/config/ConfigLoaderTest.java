package dev.llmcanary.canary.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.evidence.EvidenceSettings;
import dev.llmcanary.evidence.Figure;
import dev.llmcanary.evidence.FigureRule;
import dev.llmcanary.evidence.MetricsDialect;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.stream.BufferedDelivery;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.stream.Cumulative;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.llmcanary.canary.config.ConfigRulesTest.CHAT;
import static dev.llmcanary.canary.config.ConfigRulesTest.POOLS;
import static dev.llmcanary.canary.config.ConfigRulesTest.SLO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What a valid configuration loads into: file forms, defaults, placeholders, durations, file selection. */
class ConfigLoaderTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final Map<String, String> VARS = Map.of("HOST", "gpu-1", "TIMEOUT", "45");

    @TempDir
    Path tmp;

    private final List<String> guardrailSpecs = new ArrayList<>();

    @Test
    void appliesDefaults() throws IOException {
        Catalog catalog = load(Map.of("c.yaml", CHAT));

        CanaryDefinition c = catalog.canary("a").orElseThrow();
        assertThat(c.api()).isEqualTo(Api.CHAT);
        assertThat(c.models()).containsExactly("*");
        assertThat(c.pools()).containsExactly("*");
        assertThat(c.maxTokens()).isEqualTo(64);
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.enabled()).isTrue();
        assertThat(c.stop()).isEmpty();
        assertThat(c.headers()).isEmpty();
        assertThat(c.source()).isEqualTo("canaries/c.yaml");
        Pool pool = catalog.pool("chat").orElseThrow();
        assertThat(pool.deviceType()).isEqualTo("unknown");
        assertThat(pool.requireDone()).isEqualTo(RequireDone.AUTO);
        assertThat(pool.cumulative()).isEqualTo(Cumulative.AUTO);
        assertThat(pool.apiKeyEnv()).isNull();
        assertThat(pool.labels()).isEmpty();
        assertThat(catalog.sloClasses().get("streaming")).isEqualTo(
                new SloClass("streaming", new Thresholds(null, null, 20.0, 5, 30, 120), 0.99, 0.95));
        assertThat(catalog.loadedAt()).isEqualTo(NOW);
    }

    @Test
    void bufferedDeliveryIsJudgedByDefaultAndPerClass() throws IOException {
        Files.createDirectories(tmp.resolve("canaries"));
        Files.writeString(tmp.resolve("canaries/slo-classes.yaml"), """
                slo_classes:
                  streaming: {ttft_seconds: 0.8}
                  interactive:
                    e2e_seconds: 2
                    buffered_delivery: {min_chunks: 16, max_chunks_per_burst: 2}
                  batch:
                    e2e_seconds: 60
                    buffered_delivery: {enabled: false}
                """);
        Catalog catalog = load(Map.of("c.yaml", CHAT));

        assertThat(catalog.sloClasses().get("streaming").bufferedDelivery()).isEqualTo(BufferedDelivery.DEFAULT)
                .isEqualTo(new BufferedDelivery(8, 4));
        assertThat(catalog.sloClasses().get("interactive").bufferedDelivery()).isEqualTo(new BufferedDelivery(16, 2));
        assertThat(catalog.sloClasses().get("batch").bufferedDelivery()).isNull();
    }

    @Test
    void theShippedClassesJudgeDeliveryExceptBatch() throws IOException {
        writeFiles(Map.of("c.yaml", CHAT));
        LoadResult result = loader().load(tmp.resolve("canaries"), null, Path.of("canaries/slo-classes.yaml"));
        assertThat(result.errors()).isEmpty();
        Map<String, SloClass> classes = result.catalog().sloClasses();
        assertThat(classes.get("interactive").bufferedDelivery()).isEqualTo(BufferedDelivery.DEFAULT);
        assertThat(classes.get("streaming").bufferedDelivery()).isEqualTo(BufferedDelivery.DEFAULT);
        assertThat(classes.get("batch").bufferedDelivery()).isNull();
    }

    @Test
    void readsEveryField() throws IOException {
        Catalog catalog = load(Map.of("c.yaml", """
                id: full
                description: all keys
                models: [m1]
                pools: chat
                slo_class: interactive
                api: chat
                messages:
                  - {role: system, content: be brief}
                  - {role: user, content: hi}
                max_tokens: 10
                temperature: 0.5
                top_p: 0.9
                seed: 7
                stop: END
                ignore_eos: true
                interval: 1.5m
                headers: {X-Team: infra, X-Version: 2}
                thresholds: {ttft_seconds: 0.5, timeout_seconds: "${TIMEOUT}"}
                guardrails:
                  - contains: "${HOST}"
                  - regex: {pattern: "^a$", flags: [i]}
                enabled: false
                """));

        CanaryDefinition c = catalog.canary("full").orElseThrow();
        assertThat(c.pools()).containsExactly("chat");
        assertThat(c.messages()).extracting(m -> m.role()).containsExactly("system", "user");
        assertThat(c.temperature()).isEqualTo(0.5);
        assertThat(c.topP()).isEqualTo(0.9);
        assertThat(c.seed()).isEqualTo(7L);
        assertThat(c.stop()).containsExactly("END");
        assertThat(c.ignoreEos()).isTrue();
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.headers()).containsEntry("X-Team", "infra").containsEntry("X-Version", "2");
        assertThat(catalog.thresholdsOf(c)).isEqualTo(new Thresholds(0.5, 2.0, null, 2, 10, 45));
        assertThat(c.enabled()).isFalse();
        assertThat(guardrailSpecs).containsExactly("contains=\"gpu-1\"", "regex={\"pattern\":\"^a$\",\"flags\":[\"i\"]}");
    }

    @Test
    void readsThePoolFields() throws IOException {
        writeFiles(Map.of("pools.yaml", """
                pools:
                  - name: tgi
                    device_type: a100
                    flavor: openai-chat
                    endpoints: [{name: e0, url: "${URL:http://localhost:3000/base}"}]
                    models: [m1]
                    api_key_env: TGI_KEY
                    require_done: false
                    cumulative: delta
                    labels: {team: infra, tier: 1}
                """));
        Pool pool = loadOk().pool("tgi").orElseThrow();

        assertThat(pool.endpoints().get(0).baseUrl()).isEqualTo(URI.create("http://localhost:3000/base"));
        assertThat(pool.apiKeyEnv()).isEqualTo("TGI_KEY");
        assertThat(pool.requireDone()).isEqualTo(RequireDone.FALSE);
        assertThat(pool.requiresDone()).isFalse();
        assertThat(pool.cumulative()).isEqualTo(Cumulative.DELTA);
        assertThat(pool.labels()).containsEntry("tier", "1");
    }

    static Stream<Arguments> fileForms() {
        String second = CHAT.replace("id: a", "id: b");
        return Stream.of(
                arguments("one canary mapping", CHAT, List.of("a")),
                arguments("a top-level list", "- " + CHAT.replace("\n", "\n  ") + "\n- " + second.replace("\n", "\n  "),
                        List.of("a", "b")),
                arguments("canaries: [...]", "canaries:\n  - " + CHAT.replace("\n", "\n    ") + "\n  - "
                        + second.replace("\n", "\n    "), List.of("a", "b")),
                arguments("an empty file", "# nothing yet\n", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fileForms")
    void readsEachFileForm(String name, String content, List<String> ids) throws IOException {
        assertThat(load(Map.of("c.yaml", content)).canaries()).extracting(CanaryDefinition::id)
                .containsExactlyElementsOf(ids);
    }

    @Test
    void readsYamlAndYmlFilesSortedByNameAndSkipsOthers() throws IOException {
        Catalog catalog = load(Map.of(
                "b.yml", CHAT.replace("id: a", "id: from-b"),
                "a.yaml", CHAT.replace("id: a", "id: from-a"),
                ".hidden.yaml", "not: [valid",
                "notes.txt", "not: [valid"));

        assertThat(catalog.canaries()).extracting(CanaryDefinition::source).containsExactly("canaries/a.yaml",
                "canaries/b.yml");
    }

    @Test
    void neverReadsReservedNamesAsCanariesEvenWhenPathsAreOverridden() throws IOException {
        writeFiles(Map.of("c.yaml", CHAT));
        Path elsewhere = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(elsewhere.resolve("p.yaml"), POOLS);
        Files.writeString(elsewhere.resolve("s.yaml"), SLO);

        LoadResult result = loader().load(tmp.resolve("canaries"), elsewhere.resolve("p.yaml"),
                elsewhere.resolve("s.yaml"));

        // canaries/pools.yaml and slo-classes.yaml still exist (written by writeFiles) but must be ignored
        assertThat(result.errors()).isEmpty();
        assertThat(result.catalog().canaries()).extracting(CanaryDefinition::id).containsExactly("a");
    }

    @Test
    void reportsAMissingPoolsFile() throws IOException {
        writeFiles(Map.of("c.yaml", CHAT));
        Files.delete(tmp.resolve("canaries/pools.yaml"));

        assertThat(loader().load(tmp.resolve("canaries"), null, null).errors()).map(ConfigError::toString)
                .containsExactly("canaries/pools.yaml: file not found");
    }

    static Stream<Arguments> durations() {
        return Stream.of(
                arguments("500ms", Duration.ofMillis(500)),
                arguments("30s", Duration.ofSeconds(30)),
                arguments("5m", Duration.ofMinutes(5)),
                arguments("1h", Duration.ofHours(1)),
                arguments("90", Duration.ofSeconds(90)),
                arguments("1.5", Duration.ofMillis(1500)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("durations")
    void parsesDurations(String text, Duration expected) {
        assertThat(Durations.parse(text)).contains(expected);
    }

    static Stream<Arguments> placeholders() {
        return Stream.of(
                arguments("a defined variable", "http://${HOST}:8000", "http://gpu-1:8000"),
                arguments("a default when undefined", "${PORT:9000}", "9000"),
                arguments("the value over the default", "${HOST:other}", "gpu-1"),
                arguments("an empty default", "x${NOPE:}y", "xy"),
                arguments("no placeholder", "plain", "plain"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("placeholders")
    void substitutesPlaceholders(String name, String text, String expected) {
        assertThat(new Placeholders(v -> Optional.ofNullable(VARS.get(v))).substitute(text).text()).isEqualTo(expected);
    }

    @Test
    void schedulingKeysDefaultToFourConcurrentNoBudgetNoQuietWindowAndNormalPriority() throws IOException {
        Catalog catalog = load(Map.of("c.yaml", CHAT));

        assertThat(catalog.pool("chat").orElseThrow().scheduling()).isEqualTo(Pool.Scheduling.defaults());
        assertThat(catalog.pool("chat").orElseThrow().evidence()).as("no evidence unless configured").isNull();
        assertThat(Pool.Scheduling.defaults().maxConcurrentCanaries()).isEqualTo(4);
        assertThat(Pool.Scheduling.defaults().tokenBudgetPerHour()).isNull();
        assertThat(catalog.canary("a").orElseThrow().priority()).isEqualTo(CanaryDefinition.Priority.NORMAL);
    }

    @Test
    void readsSchedulingKeys() throws IOException {
        Catalog catalog = load(Map.of("c.yaml", CHAT + "priority: low\n", "pools.yaml", """
                pools:
                  - name: chat
                    flavor: openai-chat
                    endpoints: [{name: e0, url: "http://localhost:8000"}]
                    models: [m1]
                    max_concurrent_canaries: 2
                    canary_token_budget_per_hour: 50000
                    quiet_windows:
                      - {cron: "0 2 * * SUN", duration: 2h, time_zone: Europe/Berlin}
                      - {cron: "0 30 4 ? * MON-FRI", duration: 15m}
                """));

        Pool.Scheduling s = catalog.pool("chat").orElseThrow().scheduling();
        assertThat(s.maxConcurrentCanaries()).isEqualTo(2);
        assertThat(s.tokenBudgetPerHour()).isEqualTo(50_000L);
        assertThat(s.quietWindows()).extracting(Pool.QuietWindow::expression, Pool.QuietWindow::duration,
                        w -> w.zone().getId())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("0 2 * * SUN", Duration.ofHours(2), "Europe/Berlin"),
                        org.assertj.core.groups.Tuple.tuple("0 30 4 ? * MON-FRI", Duration.ofMinutes(15), "Z"));
        assertThat(catalog.canary("a").orElseThrow().priority()).isEqualTo(CanaryDefinition.Priority.LOW);
    }

    @Test
    void readsEvidenceKeys() throws IOException {
        Catalog catalog = load(Map.of("c.yaml", CHAT, "pools.yaml", """
                pools:
                  - name: chat
                    flavor: openai-chat
                    endpoints: [{name: e0, url: "http://localhost:8000"}]
                    models: [m1]
                    evidence:
                      server_metrics:
                        dialect: triton
                        port: 8002
                        mapping:
                          requests_running: [my_running, other_running]
                          kv_cache_usage_ratio: {metric: my_kv_percent, scale: 0.01}
                          queue_time_seconds: {sum: q_sum, count: q_count}
                      prometheus:
                        url: http://prometheus:9090
                        queries:
                          gpu_utilization_ratio: 'avg(DCGM_FI_DEV_GPU_UTIL{pod="${endpoint}"}) / 100'
                      min_interval: 30s
                      max_age: 2m
                      timeout: 500ms
                  - name: plain
                    flavor: openai-chat
                    endpoints: [{name: e0, url: "http://localhost:8000"}]
                    models: [m1]
                    evidence: {server_metrics: {}}
                """));

        EvidenceSettings e = catalog.pool("chat").orElseThrow().evidence();
        assertThat(e.serverMetrics()).isEqualTo(new EvidenceSettings.ServerMetrics(MetricsDialect.TRITON, "/metrics",
                8002, Map.of(
                        Figure.REQUESTS_RUNNING, new FigureRule.Gauge(List.of("my_running", "other_running"), 1.0),
                        Figure.KV_CACHE_USAGE_RATIO, new FigureRule.Gauge(List.of("my_kv_percent"), 0.01),
                        Figure.QUEUE_TIME_SECONDS, new FigureRule.Mean("q_sum", "q_count", 1.0))));
        assertThat(e.prometheus().url()).isEqualTo(URI.create("http://prometheus:9090"));
        assertThat(e.prometheus().queries()).containsExactly(Map.entry("gpu_utilization_ratio",
                "avg(DCGM_FI_DEV_GPU_UTIL{pod=\"${endpoint}\"}) / 100"));
        assertThat(List.of(e.minInterval(), e.maxAge(), e.timeout())).containsExactly(Duration.ofSeconds(30),
                Duration.ofMinutes(2), Duration.ofMillis(500));
        EvidenceSettings plain = catalog.pool("plain").orElseThrow().evidence();
        assertThat(plain).isEqualTo(new EvidenceSettings(new EvidenceSettings.ServerMetrics(MetricsDialect.AUTO,
                "/metrics", null, Map.of()), null, EvidenceSettings.DEFAULT_MIN_INTERVAL,
                EvidenceSettings.DEFAULT_MAX_AGE, EvidenceSettings.DEFAULT_TIMEOUT));
    }

    private Catalog load(Map<String, String> canaryFiles) throws IOException {
        writeFiles(canaryFiles);
        return loadOk();
    }

    private Catalog loadOk() {
        LoadResult result = loader().load(tmp.resolve("canaries"), null, null);
        assertThat(result.errors()).isEmpty();
        assertThat(result.ok()).isTrue();
        return result.catalog();
    }

    private ConfigLoader loader() {
        GuardrailFactory accept = FakeGuardrails.accepting();
        GuardrailFactory recording = (kind, spec) -> {
            guardrailSpecs.add(kind + "=" + spec);
            return accept.create(kind, spec);
        };
        return new ConfigLoader(v -> Optional.ofNullable(VARS.get(v)), recording, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private void writeFiles(Map<String, String> files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("canaries"));
        if (!Files.exists(dir.resolve("slo-classes.yaml"))) {
            Files.writeString(dir.resolve("slo-classes.yaml"), SLO);
        }
        if (!files.containsKey("pools.yaml") && !Files.exists(dir.resolve("pools.yaml"))) {
            Files.writeString(dir.resolve("pools.yaml"), POOLS);
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
    }
}
