package dev.llmcanary.loader;

import dev.llmcanary.canary.config.GuardrailFactory;
import dev.llmcanary.loadprobe.scenario.ScenarioLoader;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Validates a canaries folder and exits, like blackbox_exporter's {@code --config.check}: for CI pipelines and
 * pre-commit hooks that change canaries, pools or SLO classes.
 *
 * <pre>java -cp 'target/quarkus-app/lib/main/*:target/classes' dev.llmcanary.loader.ConfigCheck
 *     [canaries-dir] [pools-file] [slo-classes-file] [scenarios-dir]</pre>
 *
 * Placeholders resolve from environment variables; {@code ${llm-canary.simulator.url}} defaults to the embedded
 * simulator's address. Load-probe scenarios are checked against the pools too ({@code scenarios} by default; a
 * missing folder means none); one naming a pool that is not configured is disabled, printed as a {@code warning:}
 * line, and does not fail the check. Exit status 0 when valid, 1 with every error printed as
 * {@code file:line:column: field: message}.
 */
public final class ConfigCheck {

    private ConfigCheck() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()::get, System.out, System.err));
    }

    static int run(String[] args, Function<String, String> env, PrintStream out, PrintStream err) {
        Path dir = Path.of(args.length > 0 ? args[0] : "canaries");
        Path pools = args.length > 1 ? Path.of(args[1]) : null;
        Path slo = args.length > 2 ? Path.of(args[2]) : null;
        ConfigLoader loader = new ConfigLoader(name -> variable(name, env), GuardrailFactory.standard());
        LoadResult result = loader.load(dir, pools, slo);
        if (result.ok()) {
            Path scenariosDir = Path.of(args.length > 3 ? args[3] : "scenarios");
            ScenarioLoader.Result scenarios = new ScenarioLoader(name -> variable(name, env))
                    .load(scenariosDir, result.catalog());
            scenarios.disabled().forEach(e -> out.println("warning: " + e));
            if (!scenarios.ok()) {
                scenarios.errors().forEach(e -> err.println(e));
                err.printf("%d error(s)%n", scenarios.errors().size());
                return 1;
            }
            out.printf("configuration OK: %d canaries, %d pools, %d SLO classes, %d load-probe scenarios"
                            + " (%d disabled)%n", result.catalog().canaries().size(), result.catalog().pools().size(),
                    result.catalog().sloClasses().size(), scenarios.scenarios().scenarios().size(),
                    scenarios.disabled().size());
            return 0;
        }
        result.errors().forEach(e -> err.println(e));
        err.printf("%d error(s)%n", result.errors().size());
        return 1;
    }

    private static Optional<String> variable(String name, Function<String, String> env) {
        String v = env.apply(name);
        if (v == null) {
            // The service maps property names to env vars the MicroProfile way: dots and dashes become underscores.
            v = env.apply(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        if (v == null && "llm-canary.simulator.url".equals(name)) {
            v = "http://127.0.0.1:8089";
        }
        return Optional.ofNullable(v);
    }
}
