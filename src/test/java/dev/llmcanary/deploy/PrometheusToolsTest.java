package dev.llmcanary.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs Prometheus's and Alertmanager's own checkers on the shipped files: {@code promtool check rules},
 * {@code promtool test rules} (the unit tests under deploy/prometheus/tests) and {@code amtool check-config}.
 * Debian's {@code prometheus} and {@code prometheus-alertmanager} packages provide them ({@code .ci/run} installs
 * them); without them these tests fail under CI ({@code CI=true}) and are skipped elsewhere.
 */
class PrometheusToolsTest {

    static Stream<Arguments> checks() throws IOException {
        List<String> tests = new ArrayList<>(List.of("promtool", "test", "rules"));
        try (Stream<Path> files = Files.list(Path.of("deploy/prometheus/tests"))) {
            files.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(p -> tests.add(p.toString()));
        }
        return Stream.of(
                Arguments.of("promtool check rules", List.of("promtool", "check", "rules",
                        "deploy/prometheus/rules.yaml", "deploy/prometheus/alerts.yaml")),
                Arguments.of("promtool test rules", tests),
                Arguments.of("amtool check-config", List.of("amtool", "check-config",
                        "deploy/alertmanager/alertmanager.yaml")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checks")
    void toolAcceptsTheShippedFiles(String name, List<String> command) throws Exception {
        requireOnPath(command.get(0));
        Path out = Files.createTempFile("llm-canary-tool", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", name).isTrue();
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s:%n%s", name, output).isZero();
        assertThat(output).contains("SUCCESS").doesNotContain("FAILED");
        if (name.equals("promtool test rules")) {
            long files = command.size() - 3;
            assertThat(output.split("SUCCESS", -1)).as("one SUCCESS per test file").hasSize((int) files + 1);
        }
    }

    /** Fails under CI when the binary is missing, skips elsewhere. */
    static void requireOnPath(String binary) {
        boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, binary)));
        if (!found && "true".equals(System.getenv("CI"))) {
            fail(binary + " is not on PATH: CI must install Debian's prometheus and prometheus-alertmanager (.ci/run)");
        }
        assumeTrue(found, binary + " not on PATH: skipped outside CI");
    }
}
