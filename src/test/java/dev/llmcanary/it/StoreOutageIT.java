package dev.llmcanary.it;

import dev.llmcanary.schedule.SpreadOffsets;
import dev.llmcanary.store.TestPostgres;
import dev.llmcanary.testing.PackagedService;
import dev.llmcanary.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A PostgreSQL outage under two packaged replicas sharing the store: 10 canaries at 1 s; the store is blackholed for
 * 30 s (connections hang: what made every tick wait 3 s) and then refuses connections for 30 s, through a TCP proxy
 * between the services and the shared PostgreSQL server (which keeps running for everyone else). During the outage
 * at least 95 % of the scheduled (job, slot)s run, no job goes unrun for more than two intervals, and once the store
 * is back every run is stored. Needs {@code LLM_CANARY_TEST_PG_URL} (see {@link TestPostgres}).
 */
class StoreOutageIT {

    private static final long INTERVAL_MILLIS = 1000;
    private static final int CANARIES = 10;
    private static final Duration BLACKHOLE = Duration.ofSeconds(30);
    private static final Duration REFUSED = Duration.ofSeconds(30);
    private static final String POOL = "sim";
    private static final String ENDPOINT = "sim-0";
    private static final String MODEL = "sim-openai";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<PackagedService> services = new ArrayList<>();
    private String schema;
    private String directUrl;
    private TcpProxy proxy;
    private Path configDir;

    @BeforeEach
    void setUp() throws Exception {
        TestPostgres.require();
        schema = "it_outage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = connect(TestPostgres.url()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        directUrl = withSchema(TestPostgres.url());
        URI pg = URI.create(TestPostgres.url().substring("jdbc:".length()));
        proxy = new TcpProxy(pg.getHost(), pg.getPort());
        configDir = Files.createTempDirectory("llm-canary-it-outage");
        Files.copy(Path.of("canaries/slo-classes.yaml"), configDir.resolve("slo-classes.yaml"));
        Files.writeString(configDir.resolve("pools.yaml"), """
                pools:
                  - name: %s
                    device_type: cpu
                    flavor: openai-chat
                    # Room for all ten: the pool's own cap (default 4) would skip ticks for load, not for the outage,
                    # whenever a loaded machine slows the runs down; this test measures what the outage costs.
                    max_concurrent_canaries: 10
                    endpoints:
                      - name: %s
                        url: ${llm-canary.simulator.url}
                    models: [%s]
                """.formatted(POOL, ENDPOINT, MODEL));
        for (int i = 0; i < CANARIES; i++) {
            Files.writeString(configDir.resolve("it-" + i + ".yaml"), """
                    id: it-%d
                    description: runs through a store outage
                    slo_class: streaming
                    messages:
                      - role: user
                        content: Say hello.
                    max_tokens: 16
                    interval: %dms
                    """.formatted(i, INTERVAL_MILLIS));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        services.forEach(PackagedService::close);
        if (proxy != null) {
            proxy.close();
        }
        if (schema != null && TestPostgres.url() != null) {
            try (Connection c = connect(TestPostgres.url()); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private String withSchema(String url) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private PackagedService replica(String name) {
        URI pg = URI.create(TestPostgres.url().substring("jdbc:".length()));
        String viaProxy = withSchema(TestPostgres.url().replace(pg.getHost() + ":" + pg.getPort(),
                "127.0.0.1:" + proxy.port()));
        PackagedService s = PackagedService.named("outage-" + name)
                .property("llm-canary.config.dir", configDir.toString())
                .property("llm-canary.replica-id", "it-" + name)
                .property("llm-canary.health.enabled", "false")
                .property("llm-canary.store.retry-interval", "2s")
                .environment("QUARKUS_DATASOURCE_PG_JDBC_URL", viaProxy)
                .environment("QUARKUS_DATASOURCE_PG_USERNAME", TestPostgres.user())
                .environment("QUARKUS_DATASOURCE_PG_PASSWORD", TestPostgres.password())
                .environment("QUARKUS_DATASOURCE_H2_ACTIVE", "false");
        services.add(s);
        return s;
    }

    @Test
    void twoReplicasKeepCanaryingThroughABlackholedThenRefusingStoreAndStoreEveryRunAfter() throws Exception {
        PackagedService a = replica("a");
        PackagedService b = replica("b");
        // One after the other: two JVMs starting at once on a loaded 2-core machine can exceed the readiness wait.
        a.start();
        b.start();
        // Both have heartbeated (each sees the other) before the store goes away.
        await("both replicas heartbeat").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> replicasSeen() >= 2 && metric(a, "llm_canary_runs_total") > 0
                        && metric(b, "llm_canary_runs_total") + metric(b, "llm_canary_slot_claims_total") > 0);

        Instant cut = Instant.now();
        proxy.mode(TcpProxy.Mode.BLACKHOLE);
        await("both notice").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> metric(a, "llm_canary_store_up") == 0 && metric(b, "llm_canary_store_up") == 0);
        Instant refuse = cut.plus(BLACKHOLE);
        await().pollDelay(Duration.between(Instant.now(), refuse)).atMost(BLACKHOLE.plusSeconds(5)).until(() -> true);
        proxy.mode(TcpProxy.Mode.REFUSE);
        Instant restore = refuse.plus(REFUSED);
        await().pollDelay(Duration.between(Instant.now(), restore)).atMost(REFUSED.plusSeconds(5)).until(() -> true);
        double overlapDuring = metric(a, "llm_canary_skipped_runs_total", "overlap")
                + metric(b, "llm_canary_skipped_runs_total", "overlap");
        String skipsDuring = skips(a) + " / " + skips(b);
        proxy.mode(TcpProxy.Mode.OPEN);
        Instant restored = Instant.now();

        await("store back and buffers flushed").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                .until(() -> metric(a, "llm_canary_store_up") == 1 && metric(b, "llm_canary_store_up") == 1
                        && metric(a, "llm_canary_store_buffered_results") == 0
                        && metric(b, "llm_canary_store_buffered_results") == 0);
        // Counted once scraped; the stores are checked against what both replicas say they ran.
        double ranByBoth = metric(a, "llm_canary_runs_total") + metric(b, "llm_canary_runs_total");
        await("every run stored").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> storedRuns() >= ranByBoth);
        double dropped = metric(a, "llm_canary_store_dropped_results_total")
                + metric(b, "llm_canary_store_dropped_results_total");

        // Judged from a tick into the outage to a tick before its end (edges belong to the transitions).
        Instant from = cut.plusMillis(INTERVAL_MILLIS);
        Instant to = restored.minusMillis(INTERVAL_MILLIS);
        Map<String, Long> offsets = SpreadOffsets.offsets(IntStream.range(0, CANARIES)
                .mapToObj(i -> new SpreadOffsets.Slot(jobId("it-" + i), INTERVAL_MILLIS)).toList());
        Map<String, List<Run>> starts = runStarts();
        int expected = 0;
        int covered = 0;
        long worstGapMillis = 0;
        for (int i = 0; i < CANARIES; i++) {
            String job = jobId("it-" + i);
            long offset = offsets.get(job);
            long first = SpreadOffsets.slot(offset, INTERVAL_MILLIS, from.toEpochMilli()) + 1;
            long last = SpreadOffsets.slot(offset, INTERVAL_MILLIS, to.toEpochMilli());
            expected += (int) (last - first + 1);
            Set<Long> ran = new HashSet<>();
            List<Run> jobRuns = starts.getOrDefault("it-" + i, List.of());
            Run previous = null;
            for (Run r : jobRuns) {
                Instant t = r.start();
                long slot = SpreadOffsets.slot(offset, INTERVAL_MILLIS, t.toEpochMilli());
                if (slot >= first && slot <= last) {
                    ran.add(slot);
                }
                // Unrun = neither running nor started: a tick skipped because the job's previous run was still in
                // flight (overlap, e.g. on a starved machine) does not leave the job unwatched.
                if (!t.isBefore(from) && !t.isAfter(to) && previous != null) {
                    worstGapMillis = Math.max(worstGapMillis, Duration.between(previous.end(), t).toMillis());
                }
                previous = r;
            }
            covered += ran.size();
        }
        double coverage = covered / (double) expected;
        System.out.printf("StoreOutageIT: outage %d s (blackhole %d s, refused %d s): %d of %d scheduled slots ran"
                        + " (%.1f %%), worst gap %d ms, overlap skips %.0f, stored %d of %.0f run, dropped %.0f;"
                        + " skips by reason (a / b): %s%n",
                Duration.between(cut, restored).toSeconds(), BLACKHOLE.toSeconds(), REFUSED.toSeconds(), covered,
                expected, coverage * 100, worstGapMillis, overlapDuring, storedRuns(), ranByBoth, dropped, skipsDuring);

        assertThat(coverage).as("share of the scheduled slots run during the outage").isGreaterThanOrEqualTo(0.95);
        assertThat(worstGapMillis).as("longest time a job went unrun (no run started nor in flight) during the outage")
                .isLessThanOrEqualTo(2 * INTERVAL_MILLIS);
        assertThat(dropped).isZero();
        // Runs go on meanwhile: at least every run counted before is stored.
        assertThat((double) storedRuns()).as("stored runs vs runs both replicas counted")
                .isGreaterThanOrEqualTo(ranByBoth);
        assertThat(a.logTail() + b.logTail()).doesNotContain("This pool is closed");
    }

    private int replicasSeen() throws SQLException {
        try (Connection c = connect(directUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM replicas")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    private long storedRuns() throws SQLException {
        try (Connection c = connect(directUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM runs")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A stored run's start, and when it ended as far as the store says (its start when it has no e2e). */
    private record Run(Instant start, Instant end) {
    }

    private Map<String, List<Run>> runStarts() throws SQLException {
        Map<String, List<Run>> starts = new TreeMap<>();
        try (Connection c = connect(directUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT canary, started_at, e2e_seconds FROM runs ORDER BY started_at")) {
            while (rs.next()) {
                Instant start = rs.getObject(2, java.time.OffsetDateTime.class).toInstant();
                double e2e = rs.getDouble(3);
                Instant end = rs.wasNull() ? start : start.plusNanos((long) (e2e * 1e9));
                starts.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Run(start, end));
            }
        }
        return starts;
    }

    private static String jobId(String canary) {
        return canary + "/" + POOL + "/" + ENDPOINT + "/" + MODEL;
    }

    /** The sum of a metric's series (optionally only those with {@code reason="<reason>"}). */
    private double metric(PackagedService s, String name, String... reason) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url("/metrics")))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> (l.startsWith(name + "{") || l.startsWith(name + " "))
                        && (reason.length == 0 || l.contains("reason=\"" + reason[0] + "\"")))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Every skip counter line of a replica, for the printout. */
    private String skips(PackagedService s) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url("/metrics")))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> l.startsWith("llm_canary_skipped_runs_total{")
                        || l.startsWith("llm_canary_slot_claims_total{"))
                .map(l -> l.replaceAll("pool=\"[^\"]*\",?", "")).toList().toString();
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password());
    }
}
