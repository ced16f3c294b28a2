package dev.llmcanary.telemetry;

import dev.llmcanary.stream.Rule;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/observability.md stays true to the code: every {@code error.type} a run can carry is in its table, every span
 * event name and every GenAI client metric name is documented.
 */
class TelemetryDocsTest {

    private static String section(String doc, String heading) {
        int from = doc.indexOf("\n## " + heading + "\n");
        assertThat(from).as("section %s", heading).isNotNegative();
        int to = doc.indexOf("\n## ", from + 4);
        return doc.substring(from, to < 0 ? doc.length() : to);
    }

    @Test
    void everyErrorTypeEventNameAndGenAiMetricIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("docs/observability.md"));
        String traces = section(doc, "Traces");
        String errorTypes = traces.substring(traces.indexOf("**`error.type` values**"));
        List<String> values = new ArrayList<>(List.of("connection_refused", "dns", "tls", "timeout",
                "connection_closed", "io", "slo", "guardrail"));
        for (Rule r : Rule.values()) {
            values.add(r.label());
        }
        assertThat(values).allSatisfy(v -> assertThat(errorTypes).as(v).contains("`" + v + "`"));

        for (Field f : SpanNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("EVENT_")) {
                assertThat(traces).as(f.getName()).contains("`" + f.get(null) + "`");
            }
        }
        String metrics = section(doc, "Metrics");
        for (String name : List.of(MetricNames.GEN_AI_OPERATION_DURATION, MetricNames.GEN_AI_TOKEN_USAGE,
                MetricNames.GEN_AI_TIME_TO_FIRST_CHUNK, MetricNames.GEN_AI_TIME_PER_OUTPUT_CHUNK)) {
            assertThat(metrics).as(name).contains("`" + name + "`");
        }
    }
}
