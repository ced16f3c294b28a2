package dev.llmcanary.canary.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.Api;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.testing.Canaries;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The request each flavor is sent: the fields real servers expect, usage asked for where the API has it. */
class RequestBodiesTest {

    private static JsonNode body(Flavor flavor) throws Exception {
        var c = Canaries.canary("b").prompt("Say hi.").maxTokens(12).build(flavor.chat() ? Api.CHAT : Api.COMPLETION);
        return new ObjectMapper().readTree(RequestBodies.build(c, flavor, "m").toString());
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
