package dev.llmcanary.loader;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.config.CanaryBinder;
import dev.llmcanary.canary.config.GuardrailFactory;
import dev.llmcanary.canary.config.GuardrailSpecs;
import dev.llmcanary.canary.config.PoolBinder;
import dev.llmcanary.canary.config.SloClassBinder;
import dev.llmcanary.config.ConfigError;
import dev.llmcanary.config.Placeholders;
import dev.llmcanary.config.Problems;
import dev.llmcanary.config.Values;
import dev.llmcanary.config.YamlNode;
import dev.llmcanary.config.YamlTreeReader;
import dev.llmcanary.gate.config.GateSuite;
import dev.llmcanary.gate.config.GateSuiteBinder;
import dev.llmcanary.gate.config.GateSuites;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Loads and validates the whole configuration (SLO classes, pools, canary files) into a {@link Catalog}, or
 * collects every error found so the caller can keep its last good catalog.
 */
public final class ConfigLoader {

    static final String POOLS_FILE = "pools.yaml";
    static final String SLO_CLASSES_FILE = "slo-classes.yaml";
    static final String GATES_FILE = "gates.yaml";
    private static final Set<String> RESERVED = Set.of(POOLS_FILE, SLO_CLASSES_FILE, "pools.yml", "slo-classes.yml",
            GATES_FILE, "gates.yml");

    private final Placeholders placeholders;
    private final GuardrailSpecs guardrails;
    private final Clock clock;
    private final YamlTreeReader reader = new YamlTreeReader();

    /**
     * @param variables  resolves {@code ${NAME}} placeholders (configuration properties, environment)
     * @param guardrails builds guardrails; {@link GuardrailFactory#standard()} in the application
     */
    public ConfigLoader(Function<String, Optional<String>> variables, GuardrailFactory guardrails) {
        this(variables, guardrails, Clock.systemUTC());
    }

    public ConfigLoader(Function<String, Optional<String>> variables, GuardrailFactory guardrails, Clock clock) {
        this.placeholders = new Placeholders(variables);
        this.guardrails = new GuardrailSpecs(guardrails);
        this.clock = clock;
    }

    /**
     * @param poolsFile      {@code null} for {@code canariesDir/pools.yaml}
     * @param sloClassesFile {@code null} for {@code canariesDir/slo-classes.yaml}
     */
    public LoadResult load(Path canariesDir, Path poolsFile, Path sloClassesFile) {
        Path pools = poolsFile != null ? poolsFile : canariesDir.resolve(POOLS_FILE);
        Path slo = sloClassesFile != null ? sloClassesFile : canariesDir.resolve(SLO_CLASSES_FILE);
        List<ConfigError> errors = new ArrayList<>();

        SloClassBinder.Bound classes = readRequired(slo, canariesDir, errors, "slo_classes: {name: {...}}")
                .map(f -> new SloClassBinder().bind(f.root(), f.values()))
                .orElseGet(SloClassBinder.Bound::unreadable);
        PoolBinder.Bound poolBound = readRequired(pools, canariesDir, errors, "pools: [...]")
                .map(f -> new PoolBinder().bind(f.root(), f.values()))
                .orElseGet(PoolBinder.Bound::unreadable);

        CanaryBinder binder = new CanaryBinder(classes, poolBound, guardrails);
        List<CanaryDefinition> canaries = new ArrayList<>();
        Map<String, String> firstSeen = new HashMap<>();
        for (Path file : canaryFiles(canariesDir, Set.of(pools, slo), errors)) {
            Optional<ParsedFile> parsed = read(file, canariesDir, errors);
            if (parsed.isEmpty()) {
                continue;
            }
            for (CanaryBinder.Bound b : binder.bind(parsed.get().root(), parsed.get().values())) {
                String here = b.canary().source() + ":" + b.line() + ":" + b.column();
                String first = firstSeen.putIfAbsent(b.canary().id(), here);
                if (first != null) {
                    errors.add(new ConfigError(b.canary().source(), b.line(), b.column(), b.field(),
                            "duplicate canary id \"" + b.canary().id() + "\" (also defined at " + first + ")"));
                } else {
                    canaries.add(b.canary());
                }
            }
        }
        Map<String, GateSuite> suites = gateSuites(canariesDir, canaries, poolBound, errors);
        if (!errors.isEmpty()) {
            return new LoadResult(null, errors);
        }
        Catalog catalog = new Catalog(classes.classes(), poolBound.pools(), canaries, clock.instant());
        return new LoadResult(catalog.withSection(new GateSuites(suites)), List.of());
    }

    /** The optional {@code gates.yaml} beside the canaries: deployment gate suites (none when the file is absent). */
    private Map<String, GateSuite> gateSuites(Path canariesDir,
                                                                        List<CanaryDefinition> canaries,
                                                                        PoolBinder.Bound pools,
                                                                        List<ConfigError> errors) {
        Path file = canariesDir.resolve(GATES_FILE);
        if (!Files.exists(file)) {
            return Map.of();
        }
        Set<String> ids = new java.util.HashSet<>();
        canaries.forEach(c -> ids.add(c.id()));
        return read(file, canariesDir, errors)
                .map(f -> new GateSuiteBinder(ids, pools.names(), pools.complete()).bind(f.root(), f.values()))
                .orElse(Map.of());
    }

    /** A parsed file with the value converter that reports into its name. */
    private record ParsedFile(YamlNode root, Values values) {
    }

    /** Like {@link #read}, but an empty file is an error: without classes or pools nothing can run. */
    private Optional<ParsedFile> readRequired(Path file, Path canariesDir, List<ConfigError> errors, String shape) {
        int before = errors.size();
        Optional<ParsedFile> parsed = read(file, canariesDir, errors);
        if (parsed.isEmpty() && errors.size() == before) {
            errors.add(new ConfigError(Problems.displayName(file, canariesDir), 0, 0, "", "file is empty; expected " + shape));
        }
        return parsed;
    }

    private Optional<ParsedFile> read(Path file, Path canariesDir, List<ConfigError> errors) {
        Problems problems = new Problems(Problems.displayName(file, canariesDir), errors);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            problems.at(0, 0, "", "file not found");
            return Optional.empty();
        } catch (IOException e) {
            problems.at(0, 0, "", "cannot read file: " + e.getClass().getSimpleName());
            return Optional.empty();
        }
        Values values = new Values(problems, placeholders);
        return reader.read(text, problems).map(root -> new ParsedFile(root, values));
    }

    /** Every {@code *.yaml}/{@code *.yml} in the directory, by name, except the pools and SLO class files. */
    private static List<Path> canaryFiles(Path dir, Set<Path> exclude, List<ConfigError> errors) {
        Set<Path> excluded = new java.util.HashSet<>();
        exclude.forEach(p -> excluded.add(p.toAbsolutePath().normalize()));
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.startsWith(".")
                                && !RESERVED.contains(name) && !excluded.contains(p.toAbsolutePath().normalize());
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            errors.add(new ConfigError(dir.toString(), 0, 0, "", "cannot list canary directory: "
                    + e.getClass().getSimpleName()));
            return List.of();
        }
    }
}
