package dev.llmcanary.canary.run;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.ThresholdOverrides;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.testing.Canaries;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Targets that misbehave in ways no healthy server does: each is classified, the run ends, and nothing grows without
 * bound. The misbehaving servers run on a Vert.x of their own, over real sockets.
 */
@QuarkusTest
class MisbehavingTargetTest {

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;

    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Target targetAt(HttpServer server, ThresholdOverrides thresholds) {
        Pool sim = catalog.get().pool("sim-h100").orElseThrow();
        Pool pool = new Pool("rogue", "cpu", sim.flavor(),
                List.of(new Endpoint("rogue-0", URI.create("http://127.0.0.1:" + server.actualPort()))), List.of("m"),
                null, sim.requireDone(), sim.cumulative(), Map.of());
        return new Target(Canaries.canary("rogue").thresholds(thresholds).build(Api.CHAT), pool,
                pool.endpoints().get(0), "m");
    }

    private HttpServer listen(io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> handler) throws Exception {
        return vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1").toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anEndlessStreamIsCutAtTheTotalByteLimit() throws Exception {
        Buffer chunk = Buffer.buffer("data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + "a".repeat(4000) + "\"},\"finish_reason\":null}]}\n\n");
        HttpServer server = listen(req -> {
            var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            long timer = vertx.setPeriodic(1, id -> {
                if (!resp.writeQueueFull()) {
                    for (int i = 0; i < 64; i++) {
                        resp.write(chunk);
                    }
                }
            });
            resp.closeHandler(v -> vertx.cancelTimer(timer));
            req.connection().closeHandler(v -> vertx.cancelTimer(timer));
        });

        RunResult r = runner.run(targetAt(server, null)).toCompletableFuture().get(60, TimeUnit.SECONDS);

        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.violations()).extracting(ViolationView::rule).contains("oversize_event");
        assertThat(r.bytes()).isLessThanOrEqualTo(16L * 1024 * 1024 + 64 * 1024);
    }

    @Test
    void headersThatNeverComeAreATimeoutError() throws Exception {
        HttpServer server = listen(req -> {
            // Accept the request and never answer.
        });

        RunResult r = runner.run(targetAt(server, new ThresholdOverrides(null, null, null, null, null, 1.0)))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.errorKind()).isEqualTo("timeout");
        assertThat(r.reason()).isEqualTo("timeout: headers: no response headers within 1 s of the start");
    }

    @Test
    void aFirstTokenLaterThanTenTimesTheTtftThresholdIsAFirstTokenTimeout() throws Exception {
        HttpServer server = listen(req -> req.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .write(": keep-alive\n\n"));

        // ttft 0.05 s: the first-token timeout derived from it is 0.5 s, well before any stall abort.
        RunResult r = runner.run(targetAt(server, new ThresholdOverrides(0.05, null, null, null, null, null)))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.reason()).isEqualTo("timeout: first_token: no token within 0.5 s of the start, stream aborted");
        assertThat(r.violations()).extracting(ViolationView::rule).startsWith("timeout");
    }

    @Test
    void aServerThatStopsMidStreamForeverIsAbortedAsAStall() throws Exception {
        HttpServer server = listen(req -> req.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .write("data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"));

        RunResult r = runner.run(targetAt(server, new ThresholdOverrides(null, null, null, 0.2, 0.5, null)))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.violations()).extracting(ViolationView::rule).containsExactly("stall", "aborted");
    }

    @Test
    void aServerThatNeverEndsTheBodyAfterDoneLosesItsConnectionAfterALinger() throws Exception {
        var closed = new java.util.concurrent.atomic.AtomicBoolean();
        HttpServer server = listen(req -> {
            req.connection().closeHandler(v -> closed.set(true));
            req.response().setChunked(true).putHeader("content-type", "text/event-stream")
                    .write("data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
                            + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        });

        RunResult r = runner.run(targetAt(server, null)).toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        // The run ends at [DONE]; the connection the server keeps open is dropped, so it cannot pin the pool.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilTrue(closed);
    }

    @Test
    void anHtmlErrorPageIsHttpStatusNotAParseError() throws Exception {
        HttpServer server = listen(req -> req.response().setStatusCode(502).putHeader("content-type", "text/html")
                .end("<html><body>Bad gateway</body></html>"));

        RunResult r = runner.run(targetAt(server, null)).toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.violations()).extracting(ViolationView::rule).containsExactly("http_status");
        assertThat(r.guardrails()).isEmpty();
    }
}
