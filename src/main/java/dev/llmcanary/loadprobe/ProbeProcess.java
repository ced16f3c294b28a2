package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One load probe running as a child JVM: writes the plan, starts the runner, follows its JSON progress lines on
 * stdout, and on exit hands back {@code summary.json} and the report directory. Cancelling asks the runner to stop
 * (a {@code stop} file: it still writes its summary and report), then destroys the whole process tree after a grace
 * period.
 */
public final class ProbeProcess {

    /** The runner's latest progress line. */
    public record Progress(double elapsedSeconds, double totalSeconds, double rate, long requests, long errors) {
        public static final Progress NONE = new Progress(0, 0, 0, 0, 0);
    }

    /** How the child ended: its exit code, the summary (absent when it died before writing one) and the report dir. */
    public record Outcome(int exitCode, Optional<JsonNode> summary, Optional<Path> reportDir) {
    }

    private final Process process;
    private final Path workDir;
    private final AtomicReference<Progress> progress = new AtomicReference<>(Progress.NONE);
    private final CompletableFuture<Outcome> outcome;

    private ProbeProcess(Process process, Path workDir, ObjectMapper json) {
        this.process = process;
        this.workDir = workDir;
        Thread reader = new Thread(() -> follow(json), "loadprobe-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        this.outcome = process.onExit().thenApplyAsync(p -> {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // the plan may hold an API key: it does not outlive the run
            try {
                Files.deleteIfExists(workDir.resolve("plan.json"));
            } catch (IOException ignored) {
                // best effort; the directory is the service's own
            }
            return new Outcome(p.exitValue(), readSummary(json), reportDir());
        });
    }

    /** Writes the plan (owner-only: it may carry an API key) into {@code workDir} and starts the runner. */
    public static ProbeProcess start(Runner runner, Path workDir, ObjectNode plan, ObjectMapper json)
            throws IOException {
        Files.createDirectories(workDir);
        Path planFile = workDir.resolve("plan.json");
        Files.deleteIfExists(planFile);
        try {
            Files.createFile(planFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(planFile);
        }
        Files.writeString(planFile, json.writeValueAsString(plan));
        ProcessBuilder pb = new ProcessBuilder(runner.command(planFile, workDir.resolve("results")))
                .redirectError(workDir.resolve("runner-stderr.log").toFile());
        return new ProbeProcess(pb.start(), workDir, json);
    }

    private void follow(ObjectMapper json) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             Writer console = Files.newBufferedWriter(workDir.resolve("runner-stdout.log"))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("{\"type\":\"progress\"")) {
                    JsonNode n = json.readTree(line);
                    progress.set(new Progress(n.path("elapsed").asDouble(), n.path("total").asDouble(),
                            n.path("rate").asDouble(), n.path("requests").asLong(), n.path("errors").asLong()));
                } else {
                    console.write(line);
                    console.write('\n');
                }
            }
        } catch (IOException e) {
            // the child went away mid-line; its exit is handled by onExit
        }
    }

    private Optional<JsonNode> readSummary(ObjectMapper json) {
        Path file = workDir.resolve("summary.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readTree(file.toFile()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Optional<Path> reportDir() {
        Path results = workDir.resolve("results");
        if (!Files.isDirectory(results)) {
            return Optional.empty();
        }
        try (var dirs = Files.list(results)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("index.html"))).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Progress progress() {
        return progress.get();
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public CompletableFuture<Outcome> outcome() {
        return outcome;
    }

    /**
     * Stops the run: the {@code stop} file lets the runner end the load, write its summary and report; after
     * {@code grace} the child and all its descendants are destroyed. Returns at once; {@link #outcome()} completes.
     */
    public void cancel(Duration grace) {
        try {
            Files.writeString(workDir.resolve("stop"), "cancelled");
        } catch (IOException e) {
            destroyTree();
            return;
        }
        CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (process.isAlive()) {
                destroyTree();
            }
        });
    }

    /** Destroys the child's descendants first (so none is re-parented and left running), then the child. */
    public void destroyTree() {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
