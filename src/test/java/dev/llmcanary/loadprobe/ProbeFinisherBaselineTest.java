package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Reading a scenario's stored baseline: none, a good one, and each way a stored one can be unreadable, which is
 * reported with why (never the stored text) rather than read as "no baseline".
 */
class ProbeFinisherBaselineTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path work;

    static Stream<Arguments> stored() {
        return Stream.of(
                arguments("a good summary", "{\"kinds\": {\"chat\": {\"count\": 150}}}", null),
                arguments("no summary", null, "it has no stored summary"),
                arguments("cut-off JSON", "{\"kinds\": {\"chat\": [secret-ish text", "its stored summary is not valid JSON: "),
                arguments("JSON, not an object", "[1, 2, 3]", "its stored summary is not a JSON object"),
                arguments("the JSON null", "null", "its stored summary is not a JSON object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stored")
    void aStoredBaselineIsReadOrReportedUnreadable(String name, String summaryJson, String problem) throws Exception {
        LoadProbesHarness h = new LoadProbesHarness(T0, "http://127.0.0.1:1", List.of(), work, Map.of(), null);
        LoadProbeStore store = new LoadProbeStore(h.db);
        ProbeFinisher finisher = new ProbeFinisher(null, store, new ObjectMapper(), null, null, pool -> List.of());
        assertThat(finisher.baseline("s").exists()).as("no baseline stored yet").isFalse();

        store.save(new StoredProbe("b1", "s", "sim", "done", "pass", "ok", "api", T0, T0.plusSeconds(10), true,
                summaryJson, null, false));
        ProbeFinisher.Baseline b = finisher.baseline("s");

        assertThat(b.id()).isEqualTo("b1");
        if (problem == null) {
            assertThat(b.unreadable()).isFalse();
            assertThat(b.summary().count()).isEqualTo(150);
        } else {
            assertThat(b.unreadable()).isTrue();
            assertThat(b.summary()).isNull();
            assertThat(b.problem()).startsWith(problem).doesNotContain("secret-ish");
        }
    }
}
