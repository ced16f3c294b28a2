package dev.llmcanary.canary.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.Api;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.testing.Canaries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The request each flavor is sent: the fields real servers expect, usage asked for where the API has it. */
class RequestBodiesTest {

    private static JsonNode body(Flavor flavor) throws Exception {
        return body(flavor, null);
    }

    private static JsonNode body(Flavor flavor, Double topP) throws Exception {
        var c = Canaries.canary("b").prompt("Say hi.").maxTokens(12).topP(topP)
                .build(flavor.chat() ? Api.CHAT : Api.COMPLETION);
        return new ObjectMapper().readTree(RequestBodies.build(c, flavor, "m").toString());
    }

    static Stream<Arguments> topP() {
        return Stream.of(
                arguments("openai-chat: top level", Flavor.OPENAI_CHAT, "/top_p"),
                arguments("openai-completions: top level", Flavor.OPENAI_COMPLETIONS, "/top_p"),
                arguments("tgi-generate: in parameters", Flavor.TGI_GENERATE, "/parameters/top_p"),
                arguments("triton-generate: top level", Flavor.TRITON_GENERATE, "/top_p"),
                arguments("llamacpp-completion: top level", Flavor.LLAMACPP_COMPLETION, "/top_p"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topP")
    void topPIsSentWhereTheFlavorTakesItAndOnlyWhenConfigured(String name, Flavor flavor, String pointer)
            throws Exception {
        assertThat(body(flavor, 0.9).at(pointer).asDouble()).isEqualTo(0.9);
        assertThat(body(flavor).at(pointer).isMissingNode()).as("not configured: server's default").isTrue();
    }

    @Test
    void tgiIsNotSentTopPOfOneWhichItRejects() throws Exception {
        assertThat(body(Flavor.TGI_GENERATE, 1.0).at("/parameters/top_p").isMissingNode()).isTrue();
    }

    @Test
    void openAiChatStreamsAndAsksForUsage() throws Exception {
        JsonNode b = body(Flavor.OPENAI_CHAT);
        assertThat(b.path("model").asText()).isEqualTo("m");
        assertThat(b.path("messages").get(0).path("content").asText()).isEqualTo("Say hi.");
        assertThat(b.path("stream").asBoolean()).isTrue();
        assertThat(b.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(b.path("max_tokens").asInt()).isEqualTo(12);
        assertThat(b.path("seed").asLong()).isEqualTo(7);
    }

    @Test
    void tgiGenerateUsesGreedyDecodingForTemperatureZero() throws Exception {
        JsonNode b = body(Flavor.TGI_GENERATE);
        assertThat(b.path("inputs").asText()).isEqualTo("Say hi.");
        assertThat(b.path("parameters").path("max_new_tokens").asInt()).isEqualTo(12);
        assertThat(b.path("parameters").path("do_sample").asBoolean()).isFalse();
        assertThat(b.path("parameters").has("temperature")).isFalse(); // TGI rejects temperature 0
        assertThat(b.path("parameters").path("details").asBoolean()).isTrue();
    }

    @Test
    void tritonAndLlamaCppNameTheirFieldsTheirOwnWay() throws Exception {
        JsonNode t = body(Flavor.TRITON_GENERATE);
        assertThat(t.path("text_input").asText()).isEqualTo("Say hi.");
        assertThat(t.path("random_seed").asLong()).isEqualTo(7);
        JsonNode l = body(Flavor.LLAMACPP_COMPLETION);
        assertThat(l.path("n_predict").asInt()).isEqualTo(12);
        assertThat(l.path("seed").asLong()).isEqualTo(7);
        assertThat(l.path("stream").asBoolean()).isTrue();
    }
}
