package dev.llmcanary.consistency;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunSink;
import dev.llmcanary.canary.run.ViolationView;
import dev.llmcanary.store.Database;
import dev.llmcanary.store.Retention;
import dev.llmcanary.store.RunStore;
import dev.llmcanary.store.Runs;
import dev.llmcanary.store.TestPostgres;
import dev.llmcanary.telemetry.RunLogger;
import dev.llmcanary.testing.LogCapture;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No answer text leaves the comparison: with content capture off, neither the log lines, the stored rows (real
 * PostgreSQL), the results nor the metrics of a divergent pool carry a word of the answers, while the reason still
 * names endpoints, the position and fingerprints. With capture on, the same checks find the (captured) answer, which
 * shows they would see a leak.
 */
class ConsistencyPrivacyTest {

    /** 24 words, each too rare to appear in a log line, row or reason by chance. */
    private static final String REPLY = "Quokka zanzibar marmalade periwinkle xylophone brontosaurus kumquat"
            + " zeppelin gazpacho wombat tamarind hullabaloo marzipan flamingo kerfuffle lollygag snorkel juniper"
            + " platypus rhubarb nectarine walrus saffron pumpernickel";
    private static final List<String> WORDS = List.of(REPLY.toLowerCase(Locale.ROOT).split(" "));

    @ParameterizedTest(name = "capture {0}")
    @ValueSource(booleans = {false, true})
    void noAnswerTextIsLoggedStoredOrExportedWithoutCapture(boolean capture) throws Exception {
        DataSource ds = TestPostgres.dataSource();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RunStore store = new RunStore(new Database(ds, () -> { }), Runs.JSON,
                new Retention(Duration.ofDays(14), Duration.ofDays(60), 10_000), 64, registry);
        List<RunResult> results = new CopyOnWriteArrayList<>();
        List<RunSink> sinks = List.of(results::add, new RunLogger(1.0, () -> 0.0), store);

        List<String> texts = new ArrayList<>();
        try (LogCapture logs = LogCapture.install();
             ReplicaFleet fleet = new ReplicaFleet(List.of("", "", "drift@6"), registry, sinks, capture)) {
            CanaryDefinition canary = ReplicaFleet.canary(
                    new Consistency(Consistency.Mode.EXACT, 16, 0.9, null), "reply=" + REPLY);
            List<RunResult> round = fleet.round(canary);
            assertThat(store.flush()).isTrue();

            ViolationView v = round.get(2).violations().stream()
                    .filter(x -> x.rule().equals("replica_divergence")).findFirst().orElseThrow();
            assertThat(v.reason()).startsWith("endpoint e3 diverges from the majority e1, e2 (2 of 3 endpoints) from"
                    + " token 6 (exact mode; fingerprint ");
            texts.addAll(logs.lines());
            for (RunResult r : results) {
                texts.add(Runs.JSON.writeValueAsString(r));
                texts.add(row(ds, r.runId()));
            }
            for (Meter m : registry.getMeters()) {
                texts.add(m.getId().toString());
            }
        }

        String all = String.join("\n", texts).toLowerCase(Locale.ROOT);
        assertThat(all).contains("replica_divergence").contains("e3 diverges");
        if (capture) {
            assertThat(all).as("the checks see a captured answer").contains(WORDS.get(0));
        } else {
            assertThat(WORDS).allSatisfy(w -> assertThat(all).as(w).doesNotContain(w));
        }
    }

    /** Every column of the stored run, as text. */
    private static String row(DataSource ds, String runId) throws Exception {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM runs WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("run %s stored", runId).isTrue();
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    sb.append(rs.getString(i)).append('\t');
                }
                return sb.toString();
            }
        }
    }
}
