package dev.llmcanary.canary.run;

import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.guardrail.GuardrailVerdict;
import dev.llmcanary.testing.Canaries;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every guardrail, passing and failing, on answers streamed by the simulator through the real client: the check
 * runs on the text as assembled from the chunks, not on a string handed to it.
 */
@QuarkusTest
class GuardrailRunTest {

    /** 5 ms between tokens: a healthy pace that a loaded machine cannot squeeze into one read (buffered_delivery). */
    private static final String FAST = "ttft_ms=2;itl_ms=5;jitter_ms=0";

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("contains passes", "contains", "Paris", "reply=Paris is the capital", "", true),
                arguments("contains fails", "contains", "Paris", "reply=Rome is the capital", "", false),
                arguments("not_contains fails", "not_contains", "Rome", "reply=Rome is the capital", "", false),
                arguments("regex passes", "regex", "'capital$'", "reply=Paris is the capital", "", true),
                arguments("not_regex fails", "not_regex", "'\\d{3}'", "reply=call 555 now", "", false),
                arguments("equals passes", "equals", "'Paris'", "reply=Paris", "", true),
                arguments("starts_with fails", "starts_with", "Paris", "reply=Well Paris", "", false),
                arguments("json with schema passes", "json", "{schema: {type: object, required: [status]}}", "", "", true),
                arguments("json fails on prose", "json", "true", "reply=not json at all", "", false),
                arguments("min_chars fails", "min_chars", "50", "reply=short", "", false),
                arguments("max_chars passes", "max_chars", "50", "reply=short", "", true),
                arguments("finish_reason stop passes", "finish_reason", "stop", "tokens=5", "", true),
                arguments("finish_reason stop fails on a length cut", "finish_reason", "stop", "tokens=200", "", false),
                arguments("not_refusal fails on a refusal", "not_refusal", "true", "", "refusal", false),
                arguments("not_refusal passes", "not_refusal", "true", "reply=Sure here it is", "", true),
                arguments("no_pii fails on PII", "no_pii", "true", "", "pii", false),
                arguments("no_pii passes", "no_pii", "true", "reply=nothing personal here", "", true),
                arguments("ordered_sequence passes on counting", "ordered_sequence", "['1','2','3','4','5']", "", "", true),
                arguments("ordered_sequence fails on reordered chunks", "ordered_sequence", "['1','2','3','4','5']", "", "reorder@2", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void guardrailJudgesTheStreamedAnswer(String name, String kind, String spec, String profile, String fault,
                                          boolean passes) throws Exception {
        Canaries c = Canaries.canary("guardrail-test").profile(FAST + (profile.isEmpty() ? "" : ";" + profile))
                .prompt(switch (kind) {
                    case "json" -> "Answer in JSON.";
                    case "ordered_sequence" -> "Count from 1 to 5.";
                    default -> "Tell me a story.";
                }).maxTokens(64)
                .guardrail(kind, spec);
        if (!fault.isEmpty()) {
            c.fault(fault);
        }
        RunResult r = runner.run(c.on(catalog.get(), "sim-h100", "sim-openai")).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);

        GuardrailVerdict v = r.guardrails().get(0);
        assertThat(v.passed()).as(name + ": " + v.reason()).isEqualTo(passes);
        if (passes) {
            assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        } else {
            assertThat(v.reason()).isNotBlank();
            assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
            assertThat(r.reason()).startsWith("guardrail " + kind);
        }
    }
}
