package dev.llmcanary.store;

import dev.llmcanary.loadprobe.LoadProbeStore;
import dev.llmcanary.loadprobe.StoredProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load-probe store (migration V4: rows, JSON text, the BYTEA report, baselines) against each database the
 * service supports (H2 and PostgreSQL subclasses).
 */
abstract class LoadProbeStoreContract {

    static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123456Z");

    @RegisterExtension
    final StoreExtension testDatabase;
    LoadProbeStore store;
    /** Each test's own scenario id, so that no row of another test can answer for it. */
    String scenario;

    LoadProbeStoreContract(StoreExtension testDatabase) {
        this.testDatabase = testDatabase;
    }

    @BeforeEach
    void setUp() {
        store = new LoadProbeStore(testDatabase.database());
        scenario = "sc-" + UUID.randomUUID();
    }

    private StoredProbe probe(String state, boolean baseline, String summary) {
        return new StoredProbe(UUID.randomUUID().toString(), scenario, "sim-h100", state, "done".equals(state) ? "pass"
                : null, "done".equals(state) ? "SLO held" : null, "api", T0, "done".equals(state)
                ? T0.plusSeconds(30) : null, baseline, summary, summary == null ? null : "{\"outcome\":\"pass\"}", false);
    }

    @Test
    void aRowRoundTripsAndIsReplacedWhenSavedAgain() throws SQLException {
        StoredProbe running = probe("running", false, null);
        store.save(running);
        assertThat(store.find(running.id())).contains(running);

        StoredProbe done = new StoredProbe(running.id(), scenario, "sim-h100", "done", "pass", "SLO held", "api", T0,
                T0.plusSeconds(30), false, "{\"kinds\":{\"chat\":{\"count\":12}}}", "{\"outcome\":\"pass\"}", false);
        store.save(done);

        assertThat(store.find(running.id())).contains(done);
        assertThat(store.find("no-such-probe")).isEmpty();
    }

    @Test
    void theReportZipIsStoredAsBytesAndFlagged() throws SQLException {
        StoredProbe p = probe("done", false, "{}");
        store.save(p);
        assertThat(store.report(p.id())).as("no report yet").isEmpty();
        byte[] zip = new byte[70_000];
        for (int i = 0; i < zip.length; i++) {
            zip[i] = (byte) (i * 31);
        }

        store.saveReport(p.id(), zip);

        assertThat(store.report(p.id())).hasValueSatisfying(b -> assertThat(b).isEqualTo(zip));
        assertThat(store.find(p.id()).orElseThrow().hasReport()).isTrue();
    }

    @Test
    void promotingMakesExactlyOneBaselinePerScenario() throws SQLException {
        StoredProbe first = probe("done", true, "{}");
        StoredProbe second = probe("done", false, "{}");
        store.save(first);
        store.save(second);
        assertThat(store.baseline(scenario).map(StoredProbe::id)).contains(first.id());

        store.promote(scenario, second.id());

        assertThat(store.baseline(scenario).map(StoredProbe::id)).contains(second.id());
        assertThat(store.find(first.id()).orElseThrow().baseline()).isFalse();
        assertThat(store.baseline("sc-without-runs")).isEmpty();
    }
}
