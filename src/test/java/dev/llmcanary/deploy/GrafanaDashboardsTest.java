package dev.llmcanary.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks the shipped Grafana dashboards: valid JSON, the variables, every panel on the datasource variable. */
class GrafanaDashboardsTest {

    static final Path DASHBOARDS = Path.of("deploy/grafana/dashboards");
    static final String DATASOURCE = "${datasource}";

    static Stream<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    /** Every panel, rows' nested panels included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            all.add(p);
            p.path("panels").forEach(all::add);
        });
        return all;
    }

    @Test
    void theFourDashboardsOfTheIssueShip() throws IOException {
        assertThat(dashboards().map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                "canary-overview.json", "stream-health.json", "load-probes-capacity.json", "slo-budgets.json");
    }

    @ParameterizedTest(name = "{0}: datasource, pool, model and slo_class variables")
    @MethodSource("dashboards")
    void hasTheVariables(Path file) throws IOException {
        JsonNode d = new ObjectMapper().readTree(file.toFile());
        assertThat(d.get("uid").asText()).isNotBlank();
        List<String> names = new ArrayList<>();
        d.path("templating").path("list").forEach(v -> names.add(v.get("name").asText()));
        assertThat(names).containsSubsequence("datasource", "pool", "model", "slo_class");
        JsonNode ds = d.path("templating").path("list").get(0);
        assertThat(ds.get("type").asText()).isEqualTo("datasource");
        assertThat(ds.get("query").asText()).isEqualTo("prometheus");
        d.path("templating").path("list").forEach(v -> {
            if (v.get("type").asText().equals("query")) {
                assertThat(v.get("datasource").get("uid").asText()).isEqualTo(DATASOURCE);
                assertThat(v.get("allValue").asText()).isEqualTo(".*");
            }
        });
    }

    @ParameterizedTest(name = "{0}: every panel and target uses the datasource variable and has a query")
    @MethodSource("dashboards")
    void everyPanelTargetsTheDatasourceVariable(Path file) throws IOException {
        JsonNode d = new ObjectMapper().readTree(file.toFile());
        Set<Integer> ids = new HashSet<>();
        List<JsonNode> panels = panels(d);
        assertThat(panels).isNotEmpty();
        for (JsonNode p : panels) {
            assertThat(ids.add(p.get("id").asInt())).as("unique id %s", p.get("id")).isTrue();
            if (p.get("type").asText().equals("row")) {
                continue;
            }
            String title = p.get("title").asText();
            assertThat(p.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE);
            assertThat(p.path("targets")).as(title).isNotEmpty();
            p.path("targets").forEach(t -> {
                assertThat(t.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE);
                assertThat(t.path("expr").asText()).as(title).isNotBlank();
            });
        }
    }

    @Test
    void provisioningPointsAtAPrometheusDatasourceAndTheDashboardFolder() throws IOException {
        JsonNode ds = new YAMLMapper().readTree(Path.of("deploy/grafana/provisioning/datasources/prometheus.yaml").toFile());
        assertThat(ds.get("datasources").get(0).get("type").asText()).isEqualTo("prometheus");
        JsonNode dash = new YAMLMapper().readTree(Path.of("deploy/grafana/provisioning/dashboards/llm-canary.yaml").toFile());
        assertThat(dash.get("providers").get(0).get("type").asText()).isEqualTo("file");
        assertThat(dash.get("providers").get(0).get("options").get("path").asText()).isNotBlank();
    }
}
