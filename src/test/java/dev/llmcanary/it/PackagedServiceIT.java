package dev.llmcanary.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.testing.PackagedService;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service on its embedded default (the README's run command): it becomes ready, the scheduler runs the
 * shipped canaries against the embedded simulator, they pass, and a stored run survives a restart.
 */
class PackagedServiceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void embeddedDefaultRunsTheShippedCanariesAndKeepsHistoryAcrossARestart() throws Exception {
        AtomicReference<String> runId = new AtomicReference<>();
        Path workDir;
        try (PackagedService first = PackagedService.named("embedded-default").start()) {
            workDir = first.workDir();
            await("a scheduled run passes and is stored").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        JsonNode runs = get(first.url("/api/runs?outcome=pass&limit=1")).path("runs");
                        assertThat(runs.size()).isEqualTo(1);
                        runId.set(runs.get(0).path("runId").asText());
                    });
            String metrics = text(first.url("/metrics"));
            assertThat(metrics).contains("llm_canary_runs_total{").contains("outcome=\"pass\"");
            // The embedded simulator runs on a Vert.x of its own: no meter clash at start (it once stalled startup).
            assertThat(java.nio.file.Files.readString(first.logFile()))
                    .doesNotContain(" ERROR ").doesNotContain("Prometheus requires that all meters");
        }
        try (PackagedService second = PackagedService.named("embedded-default-restarted").workDir(workDir).start()) {
            JsonNode run = get(second.url("/api/runs/" + runId.get()));
            assertThat(run.path("runId").asText()).isEqualTo(runId.get());
            assertThat(run.path("outcome").asText()).isEqualTo("pass");
        }
    }

    private JsonNode get(String url) throws Exception {
        return JSON.readTree(text(url));
    }

    private String text(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }
}
