package dev.llmcanary.store;

import dev.llmcanary.canary.run.IdentityChangeView;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.evidence.Evidence;
import dev.llmcanary.evidence.EvidenceFigures;
import dev.llmcanary.telemetry.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.llmcanary.store.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The run store's behaviour, run against each database the service supports (H2 and PostgreSQL subclasses). */
abstract class RunStoreContract {

    @RegisterExtension
    final StoreExtension testDatabase;

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00.123456Z");
    static final Retention RETENTION = new Retention(Duration.ofDays(14), Duration.ofDays(60));

    SwitchableDataSource dataSource;
    SimpleMeterRegistry registry;
    RunStore store;
    RunQueries queries;
    Database database;

    RunStoreContract(StoreExtension testDatabase) {
        this.testDatabase = testDatabase;
    }

    Database db() {
        return database;
    }

    @BeforeEach
    void setUp() {
        // the store reaches the test's database through a switch, so that tests can take it down
        dataSource = new SwitchableDataSource(testDatabase.dataSource());
        registry = new SimpleMeterRegistry();
        database = StoreExtension.migrated(dataSource);
        store = new RunStore(database, Runs.JSON, RETENTION, 3, registry);
        queries = new RunQueries(database, Runs.JSON);
    }

    @Test
    void storedResultReadsBackCompletely() throws SQLException {
        RunResult r = run("count-ordered", "sim-h100", "sim-vllm", Outcome.FAIL, NOW);
        store.accept(r);

        assertThat(queries.get(r.runId())).get().usingRecursiveComparison().isEqualTo(r);
        assertThat(queries.get("00000000-0000-0000-0000-000000000000")).isEmpty();
    }

    @Test
    void theIdentityAndTheIdentityChangeARunRevealedReadBackAndOlderRowsHaveNone() throws SQLException {
        RunResult changed = run("count-ordered", "sim-h100", "sim-openai", Outcome.PASS, NOW).withIdentityChange(
                new IdentityChangeView(NOW, "fingerprint", "fp_a", "sha256:0b4e7a7d19c2f655"))
                .withIdentity(java.util.Map.of("fingerprint", "fp_a", "model_sha", "5f2b0e1c"));
        RunResult plain = run("count-ordered", "sim-h100", "sim-openai", Outcome.PASS, NOW.minusSeconds(1));
        store.accept(changed);
        store.accept(plain);
        // a row written before runs recorded identity changes: its JSON has no such field
        RunResult old = run("count-ordered", "sim-h100", "sim-openai", Outcome.PASS, NOW.minusSeconds(2));
        store.accept(old);
        try (Connection c = dataSource.getConnection();
             var ps = c.prepareStatement("UPDATE runs SET result_json = REPLACE(result_json,"
                     + " ',\"identityChange\":null', '') WHERE run_id = ?"
                     + " AND result_json LIKE '%\"identityChange\":null%'")) {
            ps.setString(1, old.runId());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        assertThat(queries.get(changed.runId()).orElseThrow().identityChange()).isEqualTo(changed.identityChange());
        assertThat(queries.get(changed.runId()).orElseThrow().identity())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("fingerprint", "fp_a", "model_sha", "5f2b0e1c"));
        assertThat(queries.get(plain.runId()).orElseThrow().identityChange()).isNull();
        assertThat(queries.get(old.runId()).orElseThrow()).usingRecursiveComparison().isEqualTo(old);
    }

    @Test
    void evidenceIsStoredInItsOwnColumnAndReadsBack() throws SQLException {
        Evidence evidence = new Evidence("vllm /metrics", null, new EvidenceFigures(NOW, Map.of("requests_waiting",
                37.0, "kv_cache_usage_ratio", 0.98)), "TTFT over threshold while 37 requests waited in the queue and"
                + " KV cache was 98 % full: saturation, not a fault", List.of("before: no scrape in the 60 s before"
                + " the run"));
        RunResult with = run("count-ordered", "sim-h100", "sim-vllm", Outcome.FAIL, NOW).withEvidence(evidence);
        RunResult without = run("count-ordered", "sim-h100", "sim-vllm", Outcome.FAIL, NOW.minusSeconds(1));
        store.accept(with);
        store.accept(without);

        assertThat(queries.get(with.runId())).get().usingRecursiveComparison().isEqualTo(with);
        assertThat(queries.get(without.runId()).orElseThrow().evidence()).isNull();
        try (Connection c = dataSource.getConnection();
             var ps = c.prepareStatement("SELECT run_id, evidence_json FROM runs ORDER BY started_at DESC");
             var rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getString("evidence_json")).contains("\"requests_waiting\":37.0")
                    .contains("saturation, not a fault");
            rs.next();
            assertThat(rs.getString("evidence_json")).isNull();
        }
    }

    @Test
    void listedRunCarriesTheIndexedColumns() throws SQLException {
        RunResult r = run("count-ordered", "sim-h100", "sim-vllm", Outcome.FAIL, NOW);
        store.accept(r);

        StoredRun s = queries.find(query(null, null, null, null, 10, null)).runs().get(0);
        assertThat(s).isEqualTo(new StoredRun(r.runId(), "count-ordered", "sim-h100", "ep-1", "sim-vllm",
                "streaming", NOW.truncatedTo(ChronoUnit.MICROS), "fail", "ttft 1.2 s > 0.8 s", 0.25, 1.5, 48.5, 64,
                "0af7651916cd43dd8448eb211c80319c", "schedule"));
    }

    @Test
    void pagesCoverEveryRunOnceNewestFirstEvenWithTiesAndConcurrentInserts() throws SQLException {
        List<RunResult> all = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            // groups of three share a start time: the run id must break the tie
            RunResult r = run("c", "p", "m", Outcome.PASS, NOW.minusSeconds(i / 3));
            all.add(r);
            store.accept(r);
        }
        List<String> expected = all.stream()
                .sorted(Comparator.comparing(RunResult::startedAt).thenComparing(RunResult::runId).reversed())
                .map(RunResult::runId).toList();

        List<String> seen = new ArrayList<>();
        Cursor cursor = null;
        int pages = 0;
        do {
            RunPage page = queries.find(query(null, null, null, null, 5, cursor));
            page.runs().forEach(s -> seen.add(s.runId()));
            cursor = page.next();
            pages++;
            // a run arriving mid-listing is newer than the cursor: it must not shift later pages
            store.accept(run("c", "p", "m", Outcome.PASS, NOW.plusSeconds(pages)));
        } while (cursor != null);

        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(5);
    }

    @Test
    void lastFullPageHasNoCursor() throws SQLException {
        for (int i = 0; i < 4; i++) {
            store.accept(run("c", "p", "m", Outcome.PASS, NOW.minusSeconds(i)));
        }
        RunPage first = queries.find(query(null, null, null, null, 2, null));
        RunPage second = queries.find(query(null, null, null, null, 2, first.next()));

        assertThat(first.next()).isNotNull();
        assertThat(second.runs()).hasSize(2);
        assertThat(second.next()).isNull();
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                arguments("no filter", query(null, null, null, null, 100, null), List.of("a1", "a2", "b1", "b2")),
                arguments("canary", new RunQuery("canary-b", null, null, null, null, null, null, 100, null),
                        List.of("b1", "b2")),
                arguments("pool", new RunQuery(null, "pool-2", null, null, null, null, null, 100, null),
                        List.of("a2", "b2")),
                arguments("endpoint", new RunQuery(null, null, "ep-1", null, null, null, null, 100, null),
                        List.of("a1", "a2", "b1", "b2")),
                arguments("unknown endpoint", new RunQuery(null, null, "ep-9", null, null, null, null, 100, null),
                        List.of()),
                arguments("model", new RunQuery(null, null, null, "model-x", null, null, null, 100, null),
                        List.of("a1", "b1")),
                arguments("outcome", new RunQuery(null, null, null, null, "error", null, null, 100, null),
                        List.of("b2")),
                arguments("since is inclusive", query(NOW.minusSeconds(20), null, null, null, 100, null),
                        List.of("a1", "a2", "b1")),
                arguments("until is exclusive", query(null, NOW.minusSeconds(20), null, null, 100, null),
                        List.of("b2")),
                arguments("since and until", query(NOW.minusSeconds(30), NOW.minusSeconds(5), null, null, 100, null),
                        List.of("a2", "b1", "b2")),
                arguments("several filters", new RunQuery("canary-a", "pool-2", null, "model-y", "pass", null, null,
                        100, null), List.of("a2")),
                arguments("limit", query(null, null, null, null, 2, null), List.of("a1", "a2")),
                arguments("trigger schedule", byTrigger(Trigger.SCHEDULE), List.of("a1", "b2")),
                arguments("trigger api", byTrigger(Trigger.API), List.of("a2")),
                arguments("trigger gate", byTrigger(Trigger.GATE), List.of("b1")));
    }

    private static RunQuery byTrigger(Trigger t) {
        return new RunQuery(null, null, null, null, null, null, null, 100, null, t);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void filtersNarrowTheListing(String name, RunQuery q, List<String> expectedIds) throws SQLException {
        store.accept(run("id-a1", "canary-a", "pool-1", "model-x", Outcome.PASS, NOW));
        store.accept(run("id-a2", "canary-a", "pool-2", "model-y", Outcome.PASS, NOW.minusSeconds(10))
                .withTrigger(Trigger.API));
        store.accept(run("id-b1", "canary-b", "pool-1", "model-x", Outcome.FAIL, NOW.minusSeconds(20))
                .withTrigger(Trigger.GATE));
        store.accept(run("id-b2", "canary-b", "pool-2", "model-y", Outcome.ERROR, NOW.minusSeconds(30)));

        assertThat(queries.find(q).runs()).extracting(StoredRun::runId)
                .containsExactlyElementsOf(expectedIds.stream().map(id -> "id-" + id).toList());
    }

    @Test
    void purgeKeepsFailuresLongerThanPasses() throws SQLException {
        store.accept(run("pass-13d", "c", "p", "m", Outcome.PASS, NOW.minus(Duration.ofDays(13))));
        store.accept(run("pass-15d", "c", "p", "m", Outcome.PASS, NOW.minus(Duration.ofDays(15))));
        store.accept(run("fail-59d", "c", "p", "m", Outcome.FAIL, NOW.minus(Duration.ofDays(59))));
        store.accept(run("fail-61d", "c", "p", "m", Outcome.FAIL, NOW.minus(Duration.ofDays(61))));
        store.accept(run("error-61d", "c", "p", "m", Outcome.ERROR, NOW.minus(Duration.ofDays(61))));

        assertThat(store.purge(NOW)).isEqualTo(3);
        assertThat(queries.find(query(null, null, null, null, 100, null)).runs()).extracting(StoredRun::runId)
                .containsExactly("pass-13d", "fail-59d");
    }

    /** One size-cap case: what is stored, the cap, what must remain. */
    record SizeCase(String name, List<String> stored, long maxRuns, List<String> kept) {
        @Override
        public String toString() {
            return name;
        }
    }

    static java.util.stream.Stream<SizeCase> sizeCases() {
        // ids: outcome-age in minutes; all within the age retention
        return java.util.stream.Stream.of(
                new SizeCase("under the cap nothing goes", List.of("pass-3", "fail-2", "pass-1"), 3,
                        List.of("pass-3", "fail-2", "pass-1")),
                new SizeCase("over the cap the oldest passes go first", List.of("pass-5", "fail-4", "pass-3",
                        "cancelled-2", "pass-1"), 3, List.of("fail-4", "cancelled-2", "pass-1")),
                new SizeCase("passes alone not enough: then the oldest failures",
                        List.of("fail-4", "error-3", "pass-2", "fail-1"), 2, List.of("error-3", "fail-1")),
                new SizeCase("no cap (0) keeps all", List.of("pass-3", "pass-2", "pass-1"), 0,
                        List.of("pass-3", "pass-2", "pass-1")));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("sizeCases")
    void theSizeCapPrunesTheOldestPassesFirstAndCountsThem(SizeCase c) throws SQLException {
        RunStore capped = new RunStore(db(), Runs.JSON, new Retention(Duration.ofDays(14), Duration.ofDays(60),
                c.maxRuns()), 3, registry);
        for (String id : c.stored()) {
            String[] p = id.split("-");
            capped.accept(run(id, "c", "p", "m", Outcome.valueOf(p[0].toUpperCase(java.util.Locale.ROOT)),
                    NOW.minus(Duration.ofMinutes(Long.parseLong(p[1])))));
        }

        int deleted = capped.purge(NOW);

        assertThat(queries.find(query(null, null, null, null, 100, null)).runs()).extracting(StoredRun::runId)
                .containsExactlyInAnyOrderElementsOf(c.kept());
        assertThat(deleted).isEqualTo(c.stored().size() - c.kept().size());
        assertThat(registry.get(MetricNames.STORE_PRUNED_RUNS).tag("reason", "size").counter().count())
                .isEqualTo(deleted);
        assertThat(registry.get(MetricNames.STORE_PRUNED_RUNS).tag("reason", "age").counter().count()).isZero();
    }

    @Test
    void theAgePurgeCountsWhatItDeletedAndKeepsCancelledRunsAsLongAsPasses() throws SQLException {
        store.accept(run("cancelled-15d", "c", "p", "m", Outcome.CANCELLED, NOW.minus(Duration.ofDays(15))));
        store.accept(run("cancelled-13d", "c", "p", "m", Outcome.CANCELLED, NOW.minus(Duration.ofDays(13))));

        assertThat(store.purge(NOW)).isEqualTo(1);
        assertThat(queries.find(query(null, null, null, null, 100, null)).runs()).extracting(StoredRun::runId)
                .containsExactly("cancelled-13d");
        assertThat(registry.get(MetricNames.STORE_PRUNED_RUNS).tag("reason", "age").counter().count()).isEqualTo(1);
    }

    @Test
    void theSizeCapDeletesInBatches() throws SQLException {
        int n = RunStore.PURGE_BATCH + 7;
        try (Connection c = db().connect()) {
            c.setAutoCommit(false);
            RunRows rows = new RunRows(Runs.JSON);
            for (int i = 0; i < n; i++) {
                rows.insert(c, run(String.format("bulk-%06d", i), "c", "p", "m", Outcome.PASS, NOW.minusSeconds(n - i)));
            }
            c.commit();
        }
        RunStore capped = new RunStore(db(), Runs.JSON, new Retention(Duration.ofDays(14), Duration.ofDays(60), 5),
                3, registry);

        assertThat(capped.purge(NOW)).isEqualTo(n - 5);
        assertThat(queries.find(query(null, null, null, null, 100, null)).runs()).extracting(StoredRun::runId)
                .containsExactlyInAnyOrder(java.util.stream.IntStream.range(n - 5, n)
                        .mapToObj(i -> String.format("bulk-%06d", i)).toArray(String[]::new));
    }

    @Test
    void aStoreKnownDownIsNotWrittenToAndTheFlushBringsItBack() throws SQLException {
        StoreStatus status = new StoreStatus(registry, java.time.Clock.systemUTC());
        RunStore shared = new RunStore(db(), Runs.JSON, RETENTION, 3, registry, status);
        shared.flush();
        status.failed("slot claim", null); // the scheduler's claim found out first
        int attempts = dataSource.attempts();

        shared.accept(run("while-down", "c", "p", "m", Outcome.PASS, NOW));

        assertThat(dataSource.attempts()).as("connections asked of a store known down").isEqualTo(attempts);
        assertThat(shared.buffered()).isEqualTo(1);
        assertThat(shared.flush()).isTrue();
        assertThat(status.up()).isTrue();
        assertThat(queries.get("while-down")).isPresent();
    }

    @Test
    void aFailedWriteMarksTheStoreDown() throws SQLException {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        StoreStatus status = new StoreStatus(own, java.time.Clock.systemUTC());
        RunStore shared = new RunStore(db(), Runs.JSON, RETENTION, 3, own, status);
        shared.flush();
        dataSource.down(true);

        shared.accept(run("c", "p", "m", Outcome.PASS, NOW));

        assertThat(status.up()).isFalse();
        assertThat(own.get(MetricNames.STORE_UP).gauge().value()).isZero();
    }

    @Test
    void aWriteTheDatabaseDoesNotAnswerIsBufferedAfterTheBudgetAndStoredOnceLater() throws SQLException {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        StoreStatus status = new StoreStatus(own, java.time.Clock.systemUTC());
        RunStore shared = new RunStore(db(), Runs.JSON, RETENTION, 3, own, status, Duration.ofMillis(200));
        shared.flush();
        dataSource.hang();
        RunResult r = run("hung", "c", "p", "m", Outcome.PASS, NOW);
        try {
            // Without the budget this call waits for the database (here: forever; a blackholed PostgreSQL: 15 s).
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> shared.accept(r));

            assertThat(status.up()).as("store counted down").isFalse();
            assertThat(status.snapshot().reason()).contains("no answer within 200 ms");
            assertThat(shared.buffered()).isEqualTo(1);
            int attempts = dataSource.attempts();
            shared.accept(run("next", "c", "p", "m", Outcome.PASS, NOW.plusSeconds(1)));
            assertThat(dataSource.attempts()).as("later results do not wait on the hung database").isEqualTo(attempts);
        } finally {
            dataSource.answer();
        }
        // The late write lands, and the flush finds the row already there.
        await().atMost(Duration.ofSeconds(30)).until(() -> queries.get("hung").isPresent());
        assertThat(shared.flush()).isTrue();
        assertThat(status.up()).isTrue();
        assertThat(queries.find(query(null, null, null, null, 10, null)).runs()).extracting(StoredRun::runId)
                .containsExactlyInAnyOrder("hung", "next");
    }

    @Test
    void unreachableDatabaseBuffersThenDropsAndCountsThenRecovers() throws SQLException {
        store.flush();
        dataSource.down(true);
        List<RunResult> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RunResult r = run("c", "p", "m", Outcome.PASS, NOW.plusSeconds(i));
            results.add(r);
            store.accept(r);
        }
        assertThat(store.buffered()).isEqualTo(3);
        assertThat(registry.get(MetricNames.STORE_DROPPED_RESULTS).counter().count()).isEqualTo(2.0);
        assertThat(registry.get(MetricNames.STORE_BUFFERED_RESULTS).gauge().value()).isEqualTo(3.0);
        // after the first failure, later results do not each wait on the dead database
        int attempts = dataSource.attempts();
        store.accept(run("c", "p", "m", Outcome.PASS, NOW));
        assertThat(dataSource.attempts()).isEqualTo(attempts);
        assertThat(store.flush()).isFalse();

        dataSource.down(false);
        assertThat(store.flush()).isTrue();

        assertThat(store.buffered()).isZero();
        assertThat(queries.find(query(null, null, null, null, 100, null)).runs()).extracting(StoredRun::runId)
                .containsExactlyInAnyOrder(results.get(2).runId(), results.get(1).runId(), results.get(0).runId());
        RunResult after = run("c", "p", "m", Outcome.PASS, NOW.plusSeconds(60));
        store.accept(after);
        assertThat(queries.get(after.runId())).isPresent();
        assertThat(store.buffered()).isZero();
    }

    @Test
    void databaseDownAtStartIsMigratedOnceItAnswers() throws SQLException {
        dataSource.down(true);
        assertThat(store.flush()).isFalse();
        RunResult r = run("c", "p", "m", Outcome.PASS, NOW);
        store.accept(r);

        dataSource.down(false);
        assertThat(store.flush()).isTrue();
        assertThat(queries.get(r.runId())).isPresent();
    }

    @Test
    void aResultWrittenTwiceIsStoredOnceAndDoesNotBlockTheBuffer() throws SQLException {
        RunResult r = run("c", "p", "m", Outcome.PASS, NOW);
        store.accept(r);
        store.accept(r);

        assertThat(store.buffered()).isZero();
        assertThat(queries.find(query(null, null, null, null, 10, null)).runs()).hasSize(1);
    }

    @Test
    void sloCountsGroupRunsOfTheWindow() throws SQLException {
        store.accept(run("c1", "pool-1", "m", Outcome.PASS, NOW.minusSeconds(10)));
        store.accept(run("c2", "pool-1", "m", Outcome.PASS, NOW.minusSeconds(20)));
        store.accept(run("c1", "pool-1", "m", Outcome.FAIL, NOW.minusSeconds(30)));
        store.accept(run("c1", "pool-2", "m", Outcome.ERROR, NOW.minusSeconds(40)));
        store.accept(run("c1", "pool-1", "m", Outcome.FAIL, NOW.minus(Duration.ofHours(2))));

        assertThat(queries.sloCounts(NOW.minus(Duration.ofHours(1)))).containsExactly(
                new SloCount("pool-1", "m", "streaming", 3, 2),
                new SloCount("pool-2", "m", "streaming", 1, 0));
    }

    @ParameterizedTest(name = "{0} run: stored row and read-back result carry the trigger")
    @EnumSource(Trigger.class)
    void storedRowCarriesTheTrigger(Trigger trigger) throws SQLException {
        RunResult r = run("c1", "pool-1", "m", Outcome.PASS, NOW).withTrigger(trigger);
        store.accept(r);

        try (Connection c = dataSource.getConnection();
             var ps = c.prepareStatement("SELECT run_trigger FROM runs WHERE run_id = ?")) {
            ps.setString(1, r.runId());
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(trigger.label());
            }
        }
        assertThat(queries.get(r.runId())).get().extracting(RunResult::trigger).isEqualTo(trigger);
        assertThat(queries.find(query(null, null, null, null, 10, null)).runs()).extracting(StoredRun::trigger)
                .containsExactly(trigger.label());
    }

    @Test
    void sloCountsOnlyScheduledRuns() throws SQLException {
        store.accept(run("c1", "pool-1", "m", Outcome.PASS, NOW.minusSeconds(10)));
        store.accept(run("c1", "pool-1", "m", Outcome.PASS, NOW.minusSeconds(20)));
        for (int i = 0; i < 20; i++) {
            store.accept(run("c1", "pool-1", "m", Outcome.FAIL, NOW.minusSeconds(30 + i)).withTrigger(Trigger.GATE));
        }
        store.accept(run("c1", "pool-1", "m", Outcome.ERROR, NOW.minusSeconds(60)).withTrigger(Trigger.API));
        store.accept(run("c1", "pool-2", "m", Outcome.FAIL, NOW.minusSeconds(70)).withTrigger(Trigger.GATE));

        assertThat(queries.sloCounts(NOW.minus(Duration.ofHours(1)))).containsExactly(
                new SloCount("pool-1", "m", "streaming", 2, 2));
    }

    /**
     * Rows written before runs carried a trigger: the migration makes a gate's runs (known from gate_runs) 'gate'
     * and the rest 'schedule', and a result read back without a trigger in its JSON takes the column's.
     */
    @Test
    void rowsFromBeforeTheTriggerColumnAreBackfilled() throws SQLException {
        DataSource old = testDatabase.emptyDatabase();
        Flyway.configure().dataSource(old).locations("classpath:db/migration").target("5").load().migrate();
        RunResult gateRun = run("c1", "pool-1", "m", Outcome.FAIL, NOW.minusSeconds(10));
        RunResult scheduled = run("c1", "pool-1", "m", Outcome.PASS, NOW.minusSeconds(20));
        try (Connection c = old.getConnection()) {
            for (RunResult r : List.of(gateRun, scheduled)) {
                try (var ps = c.prepareStatement("INSERT INTO runs (run_id, canary, pool, endpoint, model, slo_class,"
                        + " started_at, outcome, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, r.runId());
                    ps.setString(2, r.canary());
                    ps.setString(3, r.pool());
                    ps.setString(4, r.endpoint());
                    ps.setString(5, r.model());
                    ps.setString(6, r.sloClass());
                    ps.setObject(7, RunRows.timestamp(r.startedAt()));
                    ps.setString(8, r.outcome().label());
                    // as the version before wrote it: no trigger in the JSON
                    ps.setString(9, Runs.JSON.valueToTree(r).deepCopy().<com.fasterxml.jackson.databind.node.ObjectNode>
                            require().without("trigger").toString());
                    ps.executeUpdate();
                }
            }
            try (var ps = c.prepareStatement("INSERT INTO gate_runs (gate_id, seq, side, run_id, outcome)"
                    + " VALUES ('g1', 0, 'candidate', ?, 'fail')")) {
                ps.setString(1, gateRun.runId());
                ps.executeUpdate();
            }
        }
        RunQueries upgraded = new RunQueries(StoreExtension.migrated(old), Runs.JSON);

        assertThat(upgraded.get(gateRun.runId())).get().extracting(RunResult::trigger).isEqualTo(Trigger.GATE);
        assertThat(upgraded.get(scheduled.runId())).get().extracting(RunResult::trigger)
                .isEqualTo(Trigger.SCHEDULE);
        assertThat(upgraded.sloCounts(NOW.minus(Duration.ofHours(1)))).containsExactly(
                new SloCount("pool-1", "m", "streaming", 1, 1));
    }

    private static RunQuery query(Instant since, Instant until, String outcome, String canary, int limit,
                                  Cursor after) {
        return new RunQuery(canary, null, null, null, outcome, since, until, limit, after);
    }
}
