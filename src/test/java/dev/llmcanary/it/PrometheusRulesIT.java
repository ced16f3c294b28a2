package dev.llmcanary.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.llmcanary.testing.PackagedService;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End-to-end proof that the names in the shipped rules, dashboards and the code agree: the packaged service (the
 * embedded simulator as target, canaries every 2 s) is scraped every second by a real Prometheus (Debian's
 * {@code prometheus}) that loads {@code deploy/prometheus/*.yaml}. Every recording rule returns series; a tiny gate
 * runs; then faults are switched on (stalls, out-of-order, missing [DONE], a pool whose endpoint refuses
 * connections) and their alerts become pending or firing; a short real load probe (the packaged Gatling runner of
 * {@code gatling/target}) on the pool {@code sim-h100} holds that pool's canary alerts back while
 * {@code llm_loadprobe_active} is 1, and once it ends every dashboard expression, the load-probe, gate and replica
 * panels included, returns series (a pool of three endpoints with a consistency canary is added for the last).
 * Fails under CI ({@code CI=true}) without {@code prometheus}, skipped elsewhere.
 */
class PrometheusRulesIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ADMIN_TOKEN = "it-admin-token";
    /** The pool the load probe runs on (scenario sim-chat-constant); its canary alerts are held back meanwhile. */
    private static final String PROBED_POOL = "sim-h100";
    private static final String STALLS = "LlmCanaryStreamStalls";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void rulesAndDashboardsReturnDataAndFaultsRaiseTheirAlerts() throws Exception {
        String prometheusBinary = requireOnPath("prometheus");
        Path config = Files.createTempDirectory("llm-canary-it-prom-config");
        Path canaries = copyCanaries(config.resolve("canaries"));
        try (PackagedService service = PackagedService.named("prometheus-rules")
                .property("llm-canary.config.dir", canaries.toString())
                .property("llm-canary.config.watch-interval", "1s")
                .property("llm-canary.health.interval", "2s")
                .property("llm-canary.breaker.delay", "60s")
                .property("llm-canary.load-probes.dir", REPO.resolve("scenarios").toString())
                .property("llm-canary.load-probes.runner-dir", REPO.resolve("gatling/target").toString())
                .property("llm-canary.load-probes.scheduler", "false")
                .property("llm-canary.load-probes.jvm-args", "-Xmx256m,-XX:TieredStopAtLevel=1")
                .environment("LLM_CANARY_ADMIN_TOKEN", ADMIN_TOKEN)
                .start();
             Prom prom = Prom.start(prometheusBinary, service.port(), config)) {

            Set<String> records = recordingRules();
            await("every recording rule returns series").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                            assertThat(records).filteredOn(r -> !r.contains("stream_violations"))
                                    .allSatisfy(r -> assertThat(seriesCount(prom, r)).as(r).isPositive()));

            // a tiny gate (suite it-tiny, written by copyCanaries) publishes llm_canary_gate_verdicts_total
            JsonNode gate = send(service, "POST", "/api/gates?wait=60&failStatus=200", "it-token",
                    "{\"suite\":\"it-tiny\",\"candidate\":{\"pool\":\"sim-tgi2\"}}", 200);
            assertThat(gate.path("state").asText()).as("gate %s", gate).isEqualTo("finished");

            injectFaults(canaries, freePort());

            await("stalls and a refused endpoint raise their alerts").atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                        assertThat(activeAlerts(prom)).contains(STALLS, "LlmCanaryEndpointDown");
                        assertThat(stallPools(prom)).contains(PROBED_POOL).hasSizeGreaterThan(1);
                    });

            // a short real load probe on sim-h100: its stall alert is held back while llm_loadprobe_active is 1,
            // the other pools' stay
            JsonNode probe = send(service, "POST", "/api/load-probes", ADMIN_TOKEN,
                    "{\"scenario\":\"sim-chat-constant\",\"rate\":2,\"duration\":\"8s\"}", 202);
            String probeId = probe.path("id").asText();
            await("the probed pool's canary alerts are held back").atMost(Duration.ofSeconds(8))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        assertThat(seriesCount(prom, "llm_loadprobe_active{pool=\"" + PROBED_POOL + "\"} == 1"))
                                .isEqualTo(1);
                        assertThat(stallPools(prom)).isNotEmpty().doesNotContain(PROBED_POOL);
                    });
            assertThat(send(service, "GET", "/api/load-probes/" + probeId, null, null, 200).path("state").asText())
                    .as("the probe still runs while its pool's alerts are held back").isEqualTo("running");
            await("the load probe finishes").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> !"running".equals(send(service, "GET", "/api/load-probes/" + probeId, null, null, 200)
                            .path("state").asText()));
            JsonNode done = send(service, "GET", "/api/load-probes/" + probeId, null, null, 200);
            assertThat(done.path("state").asText()).as("probe %s", done).isEqualTo("done");

            List<String> expressions = new ArrayList<>(records);
            expressions.addAll(dashboardExpressions());
            await("every recording rule and dashboard expression returns series; the hold-back ends")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                        assertThat(expressions).allSatisfy(e -> assertThat(seriesCount(prom, e)).as(e).isPositive());
                        assertThat(stallPools(prom)).contains(PROBED_POOL);
                    });
            assertThat(activeAlerts(prom)).contains("LlmCanaryOutOfOrderStream");
            assertThat(ruleErrors(prom)).as("rules Prometheus failed to evaluate").isEmpty();
        }
    }

    /** Sends a JSON request to the service (bearer token if given), checks the status, returns the body. */
    private JsonNode send(PackagedService service, String method, String path, String token, String body,
                          int status) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(service.url(path))).timeout(Duration.ofSeconds(70))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    /** The shipped canaries, every interval 2 s so data arrives in seconds. */
    private static Path copyCanaries(Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(REPO.resolve("canaries"))) {
            for (Path f : files.toList()) {
                // More concurrent runs on the busy pool than the shipped 4, so no canary starves at these intervals.
                Files.writeString(target.resolve(f.getFileName()), Files.readString(f)
                        .replaceAll("(?m)^interval: .*$", "interval: 2s")
                        .replace("# max_concurrent_canaries: 4", "max_concurrent_canaries: 32"));
            }
        }
        // a tiny gate suite: a few runs decide in seconds (any verdict publishes the counter)
        Files.writeString(target.resolve("gates.yaml"), Files.readString(target.resolve("gates.yaml")) + """

                  it-tiny:
                    canaries: [count-ordered]
                    repetitions: 4
                    concurrency: 2
                    deadline: 30s
                    absolute: { min_samples: 2 }
                """);
        addReplicaPool(target);
        return target;
    }

    /**
     * A pool of three endpoints (all the embedded simulator, so they agree) and a consistency canary on it, so
     * {@code llm_canary_replica_consistent} has series for the dashboard's replica panel: the shipped configuration
     * has no pool of several endpoints. A completions pool, so of the shipped canaries only completion-smoke runs on
     * it too (the chat canaries would add six jobs per endpoint).
     */
    private static void addReplicaPool(Path target) throws IOException {
        Files.writeString(target.resolve("pools.yaml"), Files.readString(target.resolve("pools.yaml")) + """

                  - name: sim-replicas
                    flavor: openai-completions
                    max_concurrent_canaries: 32
                    endpoints:
                      - { name: replica-0, url: "${llm-canary.simulator.url}" }
                      - { name: replica-1, url: "${llm-canary.simulator.url}" }
                      - { name: replica-2, url: "${llm-canary.simulator.url}" }
                    models: [sim-openai]
                """);
        Files.writeString(target.resolve("replicas-agree.yaml"), """
                id: replicas-agree
                description: The replicas of sim-replicas give the same answer
                slo_class: interactive
                api: completion
                pools: [sim-replicas]
                prompt: "The first ten prime numbers are"
                max_tokens: 16
                temperature: 0
                seed: 42
                interval: 2s
                consistency: { mode: prefix, prefix_tokens: 8 }
                """);
    }

    /**
     * Switches the simulator to fault profiles through the canaries' request headers (the service reloads changed
     * files): stalls, no [DONE] and a changing stream id on chat-streaming (it runs on every chat model), a changing
     * stream id on count-ordered, no [DONE] on chat-interactive, and a
     * pool whose only endpoint refuses connections.
     */
    private static void injectFaults(Path canaries, int closedPort) throws IOException {
        appendHeader(canaries.resolve("chat-streaming.yaml"), "stall@3:1500,no_done,id_change@5");
        appendHeader(canaries.resolve("count-ordered.yaml"), "id_change@3");
        appendHeader(canaries.resolve("chat-interactive.yaml"), "no_done");
        Files.writeString(canaries.resolve("pools.yaml"), Files.readString(canaries.resolve("pools.yaml")) + """

                  - name: refused
                    flavor: openai-chat
                    endpoints:
                      - name: gone-0
                        url: http://127.0.0.1:%d
                    models: [sim-openai]
                """.formatted(closedPort));
    }

    private static void appendHeader(Path canary, String fault) throws IOException {
        Files.writeString(canary, Files.readString(canary) + "\nheaders:\n  x-sim-fault: \"" + fault + "\"\n");
    }

    private static Set<String> recordingRules() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        new YAMLMapper().readTree(REPO.resolve("deploy/prometheus/rules.yaml").toFile()).get("groups")
                .forEach(g -> g.get("rules").forEach(r -> names.add(r.get("record").asText())));
        return names;
    }

    /** Every panel query of every shipped dashboard, with the Grafana variables replaced as "All" would. */
    private static List<String> dashboardExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        try (Stream<Path> files = Files.list(REPO.resolve("deploy/grafana/dashboards"))) {
            for (Path f : files.sorted().toList()) {
                JsonNode d = JSON.readTree(f.toFile());
                // Every declared template variable becomes "All" (.*), so a new variable cannot slip through as
                // a literal "$name" that matches nothing.
                List<String> variables = new ArrayList<>();
                d.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
                variables.sort(Comparator.comparingInt(String::length).reversed());
                List<JsonNode> panels = new ArrayList<>();
                d.path("panels").forEach(p -> {
                    panels.add(p);
                    p.path("panels").forEach(panels::add);
                });
                for (JsonNode p : panels) {
                    p.path("targets").forEach(t -> {
                        String expr = t.path("expr").asText().replace("$__rate_interval", "1m")
                                .replace("$__interval", "1m").replace("$__range", "5m");
                        for (String v : variables) {
                            expr = expr.replace("$" + v, ".*");
                        }
                        assertThat(expr).as("%s: a variable the dashboard does not declare", f).doesNotContain("$");
                        expressions.add(expr);
                    });
                }
            }
        }
        assertThat(expressions).hasSizeGreaterThan(30);
        return expressions;
    }

    private int seriesCount(Prom prom, String expr) throws Exception {
        JsonNode body = get(prom.url("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)));
        assertThat(body.path("status").asText()).as("%s: %s", expr, body).isEqualTo("success");
        return body.path("data").path("result").size();
    }

    /** Rules whose last evaluation failed (e.g. many-to-many matching), with the error. */
    private List<String> ruleErrors(Prom prom) throws Exception {
        List<String> errors = new ArrayList<>();
        get(prom.url("/api/v1/rules")).path("data").path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (!r.path("health").asText().equals("ok")) {
                errors.add(r.path("name").asText() + ": " + r.path("health").asText() + " " + r.path("lastError").asText());
            }
        }));
        return errors;
    }

    /** The pools with a pending or firing stall alert. */
    private Set<String> stallPools(Prom prom) throws Exception {
        Set<String> pools = new LinkedHashSet<>();
        get(prom.url("/api/v1/alerts")).path("data").path("alerts").forEach(a -> {
            String state = a.path("state").asText();
            if (STALLS.equals(a.path("labels").path("alertname").asText())
                    && (state.equals("pending") || state.equals("firing"))) {
                pools.add(a.path("labels").path("pool").asText());
            }
        });
        return pools;
    }

    private Set<String> activeAlerts(Prom prom) throws Exception {
        Set<String> names = new LinkedHashSet<>();
        get(prom.url("/api/v1/alerts")).path("data").path("alerts").forEach(a -> {
            String state = a.path("state").asText();
            if (state.equals("pending") || state.equals("firing")) {
                names.add(a.path("labels").path("alertname").asText());
            }
        });
        return names;
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** Fails under CI when the binary is missing, skips elsewhere; returns its path. */
    private static String requireOnPath(String binary) {
        Path found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, binary)).filter(Files::isExecutable).findFirst().orElse(null);
        if (found == null && "true".equals(System.getenv("CI"))) {
            fail(binary + " is not on PATH: CI must install Debian's prometheus package (.ci/run)");
        }
        assumeTrue(found != null, binary + " not on PATH: skipped outside CI");
        return found.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A Prometheus process on a free loopback port, scraping the service every second with the shipped rules. */
    private record Prom(Process process, int port) implements AutoCloseable {

        static Prom start(String binary, int servicePort, Path dir) throws Exception {
            int port = freePort();
            Path yml = dir.resolve("prometheus.yml");
            Files.writeString(yml, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files:
                      - %s
                      - %s
                    scrape_configs:
                      - job_name: llm-canary
                        metrics_path: /metrics
                        static_configs:
                          - targets: ["127.0.0.1:%d"]
                    """.formatted(REPO.resolve("deploy/prometheus/rules.yaml"),
                    REPO.resolve("deploy/prometheus/alerts.yaml"), servicePort));
            Path log = Files.createDirectories(REPO.resolve("target/it-logs")).resolve("prometheus.log");
            Process p = new ProcessBuilder(binary, "--config.file=" + yml,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Prom prom = new Prom(p, port);
            HttpClient client = HttpClient.newHttpClient();
            // Not listening yet is "not ready yet", not a failure: a loaded machine starts it slowly.
            await("prometheus ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptionsInstanceOf(java.io.IOException.class)
                    .untilAsserted(() -> {
                        assertThat(p.isAlive()).as("prometheus running (see %s)", log).isTrue();
                        assertThat(client.send(HttpRequest.newBuilder(URI.create(prom.url("/-/ready"))).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
                    });
            return prom;
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
