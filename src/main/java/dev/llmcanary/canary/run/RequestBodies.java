package dev.llmcanary.canary.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Message;
import dev.llmcanary.stream.Flavor;
import io.vertx.core.buffer.Buffer;

import java.util.List;

/** Builds the streaming request body a canary sends, in the dialect of the pool's flavor. */
final class RequestBodies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestBodies() {
    }

    static Buffer build(CanaryDefinition c, Flavor flavor, String model) {
        ObjectNode body = JSON.createObjectNode();
        switch (flavor) {
            case OPENAI_CHAT, OPENAI_COMPLETIONS -> openAi(body, c, flavor, model);
            case TGI_GENERATE -> tgi(body, c);
            case TRITON_GENERATE -> triton(body, c);
            case LLAMACPP_COMPLETION -> llamaCpp(body, c);
        }
        return Buffer.buffer(body.toString());
    }

    /** The prompt length in characters, for the context bucket when the server reports no usage. */
    static int promptChars(CanaryDefinition c) {
        if (c.prompt() != null) {
            return c.prompt().length();
        }
        return c.messages().stream().mapToInt(m -> m.content().length()).sum();
    }

    private static void openAi(ObjectNode body, CanaryDefinition c, Flavor flavor, String model) {
        body.put("model", model);
        if (flavor == Flavor.OPENAI_CHAT) {
            ArrayNode messages = body.putArray("messages");
            for (Message m : c.messages()) {
                messages.addObject().put("role", m.role()).put("content", m.content());
            }
        } else {
            body.put("prompt", c.prompt());
        }
        body.put("stream", true);
        // Without this, OpenAI-compatible servers report no usage in streams and token counts become estimates.
        body.putObject("stream_options").put("include_usage", true);
        body.put("max_tokens", c.maxTokens());
        sampling(body, c, "seed");
        stop(body, "stop", c.stop());
        if (c.ignoreEos() != null) {
            body.put("ignore_eos", c.ignoreEos()); // vLLM / SGLang extension; others ignore unknown fields
        }
    }

    private static void tgi(ObjectNode body, CanaryDefinition c) {
        body.put("inputs", c.prompt());
        ObjectNode p = body.putObject("parameters");
        p.put("max_new_tokens", c.maxTokens());
        p.put("details", true);
        if (c.temperature() != null && c.temperature() > 0) {
            p.put("temperature", c.temperature()); // TGI rejects temperature 0: greedy is do_sample=false
            p.put("do_sample", true);
        } else {
            p.put("do_sample", false);
        }
        if (c.topP() != null && c.topP() < 1) {
            p.put("top_p", c.topP()); // TGI rejects top_p 1.0 (it must be below 1): 1 means no nucleus cut anyway
        }
        if (c.seed() != null) {
            p.put("seed", c.seed());
        }
        stop(p, "stop", c.stop());
        body.put("stream", true);
    }

    private static void triton(ObjectNode body, CanaryDefinition c) {
        body.put("text_input", c.prompt());
        body.put("max_tokens", c.maxTokens());
        body.put("stream", true);
        sampling(body, c, "random_seed");
        if (c.stop() != null && !c.stop().isEmpty()) {
            body.put("stop_words", String.join(",", c.stop()));
        }
    }

    private static void llamaCpp(ObjectNode body, CanaryDefinition c) {
        body.put("prompt", c.prompt());
        body.put("n_predict", c.maxTokens());
        body.put("stream", true);
        sampling(body, c, "seed");
        stop(body, "stop", c.stop());
        if (c.ignoreEos() != null) {
            body.put("ignore_eos", c.ignoreEos());
        }
    }

    /** Temperature, top_p and seed where the flavor takes them at the top level; servers name the seed differently. */
    private static void sampling(ObjectNode body, CanaryDefinition c, String seedField) {
        if (c.temperature() != null) {
            body.put("temperature", c.temperature());
        }
        if (c.topP() != null) {
            body.put("top_p", c.topP());
        }
        if (c.seed() != null) {
            body.put(seedField, c.seed());
        }
    }

    private static void stop(ObjectNode node, String field, List<String> stop) {
        if (stop != null && !stop.isEmpty()) {
            ArrayNode a = node.putArray(field);
            stop.forEach(a::add);
        }
    }
}
