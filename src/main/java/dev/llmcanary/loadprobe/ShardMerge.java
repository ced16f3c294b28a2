package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Merges the summaries of a sharded probe's pods into one with the runner's own {@code SummaryMerge} (histograms add
 * bucket by bucket), run as a short child JVM on the runner's classpath: the service never loads the Gatling
 * project's classes, and the merge is the one the by-hand route in deploy/loadprobe uses.
 */
public final class ShardMerge {

    private static final long TIMEOUT_SECONDS = 60;

    private final Runner runner;
    private final ObjectMapper json;

    public ShardMerge(Runner runner, ObjectMapper json) {
        this.runner = runner;
        this.json = json;
    }

    /**
     * Writes each shard's summary under {@code dir}, merges them and returns the merged summary.
     *
     * @throws IOException when the runner is not built, or the merge fails or times out
     */
    public JsonNode merge(Path dir, List<String> shardSummaries) throws IOException {
        if (!runner.built()) {
            throw new IOException("the load-probe runner is not built (" + runner.dir() + ")");
        }
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < shardSummaries.size(); i++) {
            Path f = dir.resolve("shard-" + i + ".json");
            // parse before writing: a garbled log line fails here with a clear cause, not inside the merge
            json.writeValue(f.toFile(), json.readTree(shardSummaries.get(i)));
            files.add(f);
        }
        Path merged = dir.resolve("summary.json");
        Files.deleteIfExists(merged);
        Process p = new ProcessBuilder(runner.mergeCommand(merged, files))
                .redirectErrorStream(true).redirectOutput(dir.resolve("merge.log").toFile()).start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("the summary merge did not end within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while merging shard summaries");
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(merged)) {
            throw new IOException("the summary merge exited with " + p.exitValue() + " (see " + dir.resolve("merge.log")
                    + ")");
        }
        return json.readTree(merged.toFile());
    }
}
