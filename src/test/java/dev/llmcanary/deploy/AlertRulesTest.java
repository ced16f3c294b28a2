package dev.llmcanary.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the shipped alert rules' metadata (severity, summary, description, a runbook that exists) and that the
 * SLO class limits recorded as series match canaries/slo-classes.yaml.
 */
class AlertRulesTest {

    static final YAMLMapper YAML = new YAMLMapper();
    static final String RUNBOOKS = "https://llm-canary.invalid/deploy/runbooks/";

    static List<JsonNode> rules(String file) throws IOException {
        List<JsonNode> rules = new ArrayList<>();
        YAML.readTree(Path.of("deploy/prometheus", file).toFile()).get("groups")
                .forEach(g -> g.get("rules").forEach(rules::add));
        return rules;
    }

    static Stream<Arguments> alerts() throws IOException {
        return rules("alerts.yaml").stream().map(r -> Arguments.of(r.get("alert").asText(), r));
    }

    @ParameterizedTest(name = "{0} has severity, summary, description and an existing runbook")
    @MethodSource("alerts")
    void alertHasMetadataAndRunbook(String name, JsonNode rule) {
        assertThat(rule.path("labels").path("severity").asText()).isIn("page", "ticket", "info");
        assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
        assertThat(rule.path("annotations").path("description").asText()).isNotBlank();
        String url = rule.path("annotations").path("runbook_url").asText();
        assertThat(url).startsWith(RUNBOOKS);
        Path page = Path.of("deploy/runbooks", url.substring(RUNBOOKS.length()).replaceAll("#.*", ""));
        assertThat(page).exists();
    }

    @ParameterizedTest(name = "{0}: held back during load probes exactly when computed from canary runs")
    @MethodSource("alerts")
    void canaryRunAlertsAreHeldBackDuringLoadProbes(String name, JsonNode rule) {
        String expr = rule.get("expr").asText();
        boolean fromRuns = Stream.of("llm_canary:success", "llm_canary:ttft", "llm_canary:output_tokens",
                "llm_canary:stream_violations", "llm_canary_guardrail_results", "llm_canary_runs_total").anyMatch(expr::contains);
        assertThat(expr.contains("unless on (pool) (max by (pool) (llm_loadprobe_active) == 1)")).isEqualTo(fromRuns);
    }

    static Stream<Arguments> classLimits() {
        return Stream.of(
                Arguments.of("llm_canary:slo_objective:ratio", "objective"),
                Arguments.of("llm_canary:slo_ttft_threshold:seconds", "ttft_seconds"),
                Arguments.of("llm_canary:slo_e2e_threshold:seconds", "e2e_seconds"),
                Arguments.of("llm_canary:slo_min_output_tokens_per_second", "min_output_tokens_per_second"));
    }

    @ParameterizedTest(name = "{0} matches {1} of every class in canaries/slo-classes.yaml")
    @MethodSource("classLimits")
    void recordedClassLimitsMatchTheShippedClasses(String record, String key) throws IOException {
        JsonNode classes = YAML.readTree(Path.of("canaries/slo-classes.yaml").toFile()).get("slo_classes");
        List<String> expected = new ArrayList<>();
        classes.fields().forEachRemaining(c -> {
            if (c.getValue().has(key)) {
                expected.add(c.getKey() + "=" + c.getValue().get(key).asDouble());
            }
        });
        List<String> recorded = rules("rules.yaml").stream().filter(r -> record.equals(r.path("record").asText()))
                .map(r -> r.get("labels").get("slo_class").asText() + "="
                        + Double.parseDouble(r.get("expr").asText().replaceAll("vector\\((.*)\\)", "$1")))
                .toList();
        assertThat(recorded).containsExactlyInAnyOrderElementsOf(expected).isNotEmpty();
    }

    @Test
    void everyRunbookPageHasTheFourSections() throws IOException {
        try (Stream<Path> pages = Files.list(Path.of("deploy/runbooks"))) {
            for (Path p : pages.filter(f -> !f.endsWith("README.md")).toList()) {
                assertThat(Files.readString(p)).as("%s", p).contains("## What it means", "## First three checks",
                        "## Likely causes", "## Mitigations", "```promql");
            }
        }
    }
}
