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
 * request stamp is the lower edge of the bracket), CPU time per streamed token and heap used, the token-chunk rate
 * (per core), and for each of the client's event loops its share of the streams and of the chunk callbacks and its
 * thread's CPU time (so a client that runs everything on one loop shows). Run:
 * {@code ./mvnw -q -Pbench test-compile exec:exec} (levels with {@code -Dbench.levels=1,100,1000}).
 *
 * <p>Capacity: after the levels it prints the highest level whose error against the simulator's write start stayed
 * within {@code bench.capacity.p50.ms} (0.5) at the median and {@code bench.capacity.p99.ms} (5) at p99, with its
 * token-chunk rate per core; {@code bench.bisect=N} then runs N more levels halving the gap between that level and
 * the lowest one that missed the bound.
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
            System.out.printf("client: %d event loops, %s connections per loop%n", client.eventLoops(),
                    client.poolShares());
            System.out.println("| concurrency | streams | err vs write start p50 / p99 / max (ms) | err vs write done p50 / p99 / max (ms) | TTFT from request written p50 / p99 (ms) | TTFT from attempt start p50 / p99 (ms) | sim TTFT p50 (ms) | TTFT < sim TTFT (streams) | pool wait p50 / p99 (ms) | CPU µs / token | heap used peak (MiB) | GCs / GC ms | violations | token chunks/s (per core) | per event loop: streams / chunk callbacks / thread CPU s |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            List<Level> done = new ArrayList<>();
            for (int c : levels) {
                done.add(runLevel(client, truthClient, base, profile, c, false, vertx));
            }
            Capacity bound = Capacity.fromProperties();
            for (int step = 0, steps = Integer.getInteger("bench.bisect", 0); step < steps; step++) {
                int next = bound.nextLevel(done);
                if (next < 0) {
                    break;
                }
                done.add(runLevel(client, truthClient, base, profile, next, false, vertx));
            }
            System.out.println();
            System.out.println(bound.summary(done, profile));
            client.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            sim.destroy();
            sim.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** One measured level: what the capacity search needs of it. */
    record Level(int concurrency, int streams, double errP50Millis, double errP99Millis, double chunksPerSecond) {
    }

    /**
     * The capacity bound (error against the simulator's write start, p50 and p99) and the search over the measured
     * levels: the highest level within it, and the level that halves the gap to the lowest level above that missed it.
     */
    record Capacity(double p50Millis, double p99Millis, int cores) {

        static Capacity fromProperties() {
            return new Capacity(Double.parseDouble(System.getProperty("bench.capacity.p50.ms", "0.5")),
                    Double.parseDouble(System.getProperty("bench.capacity.p99.ms", "5")),
                    Runtime.getRuntime().availableProcessors());
        }

        boolean within(Level l) {
            return l.streams() > 0 && l.errP50Millis() <= p50Millis && l.errP99Millis() <= p99Millis;
        }

        /** The highest level within the bound, if any. */
        java.util.Optional<Level> best(List<Level> levels) {
            return levels.stream().filter(this::within).max(java.util.Comparator.comparingInt(Level::concurrency));
        }

        /**
         * The next level to try: halfway between the best level and the lowest level above it that missed the bound
         * (halfway from 0 when none was within); -1 when there is no gap left to halve (or nothing missed).
         */
        int nextLevel(List<Level> levels) {
            int low = best(levels).map(Level::concurrency).orElse(0);
            int high = levels.stream().filter(l -> !within(l) && l.concurrency() > low).mapToInt(Level::concurrency)
                    .min().orElse(-1);
            if (high < 0 || high - low <= 1) {
                return -1;
            }
            return low + (high - low) / 2;
        }

        String summary(List<Level> levels, String profile) {
            String bound = String.format("error vs write start p50 <= %s ms and p99 <= %s ms", p50Millis, p99Millis);
            return best(levels).map(l -> String.format(
                            "capacity (%s): %d concurrent streams, %.0f token chunks/s = %.0f per core (%d cores, "
                                    + "client and simulator together), profile %s", bound, l.concurrency(),
                            l.chunksPerSecond(), l.chunksPerSecond() / cores, cores, profile))
                    .orElse("capacity (" + bound + "): no level within the bound, profile " + profile);
        }
    }

    private static Level runLevel(StreamingClient client, HttpClient truth, String base, String profile,
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
        long[] loopCpu0 = loopCpuNanos(client);
        long[] gc0 = gcCountAndMillis();
        long levelStart = System.nanoTime();
        int minStreams = concurrency == 1 ? Integer.getInteger("bench.min.streams", 20) : 0;
        for (int i = 0; i < concurrency; i++) {
            long delay = concurrency == 1 ? 1 : 1 + rampMillis * i / concurrency;
            vertx.setTimer(delay, t -> worker(client, base, profile, end, minStreams, samples, finished, workers));
        }
        workers.await(seconds + 120, TimeUnit.SECONDS);
        long cpu = processCpuNanos() - cpu0;
        long[] loopCpu1 = loopCpuNanos(client);
        long[] gc1 = gcCountAndMillis();
        sampler.shutdownNow();
        if (warmup) {
            return null;
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
        // The steady part of the level (after the workers' ramp) for the chunk rate; chunks counted pro rata of each
        // stream's first token → end that falls in it.
        long steadyFrom = levelStart + TimeUnit.MILLISECONDS.toNanos(concurrency == 1 ? 0 : rampMillis);
        double steadyChunks = 0;
        long[] loopStreams = new long[client.eventLoops()];
        long[] loopChunks = new long[client.eventLoops()];
        for (int i = 0; i < size; i++) {
            Sample tr = list.get(i);
            violations += tr.violations();
            tokenChunks += tr.tokenChunks();
            steadyChunks += tr.chunksWithin(steadyFrom, end);
            int loop = loopIndex(client, tr.thread());
            if (loop >= 0) {
                loopStreams[loop]++;
                loopChunks[loop] += tr.tokenChunks();
            }
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
        double chunkRate = steadyChunks / Math.max(1e-9, (end - steadyFrom) / 1e9);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("| %d | %d | %s | %s | %s | %s | %.2f | %d | %s | %.1f | %.0f | %d / %d | %d | %.0f (%.0f) | %s |%n",
                concurrency, n, triple(errStart, n), triple(errDone, n), pair(ttft, n), pair(ttftStart, n),
                pct(simTtft, n, 50), belowTruth, pair(poolWait, n), tokenChunks == 0 ? 0 : cpu / 1e3 / tokenChunks,
                heapPeak.get() / 1048576.0, gc1[0] - gc0[0], gc1[1] - gc0[1], violations, chunkRate, chunkRate / cores,
                loopSpread(loopStreams, loopChunks, loopCpu0, loopCpu1));
        return new Level(concurrency, n, pct(errStart, n, 50), pct(errStart, n, 99), chunkRate);
    }

    /** "loop 0: 50 % / 50 % / 1.23 s; loop 1: …": each loop's share of the streams and chunks, its thread's CPU. */
    static String loopSpread(long[] streams, long[] chunks, long[] cpu0, long[] cpu1) {
        long allStreams = Arrays.stream(streams).sum();
        long allChunks = Arrays.stream(chunks).sum();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < streams.length; i++) {
            b.append(i == 0 ? "" : "; ").append("loop ").append(i).append(": ")
                    .append(String.format("%.0f %% / %.0f %% / ", 100.0 * streams[i] / Math.max(1, allStreams),
                            100.0 * chunks[i] / Math.max(1, allChunks)))
                    .append(cpu0[i] < 0 || cpu1[i] < 0 ? "?" : String.format("%.2f s", (cpu1[i] - cpu0[i]) / 1e9));
        }
        return b.toString();
    }

    /** The index of the client's event loop with this thread name, -1 when none. */
    private static int loopIndex(StreamingClient client, String thread) {
        for (int i = 0; i < client.eventLoops(); i++) {
            if (thread.equals(client.eventLoopThread(i))) {
                return i;
            }
        }
        return -1;
    }

    /** CPU time so far of each event loop's thread (found by name), -1 where it is not known yet. */
    private static long[] loopCpuNanos(StreamingClient client) {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> ids = new java.util.HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ids.put(t.getName(), t.getId());
        }
        long[] cpu = new long[client.eventLoops()];
        for (int i = 0; i < cpu.length; i++) {
            Long id = client.eventLoopThread(i) == null ? null : ids.get(client.eventLoopThread(i));
            cpu[i] = id == null ? -1 : threads.getThreadCpuTime(id);
        }
        return cpu;
    }

    /**
     * What is kept of one stream: its id, the timestamps the figures need, and the thread that completed it (its
     * event loop).
     */
    private record Sample(String id, long start, long requestWritten, long firstToken, int tokenChunks,
                          int violations, long poolWaitNanos, long doneNanos, String thread) {

        static Sample of(String id, Attempt a) {
            long now = System.nanoTime();
            String thread = Thread.currentThread().getName();
            if (a.failedToStart()) {
                return new Sample(id, a.startNanos(), -1, -1, 0, 1, 0, now, thread);
            }
            var t = a.result().trace();
            Double wait = a.poolWaitSeconds();
            return new Sample(id, t.start(), t.requestWritten(), t.firstToken(), t.tokenChunks(),
                    a.result().violations().size(), wait == null ? 0 : Math.round(wait * 1e9), now, thread);
        }

        /** This stream's token chunks that arrived in from..to, pro rata of its first token → end. */
        double chunksWithin(long from, long to) {
            if (firstToken < 0 || tokenChunks == 0) {
                return 0;
            }
            long span = doneNanos - firstToken;
            if (span <= 0) {
                return firstToken >= from && firstToken <= to ? tokenChunks : 0;
            }
            long overlap = Math.min(to, doneNanos) - Math.max(from, firstToken);
            return overlap <= 0 ? 0 : tokenChunks * (double) overlap / span;
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
