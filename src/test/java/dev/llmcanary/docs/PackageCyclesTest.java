package dev.llmcanary.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout stays a map of the system: no two top-level packages of {@code dev.llmcanary} depend on each other,
 * directly or through others (ARCHITECTURE.md; {@code .ci/package-graph} prints the whole graph). Dependencies are
 * read from import statements and fully qualified references in the sources.
 */
class PackageCyclesTest {

    private static final Path ROOT = Path.of("src/main/java/dev/llmcanary");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.llmcanary\\.([a-z]+)\\.");

    @Test
    void topLevelPackagesHaveNoCycle() throws IOException {
        Map<String, Set<String>> edges = edges();
        assertThat(edges).as("packages found").hasSizeGreaterThan(10);
        List<String> cycles = new ArrayList<>();
        for (String from : edges.keySet()) {
            for (String to : edges.get(from)) {
                if (from.compareTo(to) < 0 && reaches(edges, to, from, new TreeSet<>())) {
                    cycles.add(from + " <-> " + to);
                }
            }
        }
        assertThat(cycles).as("top-level packages that reach each other (see .ci/package-graph)").isEmpty();
    }

    private static Map<String, Set<String>> edges() throws IOException {
        Map<String, Set<String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = ROOT.relativize(f).getName(0).toString();
                if (pkg.endsWith(".java")) {
                    continue; // a class directly in dev.llmcanary
                }
                Set<String> to = edges.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        to.add(m.group(1));
                    }
                }
            }
        }
        return edges;
    }

    private static boolean reaches(Map<String, Set<String>> edges, String from, String target, Set<String> seen) {
        if (from.equals(target)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String next : edges.getOrDefault(from, Set.of())) {
            if (reaches(edges, next, target, seen)) {
                return true;
            }
        }
        return false;
    }
}
