package dev.llmcanary.client;

import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.Rule;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.StreamOptions;
import dev.llmcanary.stream.StreamResult;
import dev.llmcanary.stream.Violation;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * One fault, one rule, on every flavor: each fault the simulator injects, read by the real streaming client over a
 * real socket on all five flavors (and an OpenAI pool with {@code require_done: false}), must end as the same rule.
 * The connection closing before a finish is {@code premature_close} whether the body was chunked (the close cuts the
 * chunked framing) or had no framing at all (a hop that strips it, where the close is the body's only end); a body
 * that ended by its own framing without a finish reason is {@code missing_finish_reason}; a stream that stops making
 * token progress is a {@code stall} and, cut at the hard limit, {@code aborted}, even while chunks keep coming.
 */
class StreamEndingsTest {

    private static final String FAST = "ttft_ms=5;itl_ms=2;jitter_ms=0;tokens=12";
    private static final long MS = 1_000_000L;
    /**
     * Stall at 1 s, abort at 1.5 s: far above the simulator's healthy 2 ms gaps even when a loaded machine pauses the
     * client for half a second (seen on a 2-core CI box at 0.2 s), far below its 5 s faults.
     */
    private static final long STALL = 1000 * MS;
    private static final long ABORT = 1500 * MS;

    private static Vertx vertx;
    private static SimulatorServer simulator;
    private static UnframingProxy proxy;
    private static StreamingClient client;
    private static int simulatorPort;
    private static int proxyPort;

    /** A pool of each flavor, with the simulator model that speaks it. */
    enum Pool {
        OPENAI_CHAT("openai-chat", Flavor.OPENAI_CHAT, true, "sim-openai"),
        OPENAI_CHAT_NO_DONE("openai-chat require_done false", Flavor.OPENAI_CHAT, false, "sim-tgi2"),
        OPENAI_COMPLETIONS("openai-completions", Flavor.OPENAI_COMPLETIONS, true, "sim-openai"),
        TGI_GENERATE("tgi-generate", Flavor.TGI_GENERATE, false, "sim-tgi3"),
        TRITON_GENERATE("triton-generate", Flavor.TRITON_GENERATE, false, "sim-triton"),
        LLAMACPP_COMPLETION("llamacpp-completion", Flavor.LLAMACPP_COMPLETION, false, "sim-llamacpp");

        final String label;
        final Flavor flavor;
        final boolean requireDone;
        final String model;

        Pool(String label, Flavor flavor, boolean requireDone, String model) {
            this.label = label;
            this.flavor = flavor;
            this.requireDone = requireDone;
            this.model = model;
        }

        String body() {
            return switch (flavor) {
                case OPENAI_CHAT -> "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"stream\":true,\"max_tokens\":64}";
                case OPENAI_COMPLETIONS -> "{\"model\":\"" + model + "\",\"prompt\":\"hi\",\"stream\":true,"
                        + "\"max_tokens\":64}";
                case TGI_GENERATE -> "{\"model\":\"" + model + "\",\"inputs\":\"hi\",\"parameters\":"
                        + "{\"max_new_tokens\":64}}";
                case TRITON_GENERATE -> "{\"text_input\":\"hi\",\"max_tokens\":64}";
                case LLAMACPP_COMPLETION -> "{\"model\":\"" + model + "\",\"prompt\":\"hi\",\"n_predict\":64,"
                        + "\"stream\":true}";
            };
        }
    }

    /**
     * @param unframed whether the stream passes the hop that strips chunked framing
     * @param expected the rules each pool must report, exactly
     */
    record Fault(String name, String spec, boolean unframed, Function<Pool, Set<Rule>> expected) {
    }

    private static final List<Fault> FAULTS = List.of(
            new Fault("connection closed mid-answer", "close@4", false, p -> Set.of(Rule.PREMATURE_CLOSE)),
            new Fault("connection closed mid-answer, body without framing", "close@4", true,
                    p -> Set.of(Rule.PREMATURE_CLOSE)),
            new Fault("healthy", "", false, p -> Set.of()),
            // Triton has no finish reason, so without framing nothing shows that its answer was whole.
            new Fault("healthy, body without framing", "", true,
                    p -> p.flavor == Flavor.TRITON_GENERATE ? Set.of(Rule.PREMATURE_CLOSE) : Set.of()),
            new Fault("ended cleanly without a finish reason", "no_finish", false,
                    p -> p.flavor == Flavor.TRITON_GENERATE ? Set.of() : Set.of(Rule.MISSING_FINISH_REASON)),
            new Fault("ended cleanly without a finish reason or [DONE]", "no_finish,no_done", false,
                    p -> p.flavor == Flavor.TRITON_GENERATE ? Set.of()
                            : p.requireDone ? Set.of(Rule.MISSING_FINISH_REASON, Rule.MISSING_DONE)
                            : Set.of(Rule.MISSING_FINISH_REASON)),
            new Fault("token-less chunks every 10 ms after 3 tokens", "idle_chunks@4:5000", false,
                    p -> Set.of(Rule.STALL, Rule.ABORTED)),
            new Fault("silence after 3 tokens", "stall@4:5000", false, p -> Set.of(Rule.STALL, Rule.ABORTED)),
            new Fault("silence before the first token", "stall@1:5000", false,
                    p -> Set.of(Rule.STALL, Rule.ABORTED, Rule.NO_TOKENS)));

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0));
        simulatorPort = simulator.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        proxy = new UnframingProxy(vertx, simulatorPort);
        proxyPort = proxy.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(2), 8, Duration.ofMillis(20)));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        proxy.close();
        simulator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Stream<Arguments> table() {
        return FAULTS.stream().flatMap(f -> Arrays.stream(Pool.values())
                .map(p -> arguments(f.name() + " on " + p.label, f, p)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void sameFaultSameRuleOnEveryFlavor(String name, Fault fault, Pool pool) throws Exception {
        StreamResult r = stream(pool, fault.spec(), fault.unframed());

        assertThat(r.violations()).as(name + ": " + r.violations()).extracting(Violation::rule)
                .containsExactlyInAnyOrderElementsOf(fault.expected().apply(pool));
        if (fault.expected().apply(pool).contains(Rule.ABORTED)) {
            int tokensBefore = fault.spec().startsWith("stall@1") ? 0 : 3;
            // The simulator writes the next token 5 s later: cut before it, on token progress alone.
            assertThat(r.trace().tokenChunks()).isEqualTo(tokensBefore);
            assertThat(r.aborted()).isTrue();
            assertThat(reason(r, Rule.ABORTED)).startsWith("stream aborted after ").endsWith("(limit 1.50 s)");
            assertThat(reason(r, Rule.STALL)).startsWith("no token for ");
        }
        if (fault.spec().startsWith("idle_chunks")) {
            // The stall is found while the server was still sending chunks.
            assertThat(reason(r, Rule.STALL)).contains("chunks without a token since");
            assertThat(r.events()).isGreaterThan(r.trace().tokenChunks() + 10);
        }
    }

    private static String reason(StreamResult r, Rule rule) {
        return r.violations().stream().filter(v -> v.rule() == rule).findFirst().orElseThrow().reason();
    }

    private static StreamResult stream(Pool pool, String fault, boolean unframed) throws Exception {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        headers.put("x-sim-profile", FAST);
        if (!fault.isEmpty()) {
            headers.put("x-sim-fault", fault);
        }
        int port = unframed ? proxyPort : simulatorPort;
        StreamRequest request = new StreamRequest(URI.create("http://127.0.0.1:" + port), pool.flavor.path(pool.model),
                headers, Buffer.buffer(pool.body()), Duration.ofSeconds(2), Duration.ofSeconds(10));
        StreamOptions options = new StreamOptions(pool.flavor, pool.requireDone, 1, STALL, ABORT, 1 << 20, 1 << 24,
                1000, Cumulative.AUTO, 0);
        Attempt a = client.stream(request, options, StreamListener.NONE).toCompletionStage().toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        assertThat(a.error()).as("transport error").isNull();
        return a.result();
    }
}
