package dev.llmcanary.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The manifests in {@code deploy/cd/} parse as Kubernetes objects and use the fields the tools and llm-canary read. */
class CdManifestsTest {

    private static final Path DIR = Path.of("deploy/cd");

    static Stream<Arguments> manifests() {
        return Stream.of(arguments("flagger-canary.yaml", "flagger.app/v1beta1", "Canary"),
                arguments("argo-analysis-template.yaml", "argoproj.io/v1alpha1", "AnalysisTemplate"),
                arguments("argo-analysis-template-passive.yaml", "argoproj.io/v1alpha1", "AnalysisTemplate"),
                arguments("argo-rollout.yaml", "argoproj.io/v1alpha1", "Rollout"));
    }

    static GenericKubernetesResource load(String file) throws IOException {
        try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
            return Serialization.unmarshal(in, GenericKubernetesResource.class);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object node, Object... path) {
        Object n = node;
        for (Object p : path) {
            n = p instanceof Integer i ? ((List<Object>) n).get(i) : ((Map<String, Object>) n).get((String) p);
            assertThat(n).as("path element " + p).isNotNull();
        }
        return (T) n;
    }

    @ParameterizedTest(name = "{0} is a {2}")
    @MethodSource("manifests")
    void parsesAsAKubernetesObject(String file, String apiVersion, String kind) throws IOException {
        GenericKubernetesResource r = load(file);
        assertThat(r.getApiVersion()).isEqualTo(apiVersion);
        assertThat(r.getKind()).isEqualTo(kind);
        assertThat(r.getMetadata().getName()).isNotBlank();
        assertThat(r.getAdditionalProperties()).containsKey("spec");
    }

    @Test
    void flaggerWebhooksCallTheGateEndpointWithSuiteAndPool() throws IOException {
        Object spec = load("flagger-canary.yaml").getAdditionalProperties().get("spec");
        List<Map<String, Object>> hooks = at(spec, "analysis", "webhooks");
        assertThat(hooks).extracting(h -> h.get("type")).containsExactly("pre-rollout", "rollout");
        for (Map<String, Object> h : hooks) {
            assertThat((String) h.get("url")).endsWith("/api/gates/flagger");
            assertThat((Map<String, Object>) at(h, "metadata")).containsKeys("mode", "suite", "pool", "token");
        }
        assertThat((String) at(hooks.get(0), "metadata", "suite")).isEqualTo("flagger-pre-rollout");
        // Flagger's payload does not name the hook type, so each hook says what to do
        assertThat((String) at(hooks.get(0), "metadata", "mode")).isEqualTo("active");
        assertThat((String) at(hooks.get(1), "metadata", "mode")).isEqualTo("passive");
        // the webhook must not time out before llm-canary answers (flagger-wait, 25 s by default)
        assertThat((String) hooks.get(0).get("timeout")).isEqualTo("30s");
    }

    @Test
    void argoActiveTemplateReadsPassedFromAGatePost() throws IOException {
        Object spec = load("argo-analysis-template.yaml").getAdditionalProperties().get("spec");
        Map<String, Object> metric = at(spec, "metrics", 0);
        assertThat(metric.get("successCondition")).isEqualTo("result == true");
        Map<String, Object> web = at(metric, "provider", "web");
        assertThat(web.get("method")).isEqualTo("POST");
        assertThat((String) web.get("url")).contains("/api/gates?wait=").contains("failStatus=200");
        assertThat(web.get("jsonPath")).isEqualTo("{$.passed}");
        assertThat((Map<String, Object>) at(web, "jsonBody")).containsKeys("suite", "candidate", "baseline",
                "idempotencyKey");
        assertThat((String) at(web, "headers", 0, "value")).startsWith("Bearer ");
    }

    @Test
    void argoPassiveTemplateReadsTheScore() throws IOException {
        Object spec = load("argo-analysis-template-passive.yaml").getAdditionalProperties().get("spec");
        Map<String, Object> web = at(spec, "metrics", 0, "provider", "web");
        assertThat((String) web.get("url")).contains("/api/gates/evaluate?suite=default");
        assertThat(web.get("jsonPath")).isEqualTo("{$.score}");
    }

    @Test
    void rolloutUsesBothTemplates() throws IOException {
        Object spec = load("argo-rollout.yaml").getAdditionalProperties().get("spec");
        assertThat((String) at(spec, "strategy", "canary", "analysis", "templates", 0, "templateName"))
                .isEqualTo("llm-canary-passive");
        assertThat((String) at(spec, "strategy", "canary", "steps", 1, "analysis", "templates", 0, "templateName"))
                .isEqualTo("llm-canary-gate");
        assertThat((String) at(spec, "strategy", "canary", "steps", 1, "analysis", "args", 2, "valueFrom",
                "podTemplateHashValue")).isEqualTo("Latest");
    }

    @Test
    void ciJobRunsTheGateScript() throws IOException {
        JsonNode wf = new YAMLMapper().readTree(DIR.resolve("github-actions-gate.yaml").toFile());
        JsonNode steps = wf.get("jobs").get("gate").get("steps");
        JsonNode gate = null;
        for (JsonNode s : steps) {
            if (s.has("run") && s.get("run").asText().contains("deploy/cd/llm-canary-gate.sh")) {
                gate = s;
            }
        }
        assertThat(gate).isNotNull();
        assertThat(gate.get("env").has("LLM_CANARY_TOKEN")).isTrue();
        assertThat(gate.get("run").asText()).contains("--pool").contains("--suite default");
        assertThat(wf.get("jobs").get("gate").get("runs-on").asText()).isEqualTo("ubuntu-latest");
    }
}
