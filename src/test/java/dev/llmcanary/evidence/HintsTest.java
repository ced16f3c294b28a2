package dev.llmcanary.evidence;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class HintsTest {

    private static EvidenceFigures figures(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        }
        return new EvidenceFigures(Instant.EPOCH, m);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("queue and full KV cache: saturation", "TTFT over threshold",
                        figures("requests_waiting", 37, "kv_cache_usage_ratio", 0.98), null,
                        "TTFT over threshold while 37 requests waited in the queue and KV cache was 98 % full:"
                                + " saturation, not a fault"),
                arguments("one waiting request, singular", "TTFT over threshold", null,
                        figures("requests_waiting", 1),
                        "TTFT over threshold while 1 request waited in the queue: saturation, not a fault"),
                arguments("the worse side counts (queue built during the run)", "stall",
                        figures("requests_waiting", 0, "requests_running", 1), figures("requests_waiting", 12),
                        "Stall while 12 requests waited in the queue: saturation, not a fault"),
                arguments("long queue time alone", "TTFT over threshold", figures("queue_time_seconds", 1.5), null,
                        "TTFT over threshold while requests queued 1.50 s on average: saturation, not a fault"),
                arguments("busy GPU supports a saturation reading", "TTFT over threshold",
                        figures("kv_cache_usage_ratio", 0.95, "gpu_utilization_ratio", 0.99), null,
                        "TTFT over threshold while KV cache was 95 % full and the GPU was 99 % busy: saturation,"
                                + " not a fault"),
                arguments("idle server: not load", "stall",
                        figures("requests_running", 1, "requests_waiting", 0, "kv_cache_usage_ratio", 0.03),
                        figures("requests_running", 0, "requests_waiting", 0, "kv_cache_usage_ratio", 0.02),
                        "Stall while the server was idle (0 waiting, 1 running, KV cache 3 %): not load"),
                arguments("busy GPU alone is neither saturation nor idle", "stall",
                        figures("gpu_utilization_ratio", 0.99), null, null),
                arguments("several running but none waiting: no pattern", "stall",
                        figures("requests_running", 8, "requests_waiting", 0), null, null),
                arguments("no waiting figure: idle not claimed", "stall", figures("requests_running", 0), null, null),
                arguments("no figures at all", "stall", null, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hint(String name, String symptom, EvidenceFigures before, EvidenceFigures after, String expected) {
        assertThat(Hints.of(symptom, before, after)).isEqualTo(expected);
    }

    static Stream<Arguments> unreachableAfter() {
        return Stream.of(
                arguments("idle before, dead after: unreachable, not idle", "stall",
                        figures("requests_running", 0, "requests_waiting", 0, "kv_cache_usage_ratio", 0.02)),
                arguments("saturated before, dead after: still unreachable first", "TTFT over threshold",
                        figures("requests_waiting", 37)),
                arguments("no before either", "stall", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreachableAfter")
    void aFailedAfterScrapeSaysUnreachableNeverIdle(String name, String symptom, EvidenceFigures before) {
        String hint = Hints.of(symptom, before, null, true);
        assertThat(hint).contains("could not be read after the run").contains("unreachable")
                .doesNotContain("idle").doesNotContain("not load");
    }
}
