package dev.llmcanary.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link in the README, the manual in {@code docs/} and the folder READMEs resolves: the file exists
 * and, for a {@code #fragment} into a Markdown file, a heading with that GitHub anchor exists. Moving a section
 * breaks a link loudly here instead of quietly for a reader.
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *#*$");

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> pages = pages();
        assertThat(pages).as("pages checked").contains(Path.of("README.md"), Path.of("docs/configuration.md"));
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (String target : links(page)) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto:
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String fragment = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no such file)");
                } else if (fragment != null && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(fragment)) {
                    broken.add(page + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(checked).as("relative links checked").isGreaterThan(50);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void theReadmeIsAFrontDoorAndTheManualLivesInDocs() throws IOException {
        assertThat(Files.readAllLines(Path.of("README.md"))).as("README lines").hasSizeLessThanOrEqualTo(150);
        for (String doc : List.of("configuration", "measurement", "gates", "load-probes", "observability",
                "status-page", "api", "operations")) {
            assertThat(Path.of("docs", doc + ".md")).exists();
            assertThat(Files.readString(Path.of("README.md"))).contains("docs/" + doc + ".md");
        }
    }

    @Test
    void githubAnchorsAreComputedAsGithubDoes() {
        assertThat(slug("Reference: the files in `canaries/`")).isEqualTo("reference-the-files-in-canaries");
        assertThat(slug("`gates.yaml`")).isEqualTo("gatesyaml");
        assertThat(slug("Service settings (`application.properties` or environment variables)"))
                .isEqualTo("service-settings-applicationproperties-or-environment-variables");
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("ARCHITECTURE.md"),
                Path.of("BENCHMARKS.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        for (String dir : List.of("canaries", "scenarios", "gatling", "deploy")) {
            try (Stream<Path> files = Files.walk(Path.of(dir))) {
                files.filter(p -> p.getFileName().toString().endsWith(".md"))
                        .filter(p -> !p.toString().contains("/target/")).sorted().forEach(pages::add);
            }
        }
        return pages.stream().filter(Files::exists).toList();
    }

    /** Link targets outside code fences and inline code. */
    private static List<String> links(Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        boolean fence = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                fence = !fence;
                continue;
            }
            if (fence) {
                continue;
            }
            Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
            while (m.find()) {
                targets.add(m.group(1));
            }
        }
        return targets;
    }

    private static final Map<Path, Set<String>> ANCHORS = new HashMap<>();

    private static Set<String> anchors(Path page) {
        return ANCHORS.computeIfAbsent(page, p -> {
            Set<String> anchors = new LinkedHashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            boolean fence = false;
            try {
                for (String line : Files.readAllLines(p)) {
                    if (line.strip().startsWith("```")) {
                        fence = !fence;
                    }
                    Matcher m = HEADING.matcher(line);
                    if (!fence && m.matches()) {
                        String s = slug(m.group(1));
                        int n = seen.merge(s, 1, Integer::sum) - 1;
                        anchors.add(n == 0 ? s : s + "-" + n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return anchors;
        });
    }

    /** GitHub's heading anchor: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
    static String slug(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\s_-]", "").replace(' ', '-');
    }
}
