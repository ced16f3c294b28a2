package dev.llmcanary.it;

import dev.llmcanary.testing.PackagedService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling update, as the pod sees it: the packaged service streams from a slow target (its embedded simulator),
 * gets SIGTERM mid-stream and must exit within the pod's grace, with no run recorded as {@code fail}, the runs its own
 * stop cut recorded as {@code cancelled}, and every run it finished stored (the embedded H2 store, read after exit).
 */
class GracefulShutdownIT {

    /** The service's grace for runs in flight; the pod allows 10 s more (deploy/kubernetes: 20 s and 30 s). */
    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final Duration POD_GRACE = GRACE.plusSeconds(10);
    private static final Pattern LOGGED_RUN = Pattern.compile("run_id=([0-9a-f-]{36}) outcome=(\\w+)");

    private PackagedService service;

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void sigtermMidStreamRecordsNoFailureCancelsWhatItCutStoresEveryFinishedRunAndExitsInTime() throws Exception {
        Path config = Files.createTempDirectory("llm-canary-it-shutdown");
        Files.writeString(config.resolve("slo-classes.yaml"), """
                slo_classes:
                  patient:
                    description: slow streams are fine here
                    stall_seconds: 5
                    stall_abort_seconds: 30
                    timeout_seconds: 120
                    objective: 0.99
                """);
        Files.writeString(config.resolve("pools.yaml"), """
                pools:
                  - name: sim
                    device_type: cpu
                    flavor: openai-chat
                    endpoints:
                      - name: sim-0
                        url: ${llm-canary.simulator.url}
                    models: [sim-openai]
                """);
        // Two canaries that finish within the grace, one whose 20 s stream the stop has to cut.
        Map<String, String> profiles = Map.of("quick-a", "ttft_ms=50;itl_ms=50;tokens=20",
                "quick-b", "ttft_ms=50;itl_ms=100;tokens=15", "long", "ttft_ms=50;itl_ms=200;tokens=100");
        for (var e : profiles.entrySet()) {
            Files.writeString(config.resolve(e.getKey() + ".yaml"), """
                    id: %s
                    description: streams while the service stops
                    slo_class: patient
                    messages:
                      - role: user
                        content: Say hello.
                    max_tokens: 200
                    interval: 1s
                    headers:
                      x-sim-profile: "%s"
                    """.formatted(e.getKey(), e.getValue()));
        }
        service = PackagedService.named("graceful-shutdown")
                .property("llm-canary.config.dir", config.toString())
                .property("llm-canary.health.enabled", "false")
                .property("llm-canary.shutdown.grace", GRACE.toMillis() + "ms")
                .property("llm-canary.log.success-sample-rate", "1")
                .property("quarkus.log.console.format",
                        "%d{HH:mm:ss,SSS} %-5p [%c{2.}] run_id=%X{run_id} outcome=%X{outcome} %s%e%n")
                .start();
        HttpClient http = HttpClient.newHttpClient();
        // Mid-stream: the long canary's first stream is under way and the quick ones have finished a few runs.
        await("runs under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> runsTotal(http) >= 4);

        Process process = service.process();
        long sent = System.nanoTime();
        process.destroy(); // SIGTERM
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - sent);

        String log = Files.readString(service.logFile());
        Map<String, String> logged = new HashMap<>();
        Matcher m = LOGGED_RUN.matcher(log);
        while (m.find()) {
            logged.put(m.group(1), m.group(2));
        }
        Map<String, String> stored = new HashMap<>();
        Class.forName("org.h2.Driver");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + service.workDir().resolve("data/llm-canary"),
                "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT run_id, canary, outcome FROM runs")) {
            while (rs.next()) {
                stored.put(rs.getString(1), rs.getString(3));
            }
        }
        Set<String> outcomes = new TreeSet<>(stored.values());
        System.out.printf("GracefulShutdownIT: exit %d ms after SIGTERM (grace %d ms), %d runs stored %s%n",
                took.toMillis(), GRACE.toMillis(), stored.size(), outcomes);

        assertThat(exited).isTrue();
        assertThat(took).as("SIGTERM to exit").isLessThan(POD_GRACE);
        assertThat(stored.values()).as("outcomes stored").doesNotContain("fail", "error").contains("pass", "cancelled");
        assertThat(stored).as("every run the service recorded is stored, with the same outcome")
                .containsAllEntriesOf(logged);
        assertThat(logged).isNotEmpty();
        assertThat(log).contains("stopped gracefully").doesNotContain("This pool is closed")
                .doesNotContain("buffering results");
    }

    private double runsTotal(HttpClient http) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(service.url("/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> l.startsWith("llm_canary_runs_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
