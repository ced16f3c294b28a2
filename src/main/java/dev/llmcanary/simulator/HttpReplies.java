package dev.llmcanary.simulator;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Whole (not streamed) JSON answers: the OpenAI error shape every route answers in, and plain JSON bodies. */
final class HttpReplies {

    private HttpReplies() {
    }

    static void error(HttpServerResponse response, int status, String message, String type, String code) {
        JsonObject error = new JsonObject().put("message", message).put("type", type).putNull("param")
                .put("code", code);
        json(response, status, new JsonObject().put("error", error).encode());
    }

    static void json(HttpServerResponse response, int status, String body) {
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
