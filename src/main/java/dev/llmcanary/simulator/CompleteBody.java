package dev.llmcanary.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The body of a non-streamed answer ({@code "stream": false}) on each route, whole in one JSON document. */
final class CompleteBody {

    private CompleteBody() {
    }

    static String json(Route route, String model, Reply reply, int promptTokens, String idSuffix, long created,
                       DialectStyle style) {
        String text = String.join("", reply.tokens());
        int completion = reply.tokens().size();
        String finish = reply.length() ? "length" : "stop";
        JsonObject usage = new JsonObject().put("prompt_tokens", promptTokens).put("completion_tokens", completion)
                .put("total_tokens", promptTokens + completion);
        return switch (route) {
            case LLAMACPP -> new JsonObject().put("content", text).put("stop", true).put("model", model)
                    .put("stop_type", reply.length() ? "limit" : reply.stopMatch() != null ? "word" : "eos")
                    .put("tokens_predicted", completion).put("tokens_evaluated", promptTokens).encode();
            case COMPLETIONS -> new JsonObject().put("id", style.emptyId() ? "" : "cmpl-" + idSuffix)
                    .put("object", "text_completion").put("created", created).put("model", model)
                    .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("text", text)
                            .putNull("logprobs").put("finish_reason", finish)))
                    .put("usage", usage).encode();
            default -> new JsonObject().put("id", style.emptyId() ? "" : "chatcmpl-" + idSuffix)
                    .put("object", "chat.completion").put("created", created).put("model", model)
                    .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                            .put("message", new JsonObject().put("role", "assistant").put("content", text))
                            .putNull("logprobs").put("finish_reason", finish)))
                    .put("usage", usage).encode();
        };
    }
}
