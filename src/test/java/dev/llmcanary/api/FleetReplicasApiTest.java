package dev.llmcanary.api;

import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.ViolationView;
import dev.llmcanary.testing.ReplicaPool;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/fleet} and {@code /api/runs/{id}} over a pool of three real simulator servers put in the service's
 * catalog: a replica that drifts from the first token is flagged on its cell with a reason that names endpoints,
 * positions and fingerprints only; an endpoint whose stream reports another {@code system_fingerprint} shows the
 * change on its cell, and the run that revealed it is marked.
 */
@QuarkusTest
class FleetReplicasApiTest {

    /** A divergence reason: endpoint names, a token position, the mode and two fingerprints, nothing else. */
    private static final String DIVERGENCE = "endpoint r3 diverges from the majority r1, r2 \\(2 of 3 endpoints\\)"
            + " from token 1 \\(prefix mode, first 16 tokens; fingerprint [0-9a-f]{16} vs [0-9a-f]{16}\\)";

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;

    private static JsonPath cell() {
        JsonPath fleet = given().get("/api/fleet").then().statusCode(200).extract().jsonPath();
        // the shipped canaries run on every chat pool too: the comparison canary's cell is its class's
        return new JsonPath(fleet.prettify()).setRootPath("cells.find { it.pool == '" + ReplicaPool.POOL
                + "' && it.sloClass == '" + ReplicaPool.SLO_CLASS + "' }");
    }

    /** The comparison canary's target on {@code endpoint}, as a path inside its cell. */
    private static String target(String endpoint) {
        return "targets.find { it.canary == '" + ReplicaPool.CANARY + "' && it.endpoint == '" + endpoint + "' }";
    }

    @Test
    void aReplicaThatDriftsFromTheFirstTokenIsFlaggedOnItsCell() throws Exception {
        try (ReplicaPool pool = new ReplicaPool(catalog, List.of("", "", "drift@1"))) {
            List<RunResult> round = pool.round(runner);
            assertThat(round.get(2).violations()).extracting(ViolationView::rule).contains("replica_divergence");

            JsonPath cell = cell();
            assertThat(cell.getString("consistency.state")).isEqualTo("diverges");
            assertThat(cell.getString("consistency.reason")).matches(DIVERGENCE);
            assertThat(cell.getList("divergent", String.class)).containsExactly("r3");
            Map<String, String> states = Map.of("r1", cell.getString(target("r1") + ".consistency.state"),
                    "r2", cell.getString(target("r2") + ".consistency.state"),
                    "r3", cell.getString(target("r3") + ".consistency.state"));
            assertThat(states).isEqualTo(Map.of("r1", "agrees", "r2", "agrees", "r3", "diverges"));
            assertThat(cell.getString(target("r3") + ".consistency.reason")).matches(DIVERGENCE);
        }
    }

    @Test
    void healthyReplicasAgreeAndAPoolNotComparedYetIsUnknown() throws Exception {
        try (ReplicaPool pool = new ReplicaPool(catalog, List.of("", "", ""))) {
            JsonPath before = cell();
            assertThat(before.getString("consistency.state")).isEqualTo("unknown");
            assertThat(before.getString("consistency.reason")).isEqualTo(FleetAssembler.NOT_COMPARED);

            pool.round(runner);

            JsonPath cell = cell();
            assertThat(cell.getString("consistency.state")).isEqualTo("agrees");
            assertThat(cell.getString("consistency.reason")).isNull();
            assertThat(cell.getList("divergent", String.class)).isEmpty();
            assertThat(cell.getString("identityChange")).isNull();
        }
    }

    @Test
    void aFingerprintChangeShowsOnTheCellAndMarksTheRunThatRevealedIt() throws Exception {
        try (ReplicaPool pool = new ReplicaPool(catalog, List.of("", "", ""))) {
            RunResult before = pool.round(runner).get(0);
            Instant start = Instant.now();
            RunResult changed = pool.runWith(runner, 1, "fingerprint:fp_new");

            JsonPath cell = cell();
            assertThat(cell.getString("identityChange.endpoint")).isEqualTo("r1");
            assertThat(cell.getString("identityChange.source")).isEqualTo("fingerprint");
            assertThat(cell.getString("identityChange.from")).isEqualTo(ReplicaPool.SIM_FINGERPRINT);
            assertThat(cell.getString("identityChange.to")).isEqualTo("fp_new");
            assertThat(Duration.between(start, Instant.parse(cell.getString("identityChange.at"))).abs())
                    .isLessThan(Duration.ofSeconds(30));
            assertThat(cell.getString(target("r2") + ".identityChange")).isNull();

            JsonPath run = given().get("/api/runs/" + changed.runId()).then().statusCode(200).extract().jsonPath();
            assertThat(run.getString("identityChange.from")).isEqualTo(ReplicaPool.SIM_FINGERPRINT);
            assertThat(run.getString("identityChange.to")).isEqualTo("fp_new");
            assertThat(run.getString("identityChange.source")).isEqualTo("fingerprint");
            assertThat(given().get("/api/runs/" + before.runId()).then().statusCode(200).extract().jsonPath()
                    .getString("identityChange")).isNull();
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheMarks() {
        JsonPath doc = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
        assertThat(doc.getMap("components.schemas.Cell.properties"))
                .containsKeys("consistency", "divergent", "identityChange");
        assertThat(doc.getMap("components.schemas.TargetState.properties"))
                .containsKeys("consistency", "identityChange");
        assertThat(doc.getList("components.schemas.Consistency.properties.state.enum", String.class))
                .containsExactly("agrees", "diverges", "unknown");
        assertThat(doc.getMap("components.schemas.IdentityChange.properties"))
                .containsKeys("endpoint", "at", "source", "from", "to");
        assertThat(doc.getMap("components.schemas.RunResult.properties")).containsKey("identityChange");
    }
}
