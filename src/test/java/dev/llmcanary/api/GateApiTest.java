package dev.llmcanary.api;

import dev.llmcanary.gate.GateService;
import dev.llmcanary.gate.store.GateRow;
import dev.llmcanary.gate.store.GateStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The gate API against the embedded simulator: verdicts and status codes, idempotency, caps, safety, recovery. */
@QuarkusTest
@TestProfile(GateProfile.class)
class GateApiTest {

    static final String TOKEN = "test-token";

    @Inject
    GateService gates;
    @Inject
    GateStore store;

    static String body(String suite, String pool, String baseline) {
        return "{\"suite\":\"" + suite + "\",\"candidate\":{\"pool\":\"" + pool + "\"}"
                + (baseline == null ? "" : ",\"baseline\":" + baseline) + "}";
    }

    /**
     * Stored runs of the {@code quick} canary on gate-a for a passive evaluation to read: on-demand runs, since a
     * gate's own runs are left out of every other verdict (a rolled-back candidate must not become a baseline).
     */
    static void storeRunsOnGateA() {
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(TOKEN).when().post("/api/canaries/quick/runs?pool=gate-a").then().statusCode(200);
        }
    }

    static Response post(String body, String query) {
        return given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body(body)
                .when().post("/api/gates" + query);
    }

    @Test
    void theListShowsTheNewestGatesFirstWithTheirVerdictsButNotTheirCriteria() {
        String older = post(body("quick", "gate-a", null), "?wait=60&failStatus=200").then().statusCode(200)
                .extract().path("id");
        String newer = post(body("quick", "gate-a", "{\"gate\":\"" + older + "\"}"), "?wait=60&failStatus=200")
                .then().statusCode(200).extract().path("id");

        given().when().get("/api/gates?limit=2").then().statusCode(200)
                .body("gates.id", contains(newer, older))
                .body("gates[0].suite", equalTo("quick"))
                .body("gates[0].state", equalTo("finished"))
                .body("gates[0].verdict", notNullValue())
                .body("gates[0].score", notNullValue())
                .body("gates[0].candidate.pool", equalTo("gate-a"))
                .body("gates[0].baseline.kind", equalTo("gate"))
                .body("gates[0].baseline.ref", equalTo(older))
                .body("gates[1].progress.runsDone", equalTo(10))
                .body("gates[0]", not(hasKey("details")))
                .body("gates[0]", not(hasKey("runs")));
        given().when().get("/api/gates").then().statusCode(200).body("gates.id", hasItem(newer));
    }

    static Stream<Arguments> badListLimits() {
        return Stream.of(arguments("limit 0", "limit=0"), arguments("limit above 100", "limit=101"));
    }

    @ParameterizedTest(name = "gate list {0} is a 400 problem")
    @MethodSource("badListLimits")
    void badListLimitsAreA400Problem(String name, String query) {
        given().when().get("/api/gates?" + query).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("limit"));
    }

    @Test
    void anAaGatePassesWithEveryCriterionAndRunLinks() {
        String id = post(body("quick", "gate-a", "{\"pool\":\"gate-b\"}"), "?wait=60").then().statusCode(200)
                .header("Location", containsString("/api/gates/"))
                .body("state", equalTo("finished")).body("verdict", equalTo("pass"))
                .body("passed", equalTo(true)).body("score", equalTo(100))
                .extract().path("id");

        Response r = given().when().get("/api/gates/" + id);
        r.then().statusCode(200)
                .body("progress.runsDone", equalTo(20)).body("progress.runsPlanned", equalTo(20))
                .body("details.criteria.name", hasItem("ttft"))
                .body("details.criteria.name", hasItem("stalls"))
                .body("details.criteria.find { it.name == 'ttft' }.test", equalTo("mann-whitney-u"))
                .body("details.criteria.find { it.name == 'ttft' }.pValue", instanceOf(Float.class))
                .body("details.criteria.find { it.name == 'ttft' }.candidate.p50", notNullValue())
                .body("details.criteria.find { it.name == 'ttft' }.baseline.p95", notNullValue())
                .body("details.criteria.reason", everyItem(notNullValue()))
                .body("runs.size()", equalTo(20))
                .body("runs[0].side", equalTo("candidate")).body("runs[1].side", equalTo("baseline"))
                .body("runs.traceId", everyItem(notNullValue()));
        String runId = r.path("runs[0].runId");
        given().when().get(r.<String>path("runs[0].href")).then().statusCode(200).body("runId", equalTo(runId));
        given().accept(ContentType.TEXT).when().get("/api/gates/" + id).then().statusCode(200)
                .body(containsString("state: finished\nverdict: pass\npassed: true\n"));
        given().accept("application/openmetrics-text").when().get("/q/metrics").then()
                .body(containsString("llm_canary_gate_verdicts_total{suite=\"quick\",verdict=\"pass\"}"));
    }

    @Test
    void aFailingGateAnswers412WithTheVerdictAndArgoMayAsk200() {
        post(body("broken", "gate-a", null), "?wait=60").then().statusCode(412)
                .body("verdict", equalTo("fail")).body("passed", equalTo(false))
                .body("score", instanceOf(Integer.class))
                .body("details.criteria.find { it.name == 'guardrail_pass_rate' }.outcome", equalTo("fail"))
                .body("reason", containsString("guardrail_pass_rate: 5 of 5 runs failed a guardrail (first:"
                        + " not_refusal"));
        post(body("broken", "gate-a", null), "?wait=60&failStatus=200").then().statusCode(200)
                .body("passed", equalTo(false)).body("verdict", equalTo("fail"));
    }

    @Test
    void aGateMayRequireTheCandidatesIdentityAndSaysWhatItObserved() {
        String pinned = "{\"suite\":\"quick\",\"candidate\":{\"pool\":\"gate-a\"},\"identity\":";
        post(pinned + "{\"fingerprint\":\"fp_release_2\"}}", "?wait=60").then().statusCode(412)
                .body("verdict", equalTo("fail"))
                .body("details.criteria.find { it.name == 'identity' }.outcome", equalTo("fail"))
                .body("details.criteria.find { it.name == 'identity' }.expected",
                        equalTo("system_fingerprint fp_release_2"))
                .body("details.criteria.find { it.name == 'identity' }.observed",
                        containsString("system_fingerprint fp_sim on "))
                .body("reason", containsString("identity: expected system_fingerprint fp_release_2, observed fp_sim"));
        // a source only endpoint checks read is read fresh before the gate's runs
        post(pinned + "{\"model_root\":\"/models/sim-openai\"}}", "?wait=60").then().statusCode(200)
                .body("details.criteria.find { it.name == 'identity' }.outcome", equalTo("pass"))
                .body("details.criteria.find { it.name == 'identity' }.reason",
                        containsString("model_root /models/sim-openai on all "));
    }

    static Stream<Arguments> badIdentities() {
        return Stream.of(
                arguments("an unknown source", "{\"model_shaa\":\"5f2b\"}", "identity: unknown source 'model_shaa';"
                        + " one of fingerprint, server, model_root"),
                arguments("a source the candidate's flavor does not report", "{\"model_sha\":\"5f2b\"}",
                        "identity.model_sha: pool 'gate-a' (openai-chat) does not report model_sha; it reports"
                                + " fingerprint, server, model_root, owned_by"),
                arguments("a value that is no identifier", "{\"fingerprint\":\"fp a\"}",
                        "identity.fingerprint: must match [A-Za-z0-9_.:+/-]{1,128}"),
                arguments("not an object", "\"fp_sim\"", "identity: must be an object of source to value"));
    }

    @ParameterizedTest(name = "refused: {0}")
    @MethodSource("badIdentities")
    void aBadIdentityCriterionIsRefusedBeforeAnyRun(String name, String identity, String detail) {
        post("{\"suite\":\"quick\",\"candidate\":{\"pool\":\"gate-a\"},\"identity\":" + identity + "}", "?wait=5")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString(detail));
    }

    @Test
    void tooFewSamplesAreInconclusiveAndFailClosed() {
        post(body("few", "gate-a", null), "?wait=60").then().statusCode(412)
                .body("verdict", equalTo("inconclusive")).body("passed", equalTo(false))
                .body("reason", containsString("min_samples"));
    }

    @Test
    void withoutWaitTheGateIsAcceptedAndFinishesLater() {
        Response r = post(body("quick", "gate-a", "{\"pool\":\"gate-b\"}"), "");
        r.then().statusCode(202).header("Location", containsString("/api/gates/"));
        String id = r.path("id");
        await().atMost(Duration.ofSeconds(60)).until(() ->
                "finished".equals(given().when().get("/api/gates/" + id).path("state")));
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameGate() {
        String key = "ci-" + UUID.randomUUID();
        String b = "{\"suite\":\"quick\",\"candidate\":{\"pool\":\"gate-a\"},\"idempotencyKey\":\"" + key + "\"}";
        String first = post(b, "?wait=60").then().statusCode(200).extract().path("id");
        String second = post(b, "").then().statusCode(200).extract().path("id");
        assertThat(second).isEqualTo(first);
    }

    @Test
    void aPoolRunsAtMostItsCapOfGatesAndMoreGet429() {
        String b = "{\"suite\":\"slow\",\"candidate\":{\"pool\":\"gate-c\"},\"overrides\":{\"deadline\":\"3s\"}}";
        String id = post(b, "").then().statusCode(202).extract().path("id");
        post(body("quick", "gate-c", null), "").then().statusCode(429).header("Retry-After", "30")
                .contentType("application/problem+json")
                .body("detail", containsString("pool 'gate-c' already runs 1 gate(s)"));
        // as the live baseline the pool is busy too
        post(body("quick", "gate-a", "{\"pool\":\"gate-c\"}"), "").then().statusCode(429);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "finished".equals(given().when().get("/api/gates/" + id).path("state")));
        given().when().get("/api/gates/" + id).then().body("verdict", equalTo("inconclusive"))
                .body("reason", containsString("deadline of 3 s hit"));
    }

    static Stream<Arguments> unauthorized() {
        return Stream.of(arguments("no token", null), arguments("wrong token", "nope"));
    }

    @ParameterizedTest(name = "starting a gate needs the trigger token: {0}")
    @MethodSource("unauthorized")
    void startingAGateNeedsTheToken(String name, String token) {
        var req = given().contentType(ContentType.JSON).body(body("quick", "gate-a", null));
        if (token != null) {
            req = req.auth().oauth2(token);
        }
        req.when().post("/api/gates").then().statusCode(401).contentType("application/problem+json");
    }

    static Stream<Arguments> targetAttempts() {
        return Stream.of(
                arguments("url beside the pool", "{\"suite\":\"quick\",\"candidate\":{\"pool\":\"gate-a\",\"url\":\"http://127.0.0.1:PORT\"}}",
                        400, "unknown field 'candidate.url'"),
                arguments("host and port", "{\"suite\":\"quick\",\"candidate\":{\"pool\":\"gate-a\",\"host\":\"127.0.0.1\",\"port\":PORT}}",
                        400, "unknown field 'candidate.host'"),
                arguments("baseUrl at the top", "{\"suite\":\"quick\",\"candidate\":{\"pool\":\"gate-a\"},\"baseUrl\":\"http://127.0.0.1:PORT\"}",
                        400, "unknown field 'baseUrl'"),
                arguments("URL as the pool name", "{\"suite\":\"quick\",\"candidate\":{\"pool\":\"http://127.0.0.1:PORT\"}}",
                        400, "candidate.pool: must be a configured name"),
                arguments("URL as the baseline pool", "{\"suite\":\"quick\",\"candidate\":{\"pool\":\"gate-a\"},\"baseline\":{\"pool\":\"127.0.0.1:PORT\"}}",
                        400, "baseline.pool: must be a configured name"),
                arguments("url in the baseline", "{\"suite\":\"quick\",\"candidate\":{\"pool\":\"gate-a\"},\"baseline\":{\"url\":\"http://127.0.0.1:PORT\"}}",
                        400, "unknown field 'baseline.url'"),
                arguments("a pool that is not configured", "{\"suite\":\"quick\",\"candidate\":{\"pool\":\"localhost\"}}",
                        400, "no configured pool 'localhost'"),
                arguments("an endpoint that is not configured", "{\"suite\":\"quick\",\"candidate\":{\"pool\":\"gate-a\",\"endpoints\":[\"localhost\"]}}",
                        400, "pool 'gate-a' has no configured endpoint 'localhost'"),
                arguments("a pool the suite may not gate", "{\"suite\":\"only-d\",\"candidate\":{\"pool\":\"gate-a\"}}",
                        403, "gate suite 'only-d' may not gate pool 'gate-a'"),
                arguments("flagger metadata with a url", "FLAGGER", 400, "unknown field 'metadata.url'"));
    }

    @ParameterizedTest(name = "rejected without a connection: {0}")
    @MethodSource("targetAttempts")
    void attemptsToNameATargetAreRejectedWithoutAConnection(String name, String json, int status, String detail)
            throws Exception {
        try (ServerSocket trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread t = new Thread(() -> {
                while (!trap.isClosed()) {
                    try (Socket s = trap.accept()) {
                        accepted.incrementAndGet();
                    } catch (SocketException closed) {
                        return;
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            String b = json.replace("PORT", String.valueOf(trap.getLocalPort()));
            var resp = "FLAGGER".equals(json)
                    ? given().contentType(ContentType.JSON).body("{\"name\":\"app\",\"namespace\":\"prod\",\"phase\":"
                            + "\"Progressing\",\"checksum\":\"abc\",\"type\":\"pre-rollout\",\"metadata\":{\"pool\":"
                            + "\"gate-a\",\"token\":\"test-token\",\"url\":\"http://127.0.0.1:" + trap.getLocalPort()
                            + "\"}}").when().post("/api/gates/flagger")
                    : post(b, "?wait=5");
            resp.then().statusCode(status).contentType("application/problem+json")
                    .body("detail", containsString(detail));
            // the trap works (a control connection is counted) and nothing else ever connected to it
            try (Socket control = new Socket(InetAddress.getLoopbackAddress(), trap.getLocalPort())) {
                await().atMost(Duration.ofSeconds(5)).until(() -> accepted.get() >= 1);
            }
            assertThat(accepted.get()).isEqualTo(1);
        }
    }

    @Test
    void overridesAboveTheLimitsAreRejected() {
        post("{\"suite\":\"quick\",\"candidate\":{\"pool\":\"gate-a\"},\"overrides\":{\"repetitions\":100000}}", "")
                .then().statusCode(400).body("detail", containsString("above the limit of 500"));
    }

    @Test
    void aPassiveEvaluationReadsStoredRunsOnly() {
        storeRunsOnGateA();
        given().when().get("/api/gates/evaluate?suite=quick&pool=gate-a&window=10m").then().statusCode(200)
                .body("passed", instanceOf(Boolean.class)).body("score", instanceOf(Integer.class))
                .body("progress.runsDone", greaterThan(4))
                .body("details.criteria.name", hasItem("stalls"));
        given().when().get("/api/gates/evaluate?suite=quick&pool=gate-d&window=10m").then().statusCode(200)
                .body("verdict", equalTo("inconclusive")).body("passed", equalTo(false));
        given().when().get("/api/gates/evaluate?suite=quick&pool=http://x&window=10m").then().statusCode(400);
    }

    @Test
    void aStoredGateServesAsBaseline() {
        String first = post(body("quick", "gate-a", null), "?wait=60").then().statusCode(200).extract().path("id");
        post(body("quick", "gate-a", "{\"gate\":\"" + first + "\"}"), "?wait=60").then().statusCode(200)
                .body("baseline.kind", equalTo("gate")).body("baseline.ref", equalTo(first))
                .body("details.baselineRuns", equalTo(10))
                .body("details.criteria.find { it.name == 'ttft' }.outcome", equalTo("pass"));
        post(body("quick", "gate-a", "{\"gate\":\"nope\"}"), "").then().statusCode(404);
    }

    @Test
    void aGateLeftRunningByAPreviousProcessIsFinishedAsInconclusive() throws Exception {
        String id = UUID.randomUUID().toString();
        Instant long_ago = Instant.now().minusSeconds(3600);
        store.insert(new GateRow(id, "quick", "gate-a", "none", null, GateRow.RUNNING, null, null, "previous-process",
                long_ago, long_ago, null, 10, 3, "{\"suite\":\"quick\",\"candidatePool\":\"gate-a\"}", null));

        assertThat(gates.recover()).contains(id);

        given().when().get("/api/gates/" + id).then().statusCode(200)
                .body("state", equalTo("finished")).body("verdict", equalTo("inconclusive"))
                .body("passed", equalTo(false))
                .body("reason", equalTo("completion: the service restarted before the gate finished"));
    }

    static String flagger(String type, String suite, String checksum, String token) {
        return "{\"name\":\"podinfo\",\"namespace\":\"test\",\"phase\":\"Progressing\",\"checksum\":\"" + checksum
                + "\",\"type\":\"" + type + "\",\"metadata\":{\"suite\":\"" + suite + "\",\"pool\":\"gate-a\""
                + (token == null ? "" : ",\"token\":\"" + token + "\"") + "}}";
    }

    @Test
    void flaggerPreRolloutAnswers200OnPassAndTheSameChecksumFindsTheSameGate() {
        String checksum = "c" + UUID.randomUUID().toString().replace("-", "");
        String id = given().contentType(ContentType.JSON).body(flagger("pre-rollout", "flagger-pre-rollout", checksum,
                TOKEN)).when().post("/api/gates/flagger").then().statusCode(200).body("passed", equalTo(true))
                .extract().path("id");
        String again = given().auth().oauth2(TOKEN).contentType(ContentType.JSON)
                .body(flagger("pre-rollout", "flagger-pre-rollout", checksum, null))
                .when().post("/api/gates/flagger").then().statusCode(200).extract().path("id");
        assertThat(again).isEqualTo(id);
    }

    @Test
    void flaggerAnswersNon2xxOnFail() {
        given().contentType(ContentType.JSON).body(flagger("pre-rollout", "broken", "f" + UUID.randomUUID()
                .toString().replace("-", ""), TOKEN)).when().post("/api/gates/flagger").then().statusCode(412)
                .body("verdict", equalTo("fail"));
    }

    @Test
    void flaggerRolloutHooksEvaluatePassively() {
        storeRunsOnGateA();
        given().contentType(ContentType.JSON).body(flagger("rollout", "quick", "r1", TOKEN))
                .when().post("/api/gates/flagger").then().statusCode(200).body("id", equalTo(null))
                .body("passed", equalTo(true));
        given().contentType(ContentType.JSON).body(flagger("rollout", "quick", "r1", TOKEN).replace("gate-a", "gate-d"))
                .when().post("/api/gates/flagger").then().statusCode(412).body("verdict", equalTo("inconclusive"));
    }

    @Test
    void flaggersOwnPayloadHasNoHookTypeSoTheMetadataModeDecides() {
        storeRunsOnGateA();
        // exactly what Flagger sends: name, namespace, phase, checksum, metadata (no type)
        String real = "{\"name\":\"podinfo\",\"namespace\":\"test\",\"phase\":\"Progressing\",\"checksum\":\"r2\","
                + "\"metadata\":{MODE\"suite\":\"quick\",\"pool\":\"gate-a\",\"token\":\"" + TOKEN + "\"}}";
        given().contentType(ContentType.JSON).body(real.replace("MODE", "\"mode\":\"passive\","))
                .when().post("/api/gates/flagger").then().statusCode(200).body("id", equalTo(null))
                .body("passed", equalTo(true));
        // without a mode nothing is guessed: a guessed "active" on a rollout hook would start a gate every interval
        given().contentType(ContentType.JSON).body(real.replace("MODE", ""))
                .when().post("/api/gates/flagger").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("metadata.mode: required"));
    }

    @Test
    void flaggerNeedsTheToken() {
        given().contentType(ContentType.JSON).body(flagger("pre-rollout", "quick", "x1", null))
                .when().post("/api/gates/flagger").then().statusCode(401);
        given().contentType(ContentType.JSON).body(flagger("pre-rollout", "quick", "x1", "wrong"))
                .when().post("/api/gates/flagger").then().statusCode(401);
    }

    @Test
    void unknownGatesAre404() {
        given().when().get("/api/gates/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        List.of("bad id!", "x".repeat(80)).forEach(id ->
                given().when().get("/api/gates/" + id).then().statusCode(400));
    }
}
