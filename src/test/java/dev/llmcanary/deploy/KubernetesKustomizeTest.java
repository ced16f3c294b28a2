package dev.llmcanary.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.llmcanary.canary.config.GuardrailFactory;
import dev.llmcanary.config.ConfigError;
import dev.llmcanary.loader.ConfigLoader;
import dev.llmcanary.loader.LoadResult;
import dev.llmcanary.loadprobe.scenario.ScenarioLoader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds every overlay and component combination under {@code deploy/kubernetes} with {@code kubectl kustomize} (the
 * kustomize that an operator's {@code kubectl apply -k} runs), loads the output with fabric8, and checks that the
 * files tell one story: everything lands in the one namespace setting, the CD examples call the Service there, the
 * NetworkPolicies admit exactly the CD controllers whose components are listed, RBAC covers every namespace the
 * shipped pools discover in, the ConfigMaps are the repository's files byte for byte, Prometheus scrapes once, and
 * the mounted configuration loads. kubectl must be on PATH (the project's machine image ships it); without it these
 * tests fail under CI ({@code CI=true}) and are skipped elsewhere.
 */
class KubernetesKustomizeTest {

    static final Path K8S = Path.of("deploy/kubernetes");
    static final Path WORK = Path.of("target", "kustomize-combinations");
    static final String APP = "llm-canary";
    /** The controller namespace each CD component admits: the tools' default installs, as the components say. */
    static final Map<String, String> CD_CONTROLLERS = Map.of("flagger", "flagger-system",
            "argo-rollouts", "argo-rollouts");
    /** Each generated ConfigMap and the repository folder its keys are files of. */
    static final Map<String, Path> CONFIG_MAP_SOURCES = Map.of("llm-canary-canaries", Path.of("canaries"),
            "llm-canary-scenarios", Path.of("scenarios"), "llm-canary-pools", K8S.resolve("base"));
    static final Pattern SVC_URL = Pattern.compile("https?://([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc(?:\\.cluster\\.local)?"
            + "(?::(\\d+))?");
    static final YAMLMapper YAML = new YAMLMapper();
    static final Map<Combination, List<HasMetadata>> BUILDS = new ConcurrentHashMap<>();

    /**
     * One build: a root (an overlay as shipped, or the bare base) plus the components added on top of it.
     * {@code components} is everything in force: the root's own list and the added ones.
     */
    record Combination(String root, List<String> added, Set<String> components) {
        boolean has(String component) {
            return components.contains(component);
        }

        @Override
        public String toString() {
            return root + (added.isEmpty() ? "" : " + " + String.join(" + ", added));
        }
    }

    static Stream<Combination> combinations() throws IOException {
        List<Combination> out = new ArrayList<>();
        List<List<String>> cd = List.of(List.of(), List.of("flagger"), List.of("argo-rollouts"),
                List.of("flagger", "argo-rollouts"));
        for (String overlay : List.of("overlays/single", "overlays/ha")) {
            Set<String> own = ownComponents(overlay);
            for (boolean serviceMonitor : List.of(false, true)) {
                for (List<String> tools : cd) {
                    List<String> added = new ArrayList<>(serviceMonitor ? List.of("servicemonitor") : List.of());
                    added.addAll(tools);
                    Set<String> all = new LinkedHashSet<>(own);
                    all.addAll(added);
                    out.add(new Combination(overlay, added, all));
                }
            }
        }
        for (String scrape : List.of("scrape-annotations", "servicemonitor")) {
            for (boolean discovery : List.of(false, true)) {
                for (List<String> tools : List.of(List.<String>of(), List.of("flagger", "argo-rollouts"))) {
                    List<String> added = new ArrayList<>(List.of(scrape));
                    if (discovery) {
                        added.add("discovery-rbac");
                    }
                    added.addAll(tools);
                    out.add(new Combination("base", added, new LinkedHashSet<>(added)));
                }
            }
        }
        return out.stream();
    }

    static Stream<Combination> shippedOverlays() throws IOException {
        return combinations().filter(c -> c.added().isEmpty());
    }

    /** The component folder names an overlay lists itself. */
    static Set<String> ownComponents(String overlay) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        YAML.readTree(K8S.resolve(overlay).resolve("kustomization.yaml").toFile()).path("components")
                .forEach(c -> names.add(Path.of(c.asText()).getFileName().toString()));
        return names;
    }

    /** The one namespace setting: deploy/kubernetes/namespace/namespace.yaml. */
    static String namespaceSetting() throws IOException {
        JsonNode t = YAML.readTree(K8S.resolve("namespace/namespace.yaml").toFile());
        assertThat(t.path("kind").asText()).isEqualTo("NamespaceTransformer");
        return t.path("metadata").path("namespace").asText();
    }

    static List<HasMetadata> build(Combination c) {
        return BUILDS.computeIfAbsent(c, KubernetesKustomizeTest::kustomize);
    }

    /**
     * Runs {@code kubectl kustomize} on the overlay itself when nothing is added (exactly what an operator applies),
     * otherwise on a kustomization under target/ that lists the root, the added components and the namespace
     * setting (components need it to place their objects).
     */
    static List<HasMetadata> kustomize(Combination c) {
        requireKubectl();
        try {
            Path dir = K8S.resolve(c.root());
            if (!c.added().isEmpty()) {
                dir = WORK.resolve(c.toString().replaceAll("[^a-z0-9]+", "-"));
                Files.createDirectories(dir);
                Path from = dir.toAbsolutePath();
                StringBuilder k = new StringBuilder("resources:\n  - ").append(rel(from, K8S.resolve(c.root())))
                        .append("\ncomponents:\n");
                for (String component : c.added()) {
                    k.append("  - ").append(rel(from, K8S.resolve("components").resolve(component))).append('\n');
                }
                k.append("transformers:\n  - ").append(rel(from, K8S.resolve("namespace"))).append('\n');
                Files.writeString(dir.resolve("kustomization.yaml"), k);
            }
            Path out = Files.createTempFile("kustomize", ".yaml");
            Path err = Files.createTempFile("kustomize", ".err");
            Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("kubectl kustomize %s finished", c).isTrue();
            assertThat(p.exitValue()).as("kubectl kustomize %s:%n%s", c, Files.readString(err)).isZero();
            List<HasMetadata> objects = new ArrayList<>();
            for (String doc : Files.readString(out, StandardCharsets.UTF_8).split("(?m)^---$")) {
                if (!doc.isBlank()) {
                    KubernetesResource r = Serialization.unmarshal(doc, KubernetesResource.class);
                    assertThat(r).as("%s", c).isInstanceOf(HasMetadata.class);
                    objects.add((HasMetadata) r);
                }
            }
            return objects;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String rel(Path from, Path to) {
        return from.relativize(to.toAbsolutePath()).toString().replace(File.separatorChar, '/');
    }

    /** Fails under CI when kubectl is missing, skips elsewhere. */
    static void requireKubectl() {
        boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "kubectl")));
        if (!found && "true".equals(System.getenv("CI"))) {
            fail("kubectl is not on PATH: the deploy/kubernetes builds need kubectl 1.27 or newer (kustomize v5);"
                    + " Debian's kubernetes-client (1.20) is too old for kustomize components");
        }
        assumeTrue(found, "kubectl not on PATH: skipped outside CI");
    }

    static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
        List<T> found = all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
        assertThat(found).as("%s %s", type.getSimpleName(), name).hasSize(1);
        return found.get(0);
    }

    /** The namespaces the built pools file discovers endpoints in (discovery.kubernetes.namespace). */
    static Set<String> discoveryNamespaces(List<HasMetadata> objects) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        String pools = named(objects, ConfigMap.class, "llm-canary-pools").getData().get("pools.yaml");
        YAML.readTree(pools).path("pools").forEach(p -> {
            JsonNode ns = p.path("discovery").path("kubernetes").path("namespace");
            if (!ns.isMissingNode()) {
                out.add(ns.asText());
            }
        });
        return out;
    }

    @ParameterizedTest(name = "{0}: builds, and everything lands in the namespace setting but the discovery RBAC")
    @MethodSource("combinations")
    void everyObjectLandsInTheNamespaceSettingButTheDiscoveryRbac(Combination c) throws IOException {
        String ns = namespaceSetting();
        List<HasMetadata> objects = build(c);
        assertThat(objects).extracting(HasMetadata::getKind).contains("Deployment", "Service", "ConfigMap",
                "NetworkPolicy", "Role", "RoleBinding", "ServiceAccount");
        Set<String> elsewhere = new LinkedHashSet<>();
        for (HasMetadata o : objects) {
            String where = o.getMetadata().getNamespace();
            if (!ns.equals(where)) {
                assertThat(o.getKind()).as("%s %s in %s", o.getKind(), o.getMetadata().getName(), where)
                        .isIn("Role", "RoleBinding");
                assertThat(o.getMetadata().getName()).isEqualTo("llm-canary-discovery");
                elsewhere.add(where);
            }
        }
        Set<String> expected = new LinkedHashSet<>();
        if (c.has("discovery-rbac")) {
            expected.addAll(discoveryNamespaces(objects));
            expected.remove(ns);
        }
        assertThat(elsewhere).containsExactlyInAnyOrderElementsOf(expected);
        for (RoleBinding b : all(objects, RoleBinding.class)) {
            assertThat(b.getSubjects()).allSatisfy(s -> {
                assertThat(s.getKind()).isEqualTo("ServiceAccount");
                assertThat(s.getNamespace()).as("subject of %s", b.getMetadata().getName()).isEqualTo(ns);
            });
        }
    }

    @ParameterizedTest(name = "{0}: every Service URL in deploy/cd is a Service of the build, in its namespace")
    @MethodSource("combinations")
    void everyServiceUrlOfTheCdExamplesResolvesToTheDeployedService(Combination c) throws IOException {
        List<HasMetadata> objects = build(c);
        int urls = 0;
        try (Stream<Path> files = Files.list(Path.of("deploy/cd"))) {
            for (Path f : files.sorted().toList()) {
                Matcher m = SVC_URL.matcher(Files.readString(f));
                while (m.find()) {
                    urls++;
                    String name = m.group(1);
                    String ns = m.group(2);
                    int port = m.group(3) == null ? 80 : Integer.parseInt(m.group(3));
                    List<Service> services = all(objects, Service.class).stream()
                            .filter(s -> s.getMetadata().getName().equals(name)
                                    && s.getMetadata().getNamespace().equals(ns)).toList();
                    assertThat(services).as("%s calls %s: no Service %s in namespace %s", f, m.group(), name, ns)
                            .hasSize(1);
                    assertThat(services.get(0).getSpec().getPorts()).as("%s port %d", m.group(), port)
                            .anySatisfy(p -> assertThat(p.getPort()).isEqualTo(port));
                }
            }
        }
        assertThat(urls).as("URLs found in deploy/cd").isGreaterThanOrEqualTo(4);
    }

    @ParameterizedTest(name = "{0}: the NetworkPolicies admit exactly Prometheus, the own namespace and the listed CD controllers")
    @MethodSource("combinations")
    void networkPolicyAdmitsTheControllersOfTheCdComponents(Combination c) throws IOException {
        String ns = namespaceSetting();
        List<HasMetadata> objects = build(c);
        Deployment d = named(objects, Deployment.class, APP);
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        int port = d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                .filter(p -> "http".equals(p.getName())).findFirst().orElseThrow().getContainerPort();
        List<NetworkPolicy> policies = all(objects, NetworkPolicy.class);
        for (var tool : CD_CONTROLLERS.entrySet()) {
            assertThat(admits(policies, ns, podLabels, tool.getValue(), port))
                    .as("%s controller (namespace %s) admitted", tool.getKey(), tool.getValue())
                    .isEqualTo(c.has(tool.getKey()));
        }
        assertThat(admits(policies, ns, podLabels, "monitoring", port)).as("Prometheus").isTrue();
        assertThat(admits(policies, ns, podLabels, ns, port)).as("clients in the own namespace").isTrue();
        assertThat(admits(policies, ns, podLabels, "default", port)).as("any other namespace").isFalse();
        assertThat(admits(policies, ns, podLabels, "monitoring", 9999)).as("another port").isFalse();
    }

    /** Whether traffic from any pod of namespace {@code from} may reach {@code port} of the pod (ingress policy). */
    static boolean admits(List<NetworkPolicy> policies, String ns, Map<String, String> podLabels, String from,
                          int port) {
        List<NetworkPolicy> selecting = policies.stream()
                .filter(p -> ns.equals(p.getMetadata().getNamespace()))
                .filter(p -> p.getSpec().getPolicyTypes().contains("Ingress"))
                .filter(p -> matches(p.getSpec().getPodSelector(), podLabels)).toList();
        assertThat(selecting).as("an ingress policy selects the pod").isNotEmpty();
        for (NetworkPolicy p : selecting) {
            for (NetworkPolicyIngressRule rule : p.getSpec().getIngress()) {
                boolean portOk = rule.getPorts().isEmpty() || rule.getPorts().stream().anyMatch(pp -> portMatches(pp, port));
                boolean fromOk = rule.getFrom().isEmpty() || rule.getFrom().stream().anyMatch(peer -> peerAdmits(peer, ns, from));
                if (portOk && fromOk) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean portMatches(NetworkPolicyPort p, int port) {
        return p.getPort() == null || (p.getPort().getIntVal() != null && p.getPort().getIntVal() == port)
                || "http".equals(p.getPort().getStrVal());
    }

    /** A peer admits every pod of {@code from}: its namespace selector matches and it narrows to no pod labels. */
    static boolean peerAdmits(NetworkPolicyPeer peer, String policyNamespace, String from) {
        if (peer.getIpBlock() != null) {
            return false;
        }
        boolean anyPod = peer.getPodSelector() == null || matches(peer.getPodSelector(), Map.of());
        if (peer.getNamespaceSelector() == null) {
            return anyPod && from.equals(policyNamespace);
        }
        return anyPod && matches(peer.getNamespaceSelector(), Map.of("kubernetes.io/metadata.name", from));
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        assertThat(selector.getMatchExpressions()).as("matchExpressions are not evaluated here").isNullOrEmpty();
        return selector.getMatchLabels() == null || labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    @ParameterizedTest(name = "{0}: RBAC lets the ServiceAccount read EndpointSlices in every discovery namespace")
    @MethodSource("combinations")
    void rbacCoversEachDiscoveryNamespace(Combination c) throws IOException {
        String ns = namespaceSetting();
        List<HasMetadata> objects = build(c);
        Set<String> discovered = discoveryNamespaces(objects);
        assertThat(discovered).as("the shipped pools discover endpoints").isNotEmpty();
        if (c.root().startsWith("overlays/")) {
            // an overlay ships the pools that discover there, so it must ship the RBAC too (no 403 out of the box)
            assertThat(c.has("discovery-rbac")).as("%s lists the discovery-rbac component", c.root()).isTrue();
        }
        for (String target : discovered) {
            assertThat(canWatchEndpointSlices(objects, target, ns))
                    .as("EndpointSlices in %s readable (403 without the discovery-rbac component)", target)
                    .isEqualTo(target.equals(ns) || c.has("discovery-rbac"));
        }
        assertThat(canWatchEndpointSlices(objects, ns, ns)).as("its own namespace").isTrue();
    }

    /** A RoleBinding in {@code target} gives the ServiceAccount of {@code ns} a Role there that lists and watches. */
    static boolean canWatchEndpointSlices(List<HasMetadata> objects, String target, String ns) {
        for (RoleBinding b : all(objects, RoleBinding.class)) {
            if (!target.equals(b.getMetadata().getNamespace()) || !"Role".equals(b.getRoleRef().getKind())
                    || b.getSubjects().stream().noneMatch(s -> "ServiceAccount".equals(s.getKind())
                    && APP.equals(s.getName()) && ns.equals(s.getNamespace()))) {
                continue;
            }
            Optional<Role> role = all(objects, Role.class).stream()
                    .filter(r -> target.equals(r.getMetadata().getNamespace())
                            && r.getMetadata().getName().equals(b.getRoleRef().getName())).findFirst();
            if (role.isPresent()) {
                for (PolicyRule rule : role.get().getRules()) {
                    if (rule.getApiGroups().contains("discovery.k8s.io") && rule.getResources().contains("endpointslices")
                            && rule.getVerbs().containsAll(List.of("get", "list", "watch"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @ParameterizedTest(name = "{0}: the ConfigMaps are the repository files byte for byte, mounted by their built names")
    @MethodSource("combinations")
    void configMapsAreTheRepositoryFilesByteForByte(Combination c) throws IOException {
        List<HasMetadata> objects = build(c);
        for (var source : CONFIG_MAP_SOURCES.entrySet()) {
            ConfigMap cm = named(objects, ConfigMap.class, source.getKey());
            assertThat(cm.getData()).as(source.getKey()).isNotEmpty();
            for (var entry : cm.getData().entrySet()) {
                Path file = source.getValue().resolve(entry.getKey());
                assertThat(entry.getValue().getBytes(StandardCharsets.UTF_8)).as("%s key %s vs %s", source.getKey(),
                        entry.getKey(), file).isEqualTo(Files.readAllBytes(file));
            }
        }
        // nothing of canaries/ or scenarios/ silently missing (pools.yaml is the simulator's, replaced by the cluster's)
        assertThat(named(objects, ConfigMap.class, "llm-canary-canaries").getData().keySet())
                .containsExactlyInAnyOrderElementsOf(yamlFiles(Path.of("canaries"), "pools.yaml"));
        assertThat(named(objects, ConfigMap.class, "llm-canary-scenarios").getData().keySet())
                .containsExactlyInAnyOrderElementsOf(yamlFiles(Path.of("scenarios")));
        PodSpec pod = named(objects, Deployment.class, APP).getSpec().getTemplate().getSpec();
        List<String> mounted = pod.getVolumes().stream().filter(v -> v.getConfigMap() != null)
                .map(v -> v.getConfigMap().getName()).toList();
        assertThat(mounted).containsExactlyInAnyOrderElementsOf(CONFIG_MAP_SOURCES.keySet());
    }

    static List<String> yamlFiles(Path dir, String... except) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !List.of(except).contains(n)).toList();
        }
    }

    @ParameterizedTest(name = "{0}: scraped exactly once")
    @MethodSource("combinations")
    void prometheusScrapesEachPodOnce(Combination c) {
        List<HasMetadata> objects = build(c);
        Deployment d = named(objects, Deployment.class, APP);
        Service svc = named(objects, Service.class, APP);
        boolean podAnnotated = "true".equals(annotations(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .get("prometheus.io/scrape"));
        boolean serviceAnnotated = "true".equals(annotations(svc.getMetadata().getAnnotations()).get("prometheus.io/scrape"));
        List<GenericKubernetesResource> monitors = all(objects, GenericKubernetesResource.class).stream()
                .filter(o -> o.getKind().equals("ServiceMonitor")).toList();
        assertThat((podAnnotated ? 1 : 0) + (serviceAnnotated ? 1 : 0) + monitors.size())
                .as("scrape mechanisms (pod annotations %s, Service annotations %s, ServiceMonitors %d)",
                        podAnnotated, serviceAnnotated, monitors.size()).isEqualTo(1);
        assertThat(monitors.isEmpty()).isEqualTo(!c.has("servicemonitor"));
        if (podAnnotated) {
            assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                    .containsEntry("prometheus.io/port", "8080").containsEntry("prometheus.io/path", "/metrics");
        }
        for (GenericKubernetesResource sm : monitors) {
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
            @SuppressWarnings("unchecked")
            Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector"))
                    .get("matchLabels");
            assertThat(svc.getMetadata().getLabels().entrySet()).containsAll(selector.entrySet());
            assertThat(sm.getMetadata().getNamespace()).isEqualTo(svc.getMetadata().getNamespace());
        }
    }

    static Map<String, String> annotations(Map<String, String> a) {
        return a == null ? Map.of() : a;
    }

    @ParameterizedTest(name = "{0}: the image is the overlay's images: entry")
    @MethodSource("shippedOverlays")
    void imageIsSetByTheOverlaysImagesEntry(Combination c) throws IOException {
        JsonNode images = YAML.readTree(K8S.resolve(c.root()).resolve("kustomization.yaml").toFile()).path("images");
        assertThat(images).hasSize(1);
        JsonNode image = images.get(0);
        String expected = image.path("newName").asText(image.path("name").asText())
                + (image.has("digest") ? "@" + image.get("digest").asText() : ":" + image.path("newTag").asText());
        Container container = named(build(c), Deployment.class, APP).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(expected);
        assertThat(Files.readString(Path.of("docs/operations.md"))).as("the deploy guide sets the image with images:, not sed")
                .doesNotContain("sed 's|image:");
    }

    /**
     * The shipped overlay's files, mounted where the Deployment mounts them, load with the service's own loaders:
     * the canaries and the cluster's pools in force, and the shipped load-probe scenarios (written for the
     * simulator's pool) disabled with a located warning each instead of failing the configuration.
     */
    @ParameterizedTest(name = "{0}: the mounted configuration loads; the simulator's scenarios are disabled, not errors")
    @MethodSource("shippedOverlays")
    void mountedConfigurationLoadsAndScenariosForOtherPoolsAreDisabled(Combination c, @TempDir Path root)
            throws IOException {
        List<HasMetadata> objects = build(c);
        PodSpec pod = named(objects, Deployment.class, APP).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        for (VolumeMount m : container.getVolumeMounts()) {
            Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(m.getName())).findFirst().orElseThrow();
            if (v.getConfigMap() != null) {
                Path dir = Files.createDirectories(under(root, m.getMountPath()));
                for (var e : named(objects, ConfigMap.class, v.getConfigMap().getName()).getData().entrySet()) {
                    Files.writeString(dir.resolve(e.getKey()), e.getValue());
                }
            }
        }
        Map<String, String> env = new java.util.HashMap<>();
        container.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        LoadResult config = new ConfigLoader(name -> Optional.empty(), GuardrailFactory.standard())
                .load(under(root, env.get("LLM_CANARY_CONFIG_DIR")), under(root, env.get("LLM_CANARY_CONFIG_POOLS_FILE")),
                        null);
        assertThat(config.errors()).isEmpty();
        assertThat(config.catalog().canaries()).hasSize(yamlFiles(Path.of("canaries"), "pools.yaml", "slo-classes.yaml",
                "gates.yaml").size());
        ScenarioLoader.Result scenarios = new ScenarioLoader(name -> Optional.empty())
                .load(under(root, env.get("LLM_CANARY_LOAD_PROBES_DIR")), config.catalog());
        assertThat(scenarios.errors()).isEmpty();
        assertThat(scenarios.disabled()).hasSize(yamlFiles(Path.of("scenarios")).size())
                .extracting(ConfigError::toString)
                .allSatisfy(w -> assertThat(w).contains(": pool: unknown pool \"sim-h100\" (configured: ")
                        .endsWith("); scenario disabled"));
    }

    static Path under(Path root, String absolute) {
        assertThat(absolute).startsWith("/");
        return root.resolve(absolute.substring(1));
    }
}
