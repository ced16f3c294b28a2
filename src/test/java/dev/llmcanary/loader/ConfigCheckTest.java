package dev.llmcanary.loader;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code --config.check} style command: exit status and the errors it prints. */
class ConfigCheckTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int check(String... args) {
        return ConfigCheck.run(args, name -> null, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shippedCanariesAreValid() {
        assertThat(check("canaries")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("configuration OK: 7 canaries, 6 pools, 3 SLO classes");
    }

    @Test
    void scenariosAreCheckedAgainstThePools(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        assertThat(check("canaries", "canaries/pools.yaml", "canaries/slo-classes.yaml", "scenarios")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(", 2 load-probe scenarios");
        java.nio.file.Files.writeString(dir.resolve("bad.yaml"),
                "id: x\npool: sim-h100\nmodel: m\narrival: {type: constant, rate: 1}\nduration: 1s\n");
        assertThat(check("canaries", "canaries/pools.yaml", "canaries/slo-classes.yaml", dir.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad.yaml:3:8: model: model \"m\" is not served");
    }

    @Test
    void aScenarioForAnotherDeploymentsPoolIsAWarningNotAFailure(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Files.writeString(dir.resolve("other.yaml"),
                "id: x\npool: nope\nmodel: m\narrival: {type: constant, rate: 1}\nduration: 1s\n");
        assertThat(check("canaries", "canaries/pools.yaml", "canaries/slo-classes.yaml", dir.toString())).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("warning: ").contains("other.yaml:2:7: pool: unknown pool \"nope\"")
                .contains("scenario disabled").contains(", 0 load-probe scenarios (1 disabled)");
    }

    @Test
    void invalidFolderExitsOneWithEveryErrorNamingFileLineAndField() {
        assertThat(check("src/test/resources/config/several-errors")).isEqualTo(1);
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("several-errors/c.yaml:5:15: [0].max_tokens: must be between 1 and 32768, got 0")
                .contains("several-errors/pools.yaml:6:13: pools[0].models: must list at least one model")
                .contains("8 error(s)");
    }

    @Test
    void coversTheGateSuites() {
        assertThat(check("src/test/resources/config/gates-bad", "src/test/resources/config/base/pools.yaml",
                "src/test/resources/config/base/slo-classes.yaml")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("gates-bad/gates.yaml:3:15: gates.quick.canaries: unknown canary \"nope\"")
                .contains("gates-bad/gates.yaml:4:12: gates.quick.pools: unknown pool \"gpu\"");
    }
}
