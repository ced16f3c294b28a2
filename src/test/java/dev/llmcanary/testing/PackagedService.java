package dev.llmcanary.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) started as a real process for integration tests
 * (failsafe, {@code *IT}): each instance gets its own HTTP port, its own working directory (so the embedded H2 store
 * and any relative path are private) and a log file under {@code target/it-logs/}. The shipped {@code canaries/}
 * folder is used unless a test points {@code llm-canary.config.dir} elsewhere.
 */
public final class PackagedService implements AutoCloseable {

    private static final Path REPO = Path.of("").toAbsolutePath();

    private final String name;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final int port;
    private Path workDir;
    private final Path log;
    private Process process;

    private PackagedService(String name) {
        this.name = name;
        this.port = freePort();
        try {
            Path logs = Files.createDirectories(REPO.resolve("target/it-logs"));
            this.log = logs.resolve(name + ".log");
            this.workDir = Files.createTempDirectory("llm-canary-it-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        property("quarkus.http.port", Integer.toString(port));
        property("quarkus.http.host", "127.0.0.1");
        property("llm-canary.config.dir", REPO.resolve("canaries").toString());
        property("llm-canary.simulator.port", "0");
        // No collector listens in tests: keep the exporter quiet instead of logging failed exports.
        property("quarkus.otel.sdk.disabled", "true");
        property("quarkus.log.console.json.enabled", "false");
        environment("LLM_CANARY_API_TOKEN", "it-token");
    }

    /** An instance named {@code name} (used for its log file and working directory). */
    public static PackagedService named(String name) {
        return new PackagedService(name);
    }

    /** Sets a configuration property ({@code -Dkey=value}); later calls win. */
    public PackagedService property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** Runs in {@code dir} instead of a fresh directory, e.g. to restart on the same embedded store. */
    public PackagedService workDir(Path dir) {
        this.workDir = dir;
        return this;
    }

    /** Sets an environment variable of the child process. */
    public PackagedService environment(String key, String value) {
        environment.put(key, value);
        return this;
    }

    /** Starts the process and waits until {@code /q/health/ready} answers 200 (fails with the log's tail if not). */
    public PackagedService start() {
        Path app = Path.of(System.getProperty("llm-canary.it.app", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(app)) {
            throw new IllegalStateException(app + " is missing: integration tests run after `package` (./mvnw verify)");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx512m");
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(app.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            await("ready: " + name).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
                        }
                        return status(http, "/q/health/ready") == 200;
                    });
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException(name + " did not become ready:\n" + logTail(), e);
        }
        return this;
    }

    private int status(HttpClient http, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The instance's private working directory (its {@code ./data} lives here). */
    public Path workDir() {
        return workDir;
    }

    public Path logFile() {
        return log;
    }

    /** The running process (to signal it, e.g. {@code destroy()} sends SIGTERM). */
    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The last lines of the process's output, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the process the way Kubernetes does (SIGTERM, then SIGKILL after a grace period). */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
