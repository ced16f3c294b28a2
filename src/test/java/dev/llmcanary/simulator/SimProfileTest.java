package dev.llmcanary.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SimProfileTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("empty text keeps the defaults", "", (Consumer<SimProfile>) p ->
                        assertThat(p).isEqualTo(SimProfile.defaults())),
                Arguments.of("defaults are 40/15/3 ms, 24 tokens, seed 7", "", (Consumer<SimProfile>) p -> {
                    assertThat(List.of(p.ttftMs(), p.itlMs(), p.jitterMs(), p.seed())).containsExactly(40L, 15L, 3L, 7L);
                    assertThat(p.tokens()).isEqualTo(24);
                    assertThat(p.dialect()).isEqualTo(Dialect.OPENAI);
                }),
                Arguments.of("timing keys", "ttft_ms=5; itl_ms=6 ;jitter_ms=0;headers_delay_ms=9",
                        (Consumer<SimProfile>) p -> assertThat(List.of(p.ttftMs(), p.itlMs(), p.jitterMs(),
                                p.headersDelayMs())).containsExactly(5L, 6L, 0L, 9L)),
                Arguments.of("dialect and usage", "dialect=tgi-2;usage=continuous", (Consumer<SimProfile>) p -> {
                    assertThat(p.dialect()).isEqualTo(Dialect.TGI_2);
                    assertThat(p.usage()).isEqualTo(UsageMode.CONTINUOUS);
                }),
                Arguments.of("booleans and reply", "role_chunk=false;crlf=TRUE;keepalive=true;reply=hi there",
                        (Consumer<SimProfile>) p -> {
                            assertThat(p.roleChunk()).isFalse();
                            assertThat(p.crlf()).isTrue();
                            assertThat(p.keepalive()).isTrue();
                            assertThat(p.reply()).isEqualTo("hi there");
                        }),
                Arguments.of("faults list", "faults=stall@2:10, no_done", (Consumer<SimProfile>) p ->
                        assertThat(p.faults()).containsExactly("stall@2:10", "no_done")),
                Arguments.of("token knobs", "tokens=3;tokens_per_chunk=2;reasoning_tokens=4;seed=11",
                        (Consumer<SimProfile>) p -> assertThat(List.of((long) p.tokens(), (long) p.tokensPerChunk(),
                                (long) p.reasoningTokens(), p.seed())).containsExactly(3L, 2L, 4L, 11L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parses(String name, String text, Consumer<SimProfile> check) {
        check.accept(SimProfile.parse(text));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("unknown key", "speed=3", "unknown profile key 'speed'"),
                Arguments.of("no equals sign", "ttft_ms", "profile entry without '=': 'ttft_ms'"),
                Arguments.of("not a number", "itl_ms=fast", "profile key 'itl_ms' needs a number"),
                Arguments.of("bad boolean", "crlf=yes", "profile key 'crlf' needs true or false"),
                Arguments.of("unknown dialect", "dialect=bard", "unknown dialect 'bard'"),
                Arguments.of("unknown usage mode", "usage=sometimes", "unknown usage mode 'sometimes'"),
                Arguments.of("negative delay", "ttft_ms=-1", "delays must not be negative"),
                Arguments.of("zero tokens per chunk", "tokens_per_chunk=0", "tokens_per_chunk must be at least 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(String name, String text, String message) {
        assertThatThrownBy(() -> SimProfile.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "merge keeps what the override does not name: {0}")
    @MethodSource("dialects")
    void mergeKeepsTheBase(Dialect dialect) {
        SimProfile base = SimProfile.merge(SimProfile.of(dialect), "reasoning_tokens=3");
        SimProfile merged = SimProfile.merge(base, "ttft_ms=0");
        assertThat(merged.dialect()).isEqualTo(dialect);
        assertThat(merged.reasoningTokens()).isEqualTo(3);
        assertThat(merged.ttftMs()).isZero();
    }

    static Stream<Dialect> dialects() {
        return Stream.of(Dialect.values());
    }
}
