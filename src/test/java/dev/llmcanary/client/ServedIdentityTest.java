package dev.llmcanary.client;

import dev.llmcanary.consistency.IdentitySource;
import dev.llmcanary.stream.Flavor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * What each flavor's identity answers are read as, from bodies shaped like the real servers' (TGI 3 {@code /info},
 * llama.cpp {@code /props} of recent and older builds, Triton model metadata, vLLM's model card): the identity fields
 * only, readable, and nothing from a body that is not the expected JSON.
 */
class ServedIdentityTest {

    static Stream<Arguments> natives() {
        return Stream.of(
                arguments("TGI /info", Flavor.TGI_GENERATE, "{\"model_id\":\"meta-llama/Meta-Llama-3-8B-Instruct\","
                        + "\"model_sha\":\"e1945c40cd546c78e41f1151f4db032b271faeaa\",\"model_dtype\":\"torch.float16\","
                        + "\"model_device_type\":\"cuda\",\"max_concurrent_requests\":128,\"version\":\"3.0.1\","
                        + "\"sha\":\"bb9095a\",\"docker_label\":\"sha-bb9095a\"}",
                        Map.of(IdentitySource.MODEL_ID, "meta-llama/Meta-Llama-3-8B-Instruct",
                                IdentitySource.MODEL_SHA, "e1945c40cd546c78e41f1151f4db032b271faeaa",
                                IdentitySource.VERSION, "3.0.1")),
                arguments("TGI /info of a local model without a sha", Flavor.TGI_GENERATE,
                        "{\"model_id\":\"/data/llama\",\"model_sha\":null,\"version\":\"2.4.0\"}",
                        Map.of(IdentitySource.MODEL_ID, "/data/llama", IdentitySource.VERSION, "2.4.0")),
                arguments("llama.cpp /props, recent build", Flavor.LLAMACPP_COMPLETION,
                        "{\"default_generation_settings\":{\"n_ctx\":4096},\"total_slots\":1,"
                                + "\"model_path\":\"/models/llama-3-8b.Q4_K_M.gguf\",\"build_info\":\"b4500-adc5dd92\"}",
                        Map.of(IdentitySource.MODEL_PATH, "/models/llama-3-8b.Q4_K_M.gguf",
                                IdentitySource.VERSION, "b4500-adc5dd92")),
                arguments("llama.cpp /props, older build", Flavor.LLAMACPP_COMPLETION,
                        "{\"default_generation_settings\":{\"model\":\"models/7B/ggml-model-q4_0.gguf\"},"
                                + "\"total_slots\":1}",
                        Map.of(IdentitySource.MODEL_PATH, "models/7B/ggml-model-q4_0.gguf")),
                arguments("Triton model metadata", Flavor.TRITON_GENERATE,
                        "{\"name\":\"ensemble\",\"versions\":[\"1\",\"2\"],\"platform\":\"ensemble\","
                                + "\"inputs\":[],\"outputs\":[]}",
                        Map.of(IdentitySource.MODEL_VERSION, "1+2", IdentitySource.PLATFORM, "ensemble")),
                arguments("a path with spaces is kept as its hash", Flavor.LLAMACPP_COMPLETION,
                        "{\"model_path\":\"/models/my model.gguf\"}",
                        Map.of(IdentitySource.MODEL_PATH, "sha256:"
                                + dev.llmcanary.consistency.IdentityTracker.readable("/models/my model.gguf")
                                .substring(7))),
                arguments("numbers where text belongs are no identity", Flavor.TGI_GENERATE,
                        "{\"model_id\":42,\"model_sha\":[\"a\"]}", Map.of()),
                arguments("not JSON", Flavor.TGI_GENERATE, "<html>404</html>", Map.of()),
                arguments("a JSON array", Flavor.TRITON_GENERATE, "[1,2]", Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("natives")
    void readsTheIdentityFieldsOnly(String name, Flavor flavor, String body, Map<IdentitySource, String> expected) {
        assertThat(ServedIdentity.fromNative(flavor, Buffer.buffer(body))).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modelCards")
    void readsRootAndOwnerButNotCreatedFromAModelCard(String name, String card, Map<IdentitySource, String> expected) {
        assertThat(ServedIdentity.fromModelEntry(new JsonObject(card))).containsExactlyInAnyOrderEntriesOf(expected);
    }

    static Stream<Arguments> modelCards() {
        return Stream.of(
                arguments("vLLM", "{\"id\":\"llama-3-8b\",\"object\":\"model\",\"created\":1733390000,"
                        + "\"owned_by\":\"vllm\",\"root\":\"/models/Meta-Llama-3-8B-Instruct\",\"parent\":null,"
                        + "\"max_model_len\":8192}", Map.of(IdentitySource.MODEL_ROOT,
                        "/models/Meta-Llama-3-8B-Instruct", IdentitySource.OWNED_BY, "vllm")),
                arguments("OpenAI", "{\"id\":\"gpt-4o\",\"object\":\"model\",\"created\":1715367049,"
                        + "\"owned_by\":\"system\"}", Map.of(IdentitySource.OWNED_BY, "system")),
                arguments("a gateway naming neither", "{\"id\":\"m\"}", Map.of()));
    }
}
