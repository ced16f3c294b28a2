package dev.llmcanary.it;

import dev.llmcanary.schedule.SpreadOffsets;
import dev.llmcanary.store.TestPostgres;
import dev.llmcanary.testing.PackagedService;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two packaged service instances (real processes) against one real PostgreSQL, in a schema of their own: for a few
 * intervals every (job, slot) is claimed once and run once across both; then one stops and the other claims and runs
 * every later slot. Needs {@code LLM_CANARY_TEST_PG_URL} (see {@link TestPostgres}): skipped without it locally,
 * failed without it under {@code CI=true}.
 */
class TwoReplicasIT {

    private static final long INTERVAL_MILLIS = 2000;
    private static final String POOL = "sim";
    private static final String ENDPOINT = "sim-0";
    private static final String MODEL = "sim-openai";
    private static final List<String> CANARIES = List.of("it-one", "it-two");
    /** Slots each phase must see (both running, then the survivor alone). */
    private static final int SLOTS_PER_PHASE = 3;

    private final HttpClient http = HttpClient.newHttpClient();
    private String schema;
    private String jdbcUrl;
    private Path configDir;
    private final List<PackagedService> services = new ArrayList<>();

    /** One scheduled run, as stored. */
    record Run(String job, long slot) {
    }

    /** One claim, as stored. */
    record Claim(String job, long slot, String owner, Instant claimedAt) {
    }

    @BeforeEach
    void setUp() throws Exception {
        TestPostgres.require();
        schema = "it_replicas_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = connect(TestPostgres.url()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        jdbcUrl = TestPostgres.url() + (TestPostgres.url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
        configDir = Files.createTempDirectory("llm-canary-it-replicas");
        Files.copy(Path.of("canaries/slo-classes.yaml"), configDir.resolve("slo-classes.yaml"));
        Files.writeString(configDir.resolve("pools.yaml"), """
                pools:
                  - name: %s
                    device_type: cpu
                    flavor: openai-chat
                    endpoints:
                      - name: %s
                        url: ${llm-canary.simulator.url}
                    models: [%s]
                """.formatted(POOL, ENDPOINT, MODEL));
        for (String id : CANARIES) {
            Files.writeString(configDir.resolve(id + ".yaml"), """
                    id: %s
                    description: shared by two replicas
                    slo_class: streaming
                    messages:
                      - role: user
                        content: Say hello.
                    max_tokens: 16
                    interval: %dms
                    """.formatted(id, INTERVAL_MILLIS));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        services.forEach(PackagedService::close);
        if (schema != null && TestPostgres.url() != null) {
            try (Connection c = connect(TestPostgres.url()); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private PackagedService replica(String name) {
        PackagedService s = PackagedService.named("replica-" + name)
                .property("llm-canary.config.dir", configDir.toString())
                .property("llm-canary.replica-id", "it-" + name)
                .property("llm-canary.health.enabled", "false")
                .environment("QUARKUS_DATASOURCE_PG_JDBC_URL", jdbcUrl)
                .environment("QUARKUS_DATASOURCE_PG_USERNAME", TestPostgres.user())
                .environment("QUARKUS_DATASOURCE_PG_PASSWORD", TestPostgres.password())
                .environment("QUARKUS_DATASOURCE_H2_ACTIVE", "false");
        services.add(s);
        return s;
    }

    @Test
    void everySlotRunsOnceAcrossBothAndTheSurvivorTakesOver() throws Exception {
        PackagedService a = replica("a");
        PackagedService b = replica("b");
        // Started together, to keep the test short; each waits for its own readiness.
        java.util.concurrent.CompletableFuture.allOf(java.util.concurrent.CompletableFuture.runAsync(a::start),
                java.util.concurrent.CompletableFuture.runAsync(b::start)).join();
        Instant bothUp = Instant.now();
        // Steady state: both replicas have reached the database (each migrates it lazily at its first claim, and a
        // tick whose claim waits on that may be skipped as an overlap by both); slots are checked from here on.
        // (Which replica wins a slot is a race: one may win them all, the other then only loses claims.)
        await("both replicas claim").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> reachedTheDatabase(a, "it-a") && reachedTheDatabase(b, "it-b"));
        Instant steady = Instant.now();
        await("both replicas share " + SLOTS_PER_PHASE + " slots of every job").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> everyJobHasSlotsAfter(claims(), steady, SLOTS_PER_PHASE));
        double lostClaims = claimedElsewhere(a) + claimedElsewhere(b);

        // Stop the replica that won the most slots, so the survivor has work to take over.
        Map<String, Long> won = claims().stream().filter(c -> c.claimedAt().isAfter(steady))
                .collect(Collectors.groupingBy(Claim::owner, Collectors.counting()));
        boolean stopA = won.getOrDefault("it-a", 0L) >= won.getOrDefault("it-b", 0L);
        PackagedService stopped = stopA ? a : b;
        PackagedService survivor = stopA ? b : a;
        String stoppedId = stopA ? "it-a" : "it-b";
        String survivorId = stopA ? "it-b" : "it-a";
        Instant stopRequested = Instant.now();
        stopped.close();
        Instant stoppedAt = Instant.now();
        await("the survivor claims " + SLOTS_PER_PHASE + " more slots of every job").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> everyJobHasSlotsAfter(claims(), stoppedAt, SLOTS_PER_PHASE));
        // The survivor's last runs are stored a moment after their claims.
        await("runs stored").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    List<Run> stored = runs();
                    return claims().stream().filter(c -> c.owner().equals(survivorId))
                            .allMatch(c -> stored.contains(new Run(c.job(), c.slot())));
                });
        System.out.printf("TwoReplicasIT: both ready → steady %d ms, steady → stop %d ms, stop took %d ms,"
                        + " stopped → end %d ms%n", Duration.between(bothUp, steady).toMillis(),
                Duration.between(steady, stopRequested).toMillis(),
                Duration.between(stopRequested, stoppedAt).toMillis(),
                Duration.between(stoppedAt, Instant.now()).toMillis());

        List<Claim> claims = claims();
        List<Run> runs = runs();
        assertThat(lostClaims).as("claims lost to the other replica while both ran").isPositive();
        assertThat(claims).extracting(Claim::owner).contains("it-a", "it-b");
        // Slots from the first one claimed in steady state on.
        Map<String, Long> firstSteadySlot = claims.stream().filter(c -> c.claimedAt().isAfter(steady))
                .collect(Collectors.toMap(Claim::job, Claim::slot, Math::min));
        Map<String, List<Claim>> byJob = claims.stream().filter(c -> c.slot() >= firstSteadySlot.get(c.job()))
                .collect(Collectors.groupingBy(Claim::job, TreeMap::new, Collectors.toList()));
        assertThat(byJob).hasSize(CANARIES.size());
        byJob.forEach((job, jobClaims) -> {
            List<Long> slots = jobClaims.stream().map(Claim::slot).sorted().toList();
            // Every slot from the first to the last is claimed (the primary key makes it once), across the stop too.
            assertThat(slots).as("slots of %s", job).containsExactlyElementsOf(
                    LongStream.rangeClosed(slots.get(0), slots.get(slots.size() - 1)).boxed().toList());
            List<Long> ranSlots = runs.stream().filter(r -> r.job().equals(job) && r.slot() >= slots.get(0))
                    .map(Run::slot).sorted().toList();
            assertThat(ranSlots).as("runs of %s, by slot", job).doesNotHaveDuplicates();
            // Every claimed slot ran, except at most one the stopped replica claimed as it was shutting down.
            List<Long> notRun = slots.stream().filter(s -> !ranSlots.contains(s)).toList();
            assertThat(notRun).as("claimed but not run, %s", job).hasSizeLessThanOrEqualTo(1)
                    .allSatisfy(s -> assertThat(jobClaims).filteredOn(c -> c.slot() == s).singleElement()
                            .satisfies(c -> {
                                assertThat(c.owner()).isEqualTo(stoppedId);
                                assertThat(c.claimedAt()).isAfter(stopRequested.minusMillis(INTERVAL_MILLIS));
                            }));
            assertThat(ranSlots).as("runs without a claim, %s", job).allSatisfy(s -> assertThat(slots).contains(s));
            // After the stop, every slot is the survivor's: it took over within one interval.
            assertThat(jobClaims).filteredOn(c -> c.claimedAt().isAfter(stoppedAt)).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.owner()).isEqualTo(survivorId));
        });
        assertThat(survivor.logTail()).doesNotContain(" ERROR ");
    }

    /** Whether the replica has won or lost a claim yet. */
    private boolean reachedTheDatabase(PackagedService s, String owner) throws Exception {
        return claims().stream().anyMatch(c -> c.owner().equals(owner)) || claimedElsewhere(s) > 0;
    }

    private static boolean everyJobHasSlotsAfter(List<Claim> claims, Instant since, int n) {
        Map<String, Long> counts = claims.stream().filter(c -> c.claimedAt().isAfter(since))
                .collect(Collectors.groupingBy(Claim::job, Collectors.counting()));
        return counts.size() == CANARIES.size() && counts.values().stream().allMatch(c -> c >= n);
    }

    private List<Claim> claims() throws SQLException {
        List<Claim> claims = new ArrayList<>();
        try (Connection c = connect(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT job_key, slot, owner, claimed_at FROM job_claims")) {
            while (rs.next()) {
                claims.add(new Claim(rs.getString(1), rs.getLong(2), rs.getString(3),
                        rs.getObject(4, java.time.OffsetDateTime.class).toInstant()));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return claims; // not migrated yet
            }
            throw e;
        }
        return claims;
    }

    /** Stored runs with the slot each started in, computed as the scheduler does (same spread, same grid). */
    /**
     * The stored runs, each given the slot of the latest claim of its job taken before it started: a run starts right
     * after its replica won the claim, but on a loaded machine that can be more than half an interval after the
     * slot's nominal tick, so recomputing the slot from the start time alone would name the next slot.
     */
    private List<Run> runs() throws SQLException {
        Map<String, Long> offsets = SpreadOffsets.offsets(CANARIES.stream()
                .map(id -> new SpreadOffsets.Slot(jobId(id), INTERVAL_MILLIS)).toList());
        List<Claim> claims = claims();
        List<Run> runs = new ArrayList<>();
        try (Connection c = connect(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT canary, started_at FROM runs")) {
            while (rs.next()) {
                String job = jobId(rs.getString(1));
                String key = job + "@" + INTERVAL_MILLIS;
                Instant at = rs.getObject(2, java.time.OffsetDateTime.class).toInstant();
                long slot = claims.stream()
                        .filter(cl -> cl.job().equals(key) && !cl.claimedAt().isAfter(at.plusMillis(50)))
                        .max(java.util.Comparator.comparing(Claim::claimedAt)).map(Claim::slot)
                        .orElseGet(() -> SpreadOffsets.slot(offsets.get(job), INTERVAL_MILLIS, at.toEpochMilli()));
                runs.add(new Run(key, slot));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return runs;
            }
            throw e;
        }
        return runs;
    }

    private static String jobId(String canary) {
        return canary + "/" + POOL + "/" + ENDPOINT + "/" + MODEL;
    }

    private double claimedElsewhere(PackagedService s) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url("/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> l.startsWith("llm_canary_skipped_runs_total{")
                        && l.contains("reason=\"claimed_elsewhere\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password());
    }
}
