package dev.llmcanary.loadprobe;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the packaged Gatling runner lives ({@code gatling/target}: {@code classes/} + {@code lib/*}) and how to start
 * it as a separate JVM, so the probe's GC and CPU never distort the canaries' timings.
 *
 * @param dir     the runner's {@code target} directory
 * @param java    the {@code java} executable
 * @param jvmArgs extra JVM options for the child (heap size)
 */
public record Runner(Path dir, String java, List<String> jvmArgs) {

    public static final String SIMULATION = "dev.llmcanary.loadprobe.sim.StreamingProbeSimulation";
    public static final String MERGE = "dev.llmcanary.loadprobe.sim.SummaryMerge";

    public Runner {
        jvmArgs = List.copyOf(jvmArgs);
    }

    /** The {@code java} of the JVM running the service. */
    public static String currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Whether the runner has been built ({@code ./mvnw package} builds it). */
    public boolean built() {
        return Files.isDirectory(dir.resolve("classes").resolve("dev")) && Files.isDirectory(dir.resolve("lib"));
    }

    public List<String> command(Path plan, Path results) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        // Gatling's log writer reads String internals reflectively.
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        String sep = File.pathSeparator;
        cmd.add(dir.resolve("classes").toAbsolutePath() + sep + dir.resolve("lib").toAbsolutePath() + "/*");
        cmd.add("-Dplan=" + plan.toAbsolutePath());
        cmd.add("io.gatling.app.Gatling");
        cmd.add("--simulation");
        cmd.add(SIMULATION);
        cmd.add("--results-folder");
        cmd.add(results.toAbsolutePath().toString());
        cmd.add("--launcher");
        cmd.add("llm-canary");
        return cmd;
    }

    /** Runs the runner's {@code SummaryMerge} (the exact histogram merge of shard summaries) into {@code merged}. */
    public List<String> mergeCommand(Path merged, List<Path> shards) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Xmx128m");
        cmd.add("-cp");
        cmd.add(dir.resolve("classes").toAbsolutePath() + File.pathSeparator + dir.resolve("lib").toAbsolutePath()
                + "/*");
        cmd.add(MERGE);
        cmd.add(merged.toAbsolutePath().toString());
        shards.forEach(s -> cmd.add(s.toAbsolutePath().toString()));
        return cmd;
    }
}
