package dev.llmcanary.canary.run;

import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.ThresholdOverrides;
import dev.llmcanary.testing.Canaries;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * One named case per stream validator rule, each driven through the real streaming client over a real socket
 * against the simulator injecting the matching fault.
 */
@QuarkusTest
class StreamRulesTest {

    private static final String FAST = "ttft_ms=5;itl_ms=2;jitter_ms=0;tokens=12";
    /** Stall at 0.3 s, abort at 1.5 s: tight enough for fast tests, far above the simulator's healthy gaps. */
    private static final ThresholdOverrides TIGHT_STALL = new ThresholdOverrides(null, null, null, 0.3, 1.5, null);

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;

    static Stream<Arguments> rules() {
        return Stream.of(
                arguments("http_status on HTTP 500", "sim-h100", "sim-openai", "status:500", "http_status", "HTTP 500"),
                arguments("http_status on 429 names Retry-After", "sim-h100", "sim-openai", "status:429", "http_status", "Retry-After: 2"),
                arguments("content_type when not text/event-stream", "sim-h100", "sim-openai", "content_type:text/plain", "content_type", "text/plain"),
                arguments("malformed_event on broken JSON", "sim-h100", "sim-openai", "malformed@3", "malformed_event", ""),
                arguments("out_of_order when the id changes mid-stream", "sim-h100", "sim-openai", "id_change@3", "out_of_order", ""),
                arguments("out_of_order on a choice index outside n", "sim-h100", "sim-openai", "duplicate_index@3", "out_of_order", ""),
                arguments("out_of_order on a repeated TGI token index", "sim-tgi-native", "sim-tgi3", "duplicate_index@3", "out_of_order", ""),
                arguments("out_of_order on a repeated llama.cpp tokens_predicted", "sim-llamacpp-native", "sim-llamacpp", "duplicate_index@3", "out_of_order", ""),
                arguments("content_after_finish", "sim-h100", "sim-openai", "content_after_finish", "content_after_finish", ""),
                arguments("missing_finish_reason", "sim-h100", "sim-openai", "no_finish", "missing_finish_reason", ""),
                arguments("missing_done on an OpenAI flavor", "sim-h100", "sim-openai", "no_done", "missing_done", ""),
                arguments("premature_close when the server closes mid-stream", "sim-h100", "sim-openai", "close@5", "premature_close", ""),
                arguments("no_tokens on a bare [DONE]", "sim-h100", "sim-openai", "bare_done", "no_tokens", ""),
                arguments("oversize_event beyond max-event-bytes", "sim-h100", "sim-openai", "oversize@2:200000", "oversize_event", ""),
                arguments("usage_inconsistent when usage is below the chunk count", "sim-h100", "sim-openai", "usage_low", "usage_inconsistent", ""),
                arguments("stream_error on an error object inside a 200 stream", "sim-h100", "sim-vllm", "error@3", "stream_error", "simulated upstream failure"),
                arguments("stream_error on an SSE error event", "sim-h100", "sim-openai", "error_event@3", "stream_error", ""),
                arguments("invalid_utf8 on raw invalid bytes", "sim-h100", "sim-openai", "invalid_utf8@2", "invalid_utf8", ""),
                arguments("stall detected while streaming", "sim-h100", "sim-openai", "stall@4:700", "stall", "threshold"),
                arguments("stall while chunks without a token keep coming", "sim-h100", "sim-openai", "idle_chunks@4:700", "stall", "chunks without a token since"),
                arguments("aborted when no token comes within the hard limit", "sim-h100", "sim-openai", "idle_chunks@4:5000", "aborted", "stream aborted after"),
                arguments("missing_finish_reason on a clean end on TGI native", "sim-tgi-native", "sim-tgi3", "no_finish", "missing_finish_reason", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void ruleFiresThroughTheRealClient(String name, String pool, String model, String fault, String rule,
                                       String reasonContains) throws Exception {
        RunResult r = run(Canaries.canary("rule-test").profile(FAST).fault(fault).thresholds(TIGHT_STALL), pool, model);

        assertThat(r.outcome()).as(name).isEqualTo(Outcome.FAIL);
        assertThat(r.violations()).extracting(ViolationView::rule).contains(rule);
        ViolationView v = r.violations().stream().filter(x -> x.rule().equals(rule)).findFirst().orElseThrow();
        assertThat(v.reason()).isNotBlank().contains(reasonContains);
        assertThat(r.reason()).isNotBlank();
    }

    @ParameterizedTest(name = "healthy {1} on {0} passes with no violation")
    @MethodSource("healthyTargets")
    void healthyStreamHasNoViolation(String pool, String model) throws Exception {
        RunResult r = run(Canaries.canary("healthy").profile(FAST), pool, model);

        assertThat(r.violations()).isEmpty();
        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(r.tokens().output()).isPositive();
    }

    static Stream<Arguments> healthyTargets() {
        return Stream.of(arguments("sim-h100", "sim-openai"), arguments("sim-h100", "sim-vllm"),
                arguments("sim-h100", "sim-sglang"), arguments("sim-h100", "sim-ollama"),
                arguments("sim-h100", "sim-tgi3"), arguments("sim-h100", "sim-llamacpp"),
                arguments("sim-tgi2", "sim-tgi2"), arguments("sim-completions", "sim-openai"),
                arguments("sim-tgi-native", "sim-tgi3"), arguments("sim-triton", "sim-triton"),
                arguments("sim-triton", "sim-triton-cumulative"), arguments("sim-llamacpp-native", "sim-llamacpp"));
    }

    @ParameterizedTest(name = "premature close is caught on {0}/{1}")
    @MethodSource("healthyTargets")
    void prematureCloseIsCaughtInEveryDialect(String pool, String model) throws Exception {
        RunResult r = run(Canaries.canary("close").profile(FAST).fault("close@4"), pool, model);

        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.violations()).extracting(ViolationView::rule).contains("premature_close");
    }

    @org.junit.jupiter.api.Test
    void stallBeyondTheHardLimitAbortsTheStream() throws Exception {
        RunResult r = run(Canaries.canary("abort").profile(FAST).fault("stall@3:5000")
                .thresholds(new ThresholdOverrides(null, null, null, 0.2, 0.6, null)), "sim-h100", "sim-openai");

        assertThat(r.violations()).extracting(ViolationView::rule).containsExactly("stall", "aborted");
        assertThat(r.reason()).startsWith("stall: no token for ");
        // Cut at the hard limit, long before the simulator would have resumed.
        assertThat(r.timeline().closed()).isLessThan(4000);
    }

    @org.junit.jupiter.api.Test
    void missingDoneIsNotAViolationWherePoolSaysTheServerNeverSendsIt() throws Exception {
        RunResult r = run(Canaries.canary("tgi2").profile(FAST), "sim-tgi2", "sim-tgi2");

        assertThat(r.violations()).extracting(ViolationView::rule).doesNotContain("missing_done");
    }

    @org.junit.jupiter.api.Test
    void connectionRefusedIsAnErrorNotAFailure() throws Exception {
        var c = catalog.get();
        var pool = c.pool("sim-h100").orElseThrow();
        var dead = new dev.llmcanary.canary.Pool(pool.name(), pool.deviceType(), pool.flavor(),
                java.util.List.of(new dev.llmcanary.client.Endpoint("dead-0", java.net.URI.create("http://127.0.0.1:1"))),
                pool.models(), null, pool.requireDone(), pool.cumulative(), pool.labels());
        var d = Canaries.canary("refused").build(dev.llmcanary.canary.Api.CHAT);
        RunResult r = runner.run(new dev.llmcanary.canary.Target(d, dead, dead.endpoints().get(0), "sim-openai"))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.errorKind()).isEqualTo("connection_refused");
    }

    private RunResult run(Canaries canary, String pool, String model) throws Exception {
        return runner.run(canary.on(catalog.get(), pool, model)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
