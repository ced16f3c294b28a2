package dev.llmcanary.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FaultsTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("none", List.of(), (Consumer<Faults>) f -> assertThat(f).isEqualTo(Faults.NONE)),
                Arguments.of("stall and oversize by position", List.of("stall@2:150", "stall@4:5", "oversize@3:1000"),
                        (Consumer<Faults>) f -> {
                            assertThat(f.stallMs()).containsEntry(2, 150L).containsEntry(4, 5L);
                            assertThat(f.oversize()).containsEntry(3, 1000);
                        }),
                Arguments.of("drift from a token, wobble always", List.of("drift@5", "wobble@20"),
                        (Consumer<Faults>) f -> assertThat(List.of(f.driftAt(), f.wobbleAt(), f.wobblePercent()))
                                .containsExactly(5, 20, 100)),
                Arguments.of("wobble in a share of answers, another fingerprint", List.of("wobble@17:5",
                        "fingerprint:fp_new"), (Consumer<Faults>) f -> {
                            assertThat(List.of(f.wobbleAt(), f.wobblePercent())).containsExactly(17, 5);
                            assertThat(f.fingerprint()).isEqualTo("fp_new");
                        }),
                Arguments.of("no drift by default", List.of(), (Consumer<Faults>) f -> {
                            assertThat(List.of(f.driftAt(), f.wobbleAt())).containsOnly(0);
                            assertThat(f.fingerprint()).isNull();
                        }),
                Arguments.of("idle chunks by position", List.of("idle_chunks@3:500"), (Consumer<Faults>) f -> {
                            assertThat(f.idleMs()).containsExactly(java.util.Map.entry(3, 500L));
                            assertThat(f.stallMs()).isEmpty();
                        }),
                Arguments.of("positions", List.of("close@1", "reorder@2", "duplicate_index@3", "id_change@4",
                        "malformed@5", "error@6", "error_event@7", "invalid_utf8@8"), (Consumer<Faults>) f ->
                        assertThat(List.of(f.closeAt(), f.reorderAt(), f.duplicateIndexAt(), f.idChangeAt(),
                                f.malformedAt(), f.errorAt(), f.errorEventAt(), f.invalidUtf8At()))
                                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8)),
                Arguments.of("flags", List.of("no_done", "no_finish", "content_after_finish", "bare_done",
                        "split_utf8", "usage_low", "refusal", "pii"), (Consumer<Faults>) f ->
                        assertThat(List.of(f.noDone(), f.noFinish(), f.contentAfterFinish(), f.bareDone(),
                                f.splitUtf8(), f.usageLow(), f.refusal(), f.pii())).containsOnly(true)),
                Arguments.of("status, headers, content type", List.of("status:429", "slow_headers:300",
                        " content_type:text/plain "), (Consumer<Faults>) f -> {
                            assertThat(f.status()).isEqualTo(429);
                            assertThat(f.slowHeadersMs()).isEqualTo(300);
                            assertThat(f.contentType()).isEqualTo("text/plain");
                        }),
                Arguments.of("not saturated by default", List.of("stall@2:10"), (Consumer<Faults>) f ->
                        assertThat(f.saturatedHoldMs()).isNegative()),
                Arguments.of("saturated holds 10 s and queues the first token", List.of("saturated"),
                        (Consumer<Faults>) f -> {
                            assertThat(f.saturatedHoldMs()).isEqualTo(10_000);
                            assertThat(f.stallMs()).containsExactly(java.util.Map.entry(1, SimLoad.SATURATED_QUEUE_MS));
                        }),
                Arguments.of("identity faults: what the identity routes and headers report", List.of(
                        "model_sha:5f2b0e1c", "model_root:/models/llama 3", "model_version:2", "server:vllm/0.6.3"),
                        (Consumer<Faults>) f -> assertThat(f.identity()).containsExactlyInAnyOrderEntriesOf(Map.of(
                                "model_sha", "5f2b0e1c", "model_root", "/models/llama 3", "model_version", "2",
                                "server", "vllm/0.6.3"))),
                Arguments.of("buffered: the whole response in one write", List.of("buffered"),
                        (Consumer<Faults>) f -> assertThat(f.bufferedChunks()).isEqualTo(Integer.MAX_VALUE)),
                Arguments.of("buffered:N flushes every N token chunks", List.of("buffered:16"),
                        (Consumer<Faults>) f -> assertThat(f.bufferedChunks()).isEqualTo(16)),
                Arguments.of("saturated with a hold, on top of a first-token stall", List.of("saturated:250",
                        "stall@1:100"), (Consumer<Faults>) f -> {
                            assertThat(f.saturatedHoldMs()).isEqualTo(250);
                            assertThat(f.stallMs()).containsEntry(1, SimLoad.SATURATED_QUEUE_MS + 100);
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parses(String name, List<String> specs, Consumer<Faults> check) {
        check.accept(Faults.parse(specs));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("unknown fault", "explode", "unknown fault 'explode'"),
                Arguments.of("missing position", "close", "fault 'close' needs a position @K"),
                Arguments.of("zero position", "close@0", "fault 'close@0' position must be at least 1"),
                Arguments.of("missing argument", "slow_headers", "fault 'slow_headers' needs an argument :N"),
                Arguments.of("bad number", "stall@x:10", "malformed fault 'stall@x:10'"),
                Arguments.of("status not an error", "status:200", "fault status must be 4xx or 5xx"),
                Arguments.of("saturated hold not a number", "saturated:long", "malformed fault 'saturated:long'"),
                Arguments.of("drift without a position", "drift", "fault 'drift' needs a position @K"),
                Arguments.of("wobble share above 100", "wobble@3:101",
                        "fault 'wobble@3:101' percent must be between 0 and 100"),
                Arguments.of("fingerprint with a space", "fingerprint:a b",
                        "fault 'fingerprint:a b' needs a fingerprint :[A-Za-z0-9_.-]{1,64}"),
                Arguments.of("identity fault without a value", "model_sha",
                        "fault 'model_sha' needs a value of 1 to 128 characters"),
                Arguments.of("buffered holds nothing", "buffered:0", "fault 'buffered:0' must hold at least 1 token chunk"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(String name, String spec, String message) {
        assertThatThrownBy(() -> Faults.parse(List.of(spec))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
