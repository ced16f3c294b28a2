package dev.llmcanary.client;

import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.StreamOptions;
import dev.llmcanary.telemetry.ClientLoopMetrics;
import dev.llmcanary.telemetry.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams spread over the client's event loops whatever thread starts them (Vert.x would otherwise give every
 * stream the starting thread's one sticky context), and the pool maximum stays the client's total however they
 * spread. The thread that parses a stream's first token is the loop the stream ran on.
 */
class EventLoopSpreadTest {

    private static final String BODY = "{\"model\":\"sim-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"stream\":true,\"max_tokens\":64}";
    private static final StreamOptions OPTIONS = new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 5_000_000_000L,
            30_000_000_000L, 1 << 20, 1 << 24, 1000, Cumulative.AUTO, 0);
    private static final String PROFILE = "ttft_ms=100;itl_ms=20;jitter_ms=0;tokens=5";
    /** The bar: at 100 streams each of two loops carries at least a third. */
    private static final int STREAMS = 100;

    private Vertx vertx;
    private Vertx serverVertx;
    private SimulatorServer simulator;
    private StreamingClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
        serverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        simulator = new SimulatorServer(serverVertx, SimulatorConfig.defaults("127.0.0.1", 0));
        port = simulator.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        simulator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        serverVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Where the streams are started from: the places the scheduler, gate runner and on-demand runs start them. */
    enum Starter {
        /** A plain thread (scheduler, gate runner, benchmark worker): Vert.x would give it one sticky context. */
        ONE_PLAIN_THREAD,
        /** One event-loop context (an on-demand run from a REST handler): the pool would use that loop only. */
        ONE_EVENT_LOOP
    }

    private Future<Attempt> stream(int i, Map<String, Integer> firstTokenThreads) {
        StreamRequest r = new StreamRequest(URI.create("http://127.0.0.1:" + port), "/v1/chat/completions",
                Map.of("content-type", "application/json", "x-request-id", "s" + i, "x-sim-profile", PROFILE),
                Buffer.buffer(BODY), Duration.ofSeconds(5), Duration.ofSeconds(30));
        return client.stream(r, OPTIONS, new StreamListener() {
            @Override
            public void firstToken(long atNanos) {
                firstTokenThreads.merge(Thread.currentThread().getName(), 1, Integer::sum);
            }
        });
    }

    private List<Attempt> runAll(Starter starter, Map<String, Integer> threads) throws Exception {
        return runAll(starter, threads, STREAMS);
    }

    private List<Attempt> runAll(Starter starter, Map<String, Integer> threads, int streams) throws Exception {
        CompletableFuture<List<Future<Attempt>>> started = new CompletableFuture<>();
        Runnable startAll = () -> {
            List<Future<Attempt>> fs = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                fs.add(stream(i, threads));
            }
            started.complete(fs);
        };
        if (starter == Starter.ONE_EVENT_LOOP) {
            Context one = vertx.getOrCreateContext();
            one.runOnContext(v -> startAll.run());
        } else {
            startAll.run();
        }
        List<Attempt> done = new ArrayList<>();
        for (Future<Attempt> f : started.get(10, TimeUnit.SECONDS)) {
            Attempt a = f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertThat(a.error()).isNull();
            assertThat(a.result().violations()).isEmpty();
            done.add(a);
        }
        return done;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Starter.class)
    void streamsStartedFromOnePlaceRunOnEveryEventLoopEachWithAFairShare(Starter starter) throws Exception {
        client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(2), 2 * STREAMS,
                Duration.ofMillis(20), 0, Duration.ZERO, 2));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ClientLoopMetrics.bind(client, registry);
        Map<String, Integer> threads = new ConcurrentHashMap<>();

        runAll(starter, threads);

        assertThat(client.eventLoops()).isEqualTo(2);
        // The metric the service exposes, per loop: every loop carries at least a third of the streams.
        double loop0 = started(registry, "0");
        double loop1 = started(registry, "1");
        assertThat(loop0 + loop1).isEqualTo(STREAMS);
        assertThat(loop0).as("streams on loop 0").isGreaterThanOrEqualTo(STREAMS / 3.0);
        assertThat(loop1).as("streams on loop 1").isGreaterThanOrEqualTo(STREAMS / 3.0);
        // ... and the streams really ran there: the thread that parsed each first token is its loop's thread.
        assertThat(threads).as("threads that parsed the streams").hasSize(2)
                .containsOnlyKeys(client.eventLoopThread(0), client.eventLoopThread(1));
        assertThat(threads.get(client.eventLoopThread(0)).doubleValue()).isEqualTo(loop0);
        assertThat(registry.get(MetricNames.CLIENT_STREAMS_IN_FLIGHT).gauges())
                .allSatisfy(g -> assertThat(g.value()).isZero());
    }

    private static double started(SimpleMeterRegistry registry, String loop) {
        return registry.get(MetricNames.CLIENT_STREAMS_STARTED).tag(MetricNames.EVENT_LOOP, loop).functionCounter()
                .count();
    }

    @Test
    void oneEventLoopPerCoreByDefault() {
        client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(2), 64, Duration.ofMillis(20)));

        assertThat(client.eventLoops()).isEqualTo(Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void thePoolMaximumIsTheClientsTotalHoweverStreamsSpread() throws Exception {
        // 3 connections for 12 concurrent streams over 2 loops: 2 + 1, never 3 per loop.
        int streams = 12;
        client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(2), 3, Duration.ofMillis(20),
                0, Duration.ZERO, 2));
        Map<String, Integer> threads = new ConcurrentHashMap<>();

        List<Attempt> done = runAll(Starter.ONE_PLAIN_THREAD, threads, streams);

        assertThat(client.poolShares()).containsExactly(2, 1);
        assertThat(done.stream().filter(Attempt::newConnection).count()).as("connections opened").isEqualTo(3);
        assertThat(done.stream().filter(a -> a.poolWaitSeconds() > 0).count()).as("streams that queued")
                .isEqualTo(streams - 3);
        assertThat(threads).hasSize(2);
    }

    @Test
    void aStreamGoesToTheLoopWithAFreeConnectionToItsEndpoint() throws Exception {
        // One connection per loop and endpoint. A stream to A, one to B, a second to A: counting all streams alone
        // (1 and 1 in flight) could put the second A behind the first on its loop while the other loop has A's
        // connection free; counted per endpoint it goes to the other loop and never waits.
        // A Vert.x of its own: two servers asking one Vert.x for port 0 share one random port.
        Vertx otherVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        SimulatorServer other = new SimulatorServer(otherVertx, SimulatorConfig.defaults("127.0.0.1", 0));
        int otherPort = other.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(2), 2, Duration.ofMillis(20),
                    0, Duration.ZERO, 2));
            String slow = "ttft_ms=2000;itl_ms=10;jitter_ms=0;tokens=3";
            Future<Attempt> a1 = client.stream(request(port, "a1", slow), OPTIONS, StreamListener.NONE);
            Future<Attempt> b = client.stream(request(otherPort, "b", slow), OPTIONS, StreamListener.NONE);
            Future<Attempt> a2 = client.stream(request(port, "a2", slow), OPTIONS, StreamListener.NONE);

            Map<String, Future<Attempt>> streams = Map.of("a1", a1, "b", b, "a2", a2);
            for (var e : streams.entrySet()) {
                Attempt a = e.getValue().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
                assertThat(a.error()).as(e.getKey()).isNull();
                assertThat(a.newConnection()).as("%s had a connection of its own", e.getKey()).isTrue();
                assertThat(a.poolWaitSeconds()).as("%s queued for a connection", e.getKey()).isZero();
            }
            assertThat(client.streamsStarted(0) + client.streamsStarted(1)).isEqualTo(3);
        } finally {
            other.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            otherVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static StreamRequest request(int port, String id, String profile) {
        return new StreamRequest(URI.create("http://127.0.0.1:" + port), "/v1/chat/completions",
                Map.of("content-type", "application/json", "x-request-id", id, "x-sim-profile", profile),
                Buffer.buffer(BODY), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @Test
    void aPoolOfOneConnectionUsesOneLoopSoTheMaximumHolds() {
        client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(2), 1, Duration.ofMillis(20),
                0, Duration.ZERO, 2));

        assertThat(client.eventLoops()).isEqualTo(1);
    }
}
