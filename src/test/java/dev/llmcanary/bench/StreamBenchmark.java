package dev.llmcanary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.StreamOptions;
import dev.llmcanary.client.Attempt;
import dev.llmcanary.client.ClientSettings;
import dev.llmcanary.client.StreamRequest;
import dev.llmcanary.client.StreamingClient;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how truthfully the streaming engine times the first token: canary streams against the simulator running
 * in a separate JVM (no shared heap or GC pauses), at several concurrency levels, comparing each measured first-token
 * arrival with the simulator's recorded write of that chunk (a bracket: just before the write, and when the write
 * completed). Prints, per level: error vs both bounds (median, p99, max), user-visible TTFT next to TTFT from request
 * written, the client's own pool wait, how many streams reported a TTFT below the simulator's own (must be 0: the
 * request stamp is the lower edge of the bracket), CPU time per streamed token and heap used. Run: {@code ./mvnw -q -Pbench test-compile exec:exec}
 * (levels with {@code -Dbench.levels=1,100,1000}).
 *
 * <p>Each level is a closed loop at constant concurrency: N workers each start a stream, and a new one as soon as
 * the previous ends, for {@code bench.seconds}. Workers start spread over the first stream's duration, as canaries
 * spread over their interval do; a thousand streams started in the same millisecond measure the accept queue.
 */
public final class StreamBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int[] levels = Arrays.stream(System.getProperty("bench.levels", "1,100,1000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int tokens = Integer.getInteger("bench.tokens", 32);
        // A loaded pool's pace: 200 ms to the first token, 40 ms between tokens (25 tokens/s per stream).
        String profile = System.getProperty("bench.profile", "ttft_ms=200;itl_ms=40;jitter_ms=5;tokens=" + tokens);
        Process sim = startSimulator();
        try {
            String base = awaitListening(sim);
            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
            // bench.pool below the concurrency makes streams queue for a connection: the pool wait column shows it.
            StreamingClient client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(10),
                    Integer.getInteger("bench.pool", 2000), Duration.ofMillis(20)));
            HttpClient truthClient = HttpClient.newHttpClient();
            System.out.printf("llm-canary stream benchmark: %d cores, simulator pid %d at %s, profile %s, %d s per level%n",
                    Runtime.getRuntime().availableProcessors(), sim.pid(), base, profile, Long.getLong("bench.seconds", 10));
            // Warm-up at the highest level, so the JIT has compiled the hot paths of both JVMs before anything counts.
            runLevel(client, truthClient, base, profile, levels[levels.length - 1], true, vertx);
            System.out.println();
            System.out.println("| concurrency | streams | err vs write start p50 / p99 / max (ms) | err vs write done p50 / p99 / max (ms) | TTFT from request written p50 / p99 (ms) | TTFT from attempt start p50 / p99 (ms) | sim TTFT p50 (ms) | TTFT < sim TTFT (streams) | pool wait p50 / p99 (ms) | CPU µs / token | heap used peak (MiB) | GCs / GC ms | violations |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (int c : levels) {
                runLevel(client, truthClient, base, profile, c, false, vertx);
            }
            client.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            sim.destroy();
            sim.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void runLevel(StreamingClient client, HttpClient truth, String base, String profile,
                                 int concurrency, boolean warmup, Vertx vertx) throws Exception {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        AtomicLong heapPeak = new AtomicLong(mem.getHeapMemoryUsage().getUsed());
        var sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> heapPeak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max),
                0, 20, TimeUnit.MILLISECONDS);
        long seconds = Long.getLong("bench.seconds", 10);
        long rampMillis = Long.getLong("bench.ramp.ms", 1500);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup ? Long.getLong("bench.warmup.seconds", 8) : seconds);
        // Only a few numbers per stream are kept: holding whole results would inflate the live set and with it the
        // benchmark's own GC pauses, which land on the measurement.
        java.util.Queue<Sample> samples = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch workers = new java.util.concurrent.CountDownLatch(concurrency);
        long cpu0 = processCpuNanos();
        long[] gc0 = gcCountAndMillis();
        int minStreams = concurrency == 1 ? Integer.getInteger("bench.min.streams", 20) : 0;
        for (int i = 0; i < concurrency; i++) {
            long delay = concurrency == 1 ? 1 : 1 + rampMillis * i / concurrency;
            vertx.setTimer(delay, t -> worker(client, base, profile, end, minStreams, samples, finished, workers));
        }
        workers.await(seconds + 120, TimeUnit.SECONDS);
        long cpu = processCpuNanos() - cpu0;
        long[] gc1 = gcCountAndMillis();
        sampler.shutdownNow();
        if (warmup) {
            return;
        }
        List<Sample> list = new ArrayList<>(samples);
        long tokenChunks = 0;
        int violations = 0;
        int size = list.size();
        double[] errStart = new double[size];
        double[] errDone = new double[size];
        double[] ttft = new double[size];
        double[] ttftStart = new double[size];
        double[] simTtft = new double[size];
        double[] poolWait = new double[size];
        int belowTruth = 0;
        int n = 0;
        for (int i = 0; i < size; i++) {
            Sample tr = list.get(i);
            violations += tr.violations();
            tokenChunks += tr.tokenChunks();
            if (tr.firstToken() < 0) {
                continue;
            }
            JsonNode rec = JSON.readTree(truth.send(HttpRequest.newBuilder(URI.create(base + "/sim/requests/" + tr.id()))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            JsonNode first = null;
            for (JsonNode ch : rec.path("chunks")) {
                if ("TOKEN".equals(ch.path("kind").asText())) {
                    first = ch;
                    break;
                }
            }
            if (first == null) {
                continue;
            }
            errStart[n] = (tr.firstToken() - first.path("writeStartNanos").asLong()) / 1e6;
            errDone[n] = (tr.firstToken() - first.path("writeDoneNanos").asLong()) / 1e6;
            ttft[n] = (tr.firstToken() - tr.requestWritten()) / 1e6;
            ttftStart[n] = (tr.firstToken() - tr.start()) / 1e6;
            long simNanos = first.path("writeStartNanos").asLong() - rec.path("receivedNanos").asLong();
            simTtft[n] = simNanos / 1e6;
            // The check of the bracket's lower edge, in nanoseconds: a TTFT below the server's own is a stamp taken
            // late (after the server already had the request), which the client must never report.
            if (tr.firstToken() - tr.requestWritten() < simNanos) {
                belowTruth++;
            }
            poolWait[n] = tr.poolWaitNanos() / 1e6;
            n++;
        }
        if (Boolean.getBoolean("bench.diag")) {
            diagnose(list, errStart, n);
        }
        System.out.printf("| %d | %d | %s | %s | %s | %s | %.2f | %d | %s | %.1f | %.0f | %d / %d | %d |%n", concurrency, n,
                triple(errStart, n), triple(errDone, n), pair(ttft, n), pair(ttftStart, n), pct(simTtft, n, 50),
                belowTruth, pair(poolWait, n), tokenChunks == 0 ? 0 : cpu / 1e3 / tokenChunks, heapPeak.get() / 1048576.0, gc1[0] - gc0[0],
                gc1[1] - gc0[1], violations);
    }

    /** What is kept of one stream: its id and the timestamps the figures need. */
    private record Sample(String id, long start, long requestWritten, long firstToken, int tokenChunks,
                          int violations, long poolWaitNanos) {

        static Sample of(String id, Attempt a) {
            if (a.failedToStart()) {
                return new Sample(id, a.startNanos(), -1, -1, 0, 1, 0);
            }
            var t = a.result().trace();
            Double wait = a.poolWaitSeconds();
            return new Sample(id, t.start(), t.requestWritten(), t.firstToken(), t.tokenChunks(),
                    a.result().violations().size(), wait == null ? 0 : Math.round(wait * 1e9));
        }
    }

    /** One closed-loop worker: a stream, then the next as soon as it ends, until the level's end. */
    private static void worker(StreamingClient client, String base, String profile, long end, int minStreams,
                               java.util.Queue<Sample> samples, java.util.concurrent.atomic.AtomicInteger finished,
                               java.util.concurrent.CountDownLatch done) {
        if (System.nanoTime() >= end && finished.get() >= minStreams) {
            done.countDown();
            return;
        }
        String id = UUID.randomUUID().toString();
        client.stream(request(base, id, profile), options(), StreamListener.NONE).onComplete(ar -> {
            samples.add(Sample.of(id, ar.result()));
            finished.incrementAndGet();
            worker(client, base, profile, end, minStreams, samples, finished, done);
        });
    }

    private static StreamRequest request(String base, String id, String profile) {
        String body = "{\"model\":\"sim-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}],"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":64}";
        return new StreamRequest(URI.create(base), Flavor.OPENAI_CHAT.path("sim-openai"),
                Map.of("content-type", "application/json", "x-request-id", id, "x-sim-profile", profile),
                Buffer.buffer(body, StandardCharsets.UTF_8.name()), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    private static StreamOptions options() {
        return new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 5_000_000_000L, 30_000_000_000L, 1 << 20, 16 << 20,
                4096, Cumulative.AUTO, 16);
    }

    private static Process startSimulator() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The simulator stands in for a server on other machines; at the lowest CPU priority it only takes the cores
        // the client under test leaves idle, instead of competing with its event loops at the same priority.
        return new ProcessBuilder("nice", "-n", "19", java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.llmcanary.simulator.SimulatorMain", "--host", "127.0.0.1", "--port", "0", "--max-recorded", "200000")
                .redirectErrorStream(true).start();
    }

    private static String awaitListening(Process sim) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8));
        String marker = "listening on ";
        for (String line; (line = out.readLine()) != null; ) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return line.substring(at + marker.length()).trim();
            }
        }
        throw new IllegalStateException("simulator exited before listening");
    }

    /** Prints the worst errors with when they happened (ms since JVM start), to set beside GC and safepoint logs. */
    private static void diagnose(List<Sample> list, double[] err, int n) {
        long jvmStartNanos = System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
        Integer[] order = new Integer[n];
        int k = 0;
        for (int i = 0; i < list.size() && k < n; i++) {
            if (list.get(i).firstToken() >= 0) {
                order[k++] = i;
            }
        }
        Integer[] idx = Arrays.copyOf(order, k);
        // err[] is filled in the same order as samples with a first token
        double[] e = Arrays.copyOf(err, k);
        Integer[] byErr = new Integer[k];
        for (int i = 0; i < k; i++) {
            byErr[i] = i;
        }
        Arrays.sort(byErr, (a, b) -> Double.compare(e[b], e[a]));
        for (int i = 0; i < Math.min(30, k); i++) {
            Sample s = list.get(idx[byErr[i]]);
            System.out.printf("diag: err %.2f ms at %.1f ms%n", e[byErr[i]], (s.firstToken() - jvmStartNanos) / 1e6);
        }
    }

    /** Young and old collections so far: count and accumulated milliseconds (pauses, for G1's young collector). */
    private static long[] gcCountAndMillis() {
        long count = 0;
        long millis = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String triple(double[] v, int n) {
        return String.format("%.3f / %.3f / %.3f", pct(v, n, 50), pct(v, n, 99), max(v, n));
    }

    private static String pair(double[] v, int n) {
        return String.format("%.2f / %.2f", pct(v, n, 50), pct(v, n, 99));
    }

    private static double pct(double[] v, int n, double p) {
        if (n == 0) {
            return Double.NaN;
        }
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * n) - 1;
        return s[Math.max(0, Math.min(n - 1, rank))];
    }

    private static double max(double[] v, int n) {
        return Arrays.stream(v, 0, n).max().orElse(Double.NaN);
    }
}
