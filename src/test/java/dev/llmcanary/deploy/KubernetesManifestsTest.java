package dev.llmcanary.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that every manifest under {@code deploy/kubernetes/} is a valid Kubernetes object of the fabric8 model
 * (not just YAML), and the fields operators rely on: security context, probes, least RBAC, mounts, references.
 */
class KubernetesManifestsTest {

    static final Path K8S = Path.of("deploy/kubernetes");
    static final Path BASE = K8S.resolve("base");
    /** Kinds without a fabric8 model class on the classpath: read as GenericKubernetesResource. */
    static final Set<String> GENERIC_KINDS = Set.of("ServiceMonitor");

    static final Path COMPONENTS = K8S.resolve("components");

    /**
     * Every Kubernetes object file: not the kustomizations, the namespace setting (a kustomize transformer) or the
     * cluster's pools.yaml (service configuration; KubernetesKustomizeTest loads it with the service's loader).
     */
    static Stream<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
                    .filter(p -> !p.startsWith(K8S.resolve("namespace")) && !p.equals(BASE.resolve("pools.yaml")))
                    .sorted().toList().stream();
        }
    }

    static List<HasMetadata> load(Path file) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            KubernetesResource resource = Serialization.unmarshal(doc, KubernetesResource.class);
            assertThat(resource).as("%s", file).isInstanceOf(HasMetadata.class);
            objects.add((HasMetadata) resource);
        }
        return objects;
    }

    static <T extends HasMetadata> T only(Path file, Class<T> type) throws IOException {
        List<HasMetadata> objects = load(file);
        assertThat(objects).hasSize(1);
        assertThat(objects.get(0)).isInstanceOf(type);
        return type.cast(objects.get(0));
    }

    static JsonNode yaml(Path file) throws IOException {
        return new YAMLMapper().readTree(file.toFile());
    }

    @ParameterizedTest(name = "{0} parses into typed Kubernetes objects")
    @MethodSource("manifestFiles")
    void everyManifestIsATypedKubernetesObject(Path file) throws IOException {
        List<HasMetadata> objects = load(file);
        assertThat(objects).isNotEmpty();
        for (HasMetadata o : objects) {
            assertThat(o.getMetadata().getName()).as("%s name", file).isNotBlank();
            assertThat(o.getApiVersion()).isNotBlank();
            if (GENERIC_KINDS.contains(o.getKind())) {
                assertThat(o).isInstanceOf(GenericKubernetesResource.class);
            } else {
                assertThat(o).as("%s %s is a model class", file, o.getKind())
                        .isNotInstanceOf(GenericKubernetesResource.class);
            }
        }
    }

    @Test
    void deploymentRunsNonRootWithAReadOnlyRootAndWritableDataAndTmpOnly() throws IOException {
        Deployment d = only(BASE.resolve("deployment.yaml"), Deployment.class);
        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getServiceAccountName()).isEqualTo("llm-canary");
        Container c = pod.getContainers().get(0);
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKey("memory");
        assertThat(c.getVolumeMounts().stream().filter(m -> !Boolean.TRUE.equals(m.getReadOnly()))
                .map(VolumeMount::getMountPath)).containsExactlyInAnyOrder("/deployments/data", "/tmp");
    }

    @Test
    void thePodsGracePeriodCoversTheServicesShutdownGracePlusTheFlush() throws IOException {
        Deployment d = only(BASE.resolve("deployment.yaml"), Deployment.class);
        Long pod = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        String grace = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("LLM_CANARY_SHUTDOWN_GRACE")).findFirst().orElseThrow().getValue();

        assertThat(pod).as("terminationGracePeriodSeconds").isNotNull();
        // 10 s for cutting what is left (recorded cancelled), flushing buffered results and the JVM's exit.
        assertThat(java.time.Duration.ofSeconds(pod))
                .isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(Long.parseLong(grace.replace("s", ""))).plusSeconds(10));
    }

    @Test
    void probesUseTheQuarkusHealthRoutes() throws IOException {
        Container c = only(BASE.resolve("deployment.yaml"), Deployment.class)
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(c.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(8080);
        });
    }

    @Test
    void canariesAreMountedWhereTheServiceReloadsThemAndSecretsAreReferences() throws IOException {
        Deployment d = only(BASE.resolve("deployment.yaml"), Deployment.class);
        var pod = d.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        Map<String, EnvVar> env = new java.util.HashMap<>();
        c.getEnv().forEach(e -> env.put(e.getName(), e));
        String configDir = env.get("LLM_CANARY_CONFIG_DIR").getValue();
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo(configDir);
            assertThat(m.getSubPath()).as("subPath mounts never see ConfigMap updates").isNull();
            assertThat(pod.getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo(m.getName());
                assertThat(v.getConfigMap().getName()).isEqualTo("llm-canary-canaries");
            });
        });
        assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/deployments/scenarios"));
        assertThat(env.get("LLM_CANARY_SIMULATOR_ENABLED").getValue()).isEqualTo("false");
        for (String token : List.of("LLM_CANARY_API_TOKEN", "LLM_CANARY_ADMIN_TOKEN")) {
            assertThat(env.get(token).getValue()).as(token).isNull();
            assertThat(env.get(token).getValueFrom().getSecretKeyRef().getName()).isEqualTo("llm-canary-tokens");
        }
        assertThat(c.getEnvFrom()).anySatisfy(e -> assertThat(e.getSecretRef().getName()).isEqualTo("llm-canary-pool-keys"));
    }

    @Test
    void poolsComeFromTheirOwnConfigMapMountedWhereThePoolsFileSettingPoints() throws IOException {
        Container c = only(BASE.resolve("deployment.yaml"), Deployment.class)
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        String poolsFile = c.getEnv().stream().filter(e -> e.getName().equals("LLM_CANARY_CONFIG_POOLS_FILE"))
                .findFirst().orElseThrow().getValue();
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
            assertThat(poolsFile).isEqualTo(m.getMountPath() + "/pools.yaml");
            assertThat(m.getName()).isEqualTo("pools");
            assertThat(m.getSubPath()).isNull();
        });
        JsonNode generator = yaml(BASE.resolve("kustomization.yaml")).get("configMapGenerator").get(0);
        assertThat(generator.get("name").asText()).isEqualTo("llm-canary-pools");
        assertThat(generator.get("files").get(0).asText()).isEqualTo("pools.yaml");
    }

    @Test
    void roleGrantsOnlyEndpointSliceReadsAndLoadProbeJobsWithTheirPlanConfigMaps() throws IOException {
        List<HasMetadata> rbac = load(BASE.resolve("rbac.yaml"));
        Role role = (Role) rbac.stream().filter(Role.class::isInstance).findFirst().orElseThrow();
        assertThat(role.getRules()).hasSize(5);
        PolicyRule slices = role.getRules().get(0);
        assertThat(slices.getApiGroups()).containsExactly("discovery.k8s.io");
        assertThat(slices.getResources()).containsExactly("endpointslices");
        assertThat(slices.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
        PolicyRule jobs = role.getRules().get(1);
        assertThat(jobs.getApiGroups()).containsExactly("batch");
        assertThat(jobs.getResources()).containsExactly("jobs");
        assertThat(jobs.getVerbs()).containsExactlyInAnyOrder("create", "get", "list", "watch", "delete");
        // the plan ConfigMap each load-probe Job mounts (KubernetesProbeJobs), the shard pods and their logs (each
        // shard's summary is its last log line); no secrets, no exec
        PolicyRule configMaps = role.getRules().get(2);
        assertThat(configMaps.getApiGroups()).containsExactly("");
        assertThat(configMaps.getResources()).containsExactly("configmaps");
        assertThat(configMaps.getVerbs()).containsExactlyInAnyOrder("create", "get", "list", "watch", "delete");
        assertThat(role.getRules().get(3).getResources()).containsExactly("pods");
        assertThat(role.getRules().get(3).getVerbs()).containsExactlyInAnyOrder("get", "list");
        assertThat(role.getRules().get(4).getResources()).containsExactly("pods/log");
        assertThat(role.getRules().get(4).getVerbs()).containsExactly("get");
        RoleBinding binding = (RoleBinding) rbac.stream().filter(RoleBinding.class::isInstance).findFirst().orElseThrow();
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(only(BASE.resolve("serviceaccount.yaml"), ServiceAccount.class)
                    .getMetadata().getName());
        });
    }

    @Test
    void theBaseScrapesNothingItselfAndEachScrapeComponentOneWay() throws IOException {
        Service svc = only(BASE.resolve("service.yaml"), Service.class);
        assertThat(svc.getMetadata().getAnnotations()).as("a Service annotation would scrape a second time")
                .isNullOrEmpty();
        assertThat(svc.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getName()).isEqualTo("http"));
        assertThat(only(BASE.resolve("deployment.yaml"), Deployment.class).getSpec().getTemplate().getMetadata()
                .getAnnotations()).isNullOrEmpty();
        assertThat(only(COMPONENTS.resolve("scrape-annotations/annotations.yaml"), Deployment.class).getSpec()
                .getTemplate().getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/path", "/metrics").containsEntry("prometheus.io/port", "8080");
        GenericKubernetesResource sm = only(COMPONENTS.resolve("servicemonitor/servicemonitor.yaml"),
                GenericKubernetesResource.class);
        assertThat(sm.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
        assertThat(endpoints.get(0)).containsEntry("port", "http").containsEntry("path", "/metrics");
        @SuppressWarnings("unchecked")
        Map<String, Object> selector = (Map<String, Object>) spec.get("selector");
        assertThat(selector.get("matchLabels")).isEqualTo(svc.getMetadata().getLabels());
    }

    @Test
    void networkPolicyAllowsDnsPoolsCollectorAndHaAddsPostgres() throws IOException {
        NetworkPolicy np = only(BASE.resolve("networkpolicy.yaml"), NetworkPolicy.class);
        assertThat(np.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        List<Integer> egressPorts = np.getSpec().getEgress().stream().flatMap(r -> r.getPorts().stream())
                .map(p -> p.getPort().getIntVal()).toList();
        assertThat(egressPorts).contains(53, 8000, 4317, 443).doesNotContain(5432);
        NetworkPolicy pg = only(K8S.resolve("overlays/ha/networkpolicy-postgres.yaml"), NetworkPolicy.class);
        assertThat(pg.getSpec().getEgress().get(0).getPorts().get(0).getPort().getIntVal()).isEqualTo(5432);
    }

    @Test
    void pdbOfTheBaseAllowsADrainAndHaKeepsOneUp() throws IOException {
        PodDisruptionBudget pdb = only(BASE.resolve("pdb.yaml"), PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        JsonNode patch = yaml(K8S.resolve("overlays/ha/kustomization.yaml")).get("patches").get(1);
        assertThat(patch.get("target").get("kind").asText()).isEqualTo("PodDisruptionBudget");
        assertThat(patch.get("patch").asText()).contains("/spec/minAvailable");
    }

    @Test
    void haRunsTwoReplicasOnPostgresFromASecret() throws IOException {
        Deployment d = only(K8S.resolve("overlays/ha/deployment-postgres.yaml"), Deployment.class);
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        List<EnvVar> env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        assertThat(env).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("QUARKUS_DATASOURCE_PG_JDBC_URL");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("llm-canary-postgres");
        });
        assertThat(env).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("QUARKUS_DATASOURCE_H2_ACTIVE");
            assertThat(e.getValue()).isEqualTo("false");
        });
    }

    @Test
    void singleKeepsH2OnAClaimItDefines() throws IOException {
        Deployment d = only(K8S.resolve("overlays/single/deployment-h2-pvc.yaml"), Deployment.class);
        assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        String claim = d.getSpec().getTemplate().getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName();
        assertThat(only(K8S.resolve("overlays/single/pvc.yaml"), PersistentVolumeClaim.class).getMetadata().getName())
                .isEqualTo(claim);
    }

    @Test
    void templatesAreTheSecretsTheDeploymentNamesAndNoSecondLoadProbeJob() throws IOException {
        assertThat(load(K8S.resolve("templates/secrets.example.yaml"))).allSatisfy(s -> assertThat(s).isInstanceOf(Secret.class))
                .extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("llm-canary-tokens", "llm-canary-pool-keys", "llm-canary-postgres");
        // deploy/loadprobe/job.yaml is the one load-probe Job template (LoadProbeJobTemplateTest)
        for (Path f : manifestFiles().toList()) {
            assertThat(load(f)).as("%s", f).noneMatch(Job.class::isInstance);
        }
    }

    @Test
    void scenariosAreMountedWhereTheServiceReadsThemAndTheRunnerDirIsTheImages() throws IOException {
        Container c = only(BASE.resolve("deployment.yaml"), Deployment.class)
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = new java.util.HashMap<>();
        c.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        // llm-canary.load-probes.dir (LoadProbeSettings#dir)
        assertThat(c.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo(env.get("LLM_CANARY_LOAD_PROBES_DIR"));
            assertThat(m.getName()).isEqualTo("scenarios");
            assertThat(m.getSubPath()).isNull();
        });
        assertThat(yaml(Path.of("scenarios/Kustomization")).get("configMapGenerator").get(0).get("name").asText())
                .isEqualTo("llm-canary-scenarios");
        assertThat(env.get("LLM_CANARY_LOAD_PROBES_RUNNER_DIR")).isEqualTo("/deployments/gatling");
        assertThat(Files.readString(Path.of("src/main/docker/Dockerfile.jvm")))
                .contains("ENV LLM_CANARY_LOAD_PROBES_RUNNER_DIR=/deployments/gatling")
                .contains("COPY --chown=185 gatling/target/lib/ /deployments/gatling/lib/");
    }

    static Stream<Path> kustomizations() throws IOException {
        List<Path> dirs = new ArrayList<>(List.of(BASE, K8S.resolve("overlays/single"), K8S.resolve("overlays/ha"),
                K8S.resolve("namespace"), Path.of("canaries"), Path.of("scenarios")));
        try (Stream<Path> components = Files.list(COMPONENTS)) {
            components.sorted().forEach(dirs::add);
        }
        return dirs.stream();
    }

    static Path kustomizationFile(Path dir) {
        return Files.exists(dir.resolve("kustomization.yaml")) ? dir.resolve("kustomization.yaml")
                : dir.resolve("Kustomization");
    }

    @ParameterizedTest(name = "{0}: every resource, component, transformer, patch and generated file it lists exists")
    @MethodSource("kustomizations")
    void kustomizationReferencesExist(Path dir) throws IOException {
        JsonNode k = yaml(kustomizationFile(dir));
        List<String> refs = new ArrayList<>();
        for (String field : List.of("resources", "components", "transformers")) {
            k.path(field).forEach(r -> refs.add(r.asText()));
        }
        k.path("patches").forEach(p -> {
            if (p.has("path")) {
                refs.add(p.get("path").asText());
            }
        });
        k.path("configMapGenerator").forEach(g -> g.path("files").forEach(f -> refs.add(f.asText())));
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            Path target = dir.resolve(ref).normalize();
            assertThat(Files.exists(target)).as("%s lists %s", dir, ref).isTrue();
            if (Files.isDirectory(target)) {
                assertThat(Files.exists(target.resolve("kustomization.yaml")) || Files.exists(target.resolve("Kustomization")))
                        .as("%s is a kustomization", target).isTrue();
            }
        }
        if (dir.startsWith(COMPONENTS)) {
            assertThat(k.get("kind").asText()).isEqualTo("Component");
        }
        if (dir.startsWith(K8S.resolve("overlays"))) {
            assertThat(refs).contains("../../base", "../../namespace");
            // kustomize's namespace: field would also move the discovery Roles out of the pools' namespaces
            assertThat(k.has("namespace")).as("the namespace is the one setting in deploy/kubernetes/namespace").isFalse();
        }
    }
}
