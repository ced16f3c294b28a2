package dev.llmcanary.it;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.llmcanary.loadprobe.Runner;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container images' inputs, checked after {@code package} (no Docker engine is needed or used): every
 * {@code COPY} source of {@code src/main/docker/Dockerfile.jvm} and {@code deploy/loadprobe/Dockerfile} exists, the
 * service image carries a runnable Gatling runner where its {@code LLM_CANARY_LOAD_PROBES_RUNNER_DIR} points and the
 * scenarios where {@code LLM_CANARY_LOAD_PROBES_DIR} points, and the Kubernetes Deployment uses the same paths.
 */
class DockerImageIT {

    private static final Path SERVICE = Path.of("src/main/docker/Dockerfile.jvm");
    private static final Path RUNNER = Path.of("deploy/loadprobe/Dockerfile");

    /** A {@code COPY [--chown=..] src... dest} instruction. */
    private record Copy(List<String> sources, String destination) {
    }

    private static List<Copy> copies(Path dockerfile) throws IOException {
        List<Copy> copies = new ArrayList<>();
        for (String line : Files.readAllLines(dockerfile)) {
            if (line.startsWith("COPY ")) {
                List<String> words = new ArrayList<>(List.of(line.substring(5).trim().split("\\s+")));
                words.removeIf(w -> w.startsWith("--"));
                copies.add(new Copy(words.subList(0, words.size() - 1), words.get(words.size() - 1)));
            }
        }
        return copies;
    }

    private static Map<String, String> env(Path dockerfile) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dockerfile)) {
            if (line.startsWith("ENV ") && line.contains("=")) {
                String kv = line.substring(4).trim();
                env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return env;
    }

    static Stream<Path> dockerfiles() {
        return Stream.of(SERVICE, RUNNER);
    }

    @ParameterizedTest(name = "{0}: every COPY source exists after package")
    @MethodSource("dockerfiles")
    void everyCopySourceExists(Path dockerfile) throws IOException {
        List<Copy> copies = copies(dockerfile);
        assertThat(copies).isNotEmpty();
        for (Copy c : copies) {
            for (String source : c.sources()) {
                if (source.contains("*")) {
                    Path dir = Path.of(source).getParent();
                    var glob = FileSystems.getDefault().getPathMatcher("glob:" + source);
                    try (Stream<Path> files = Files.list(dir)) {
                        assertThat(files.filter(glob::matches)).as("%s: COPY %s", dockerfile, source).isNotEmpty();
                    }
                } else {
                    assertThat(Path.of(source)).as("%s: COPY %s", dockerfile, source).exists();
                }
            }
        }
    }

    @Test
    void serviceImageCarriesTheRunnerAndScenariosWhereItsSettingsPoint() throws IOException {
        Map<String, String> env = env(SERVICE);
        Map<String, String> copied = new LinkedHashMap<>();
        copies(SERVICE).forEach(c -> c.sources().forEach(s -> copied.put(strip(c.destination()), strip(s))));

        String runnerDir = env.get("LLM_CANARY_LOAD_PROBES_RUNNER_DIR");
        assertThat(copied).containsEntry(runnerDir + "/classes", "gatling/target/classes")
                .containsEntry(runnerDir + "/lib", "gatling/target/lib");
        assertThat(new Runner(Path.of("gatling/target"), Runner.currentJava(), List.of()).built())
                .as("package builds the runner the image copies").isTrue();
        assertThat(copied).containsEntry(env.get("LLM_CANARY_LOAD_PROBES_DIR"), "scenarios")
                .containsEntry(env.get("LLM_CANARY_CONFIG_DIR"), "canaries");
        assertThat(Path.of("scenarios")).isDirectoryContaining("glob:**.yaml");

        Container c = Serialization.unmarshal(Files.readString(Path.of("deploy/kubernetes/base/deployment.yaml")),
                Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> podEnv = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv()) {
            podEnv.put(e.getName(), e.getValue());
        }
        assertThat(podEnv).containsEntry("LLM_CANARY_LOAD_PROBES_RUNNER_DIR", runnerDir)
                .containsEntry("LLM_CANARY_LOAD_PROBES_DIR", env.get("LLM_CANARY_LOAD_PROBES_DIR"))
                .containsEntry("LLM_CANARY_CONFIG_DIR", env.get("LLM_CANARY_CONFIG_DIR"));
    }

    private static String strip(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
