package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmcanary.canary.run.UntrustedText;
import dev.llmcanary.stream.ServerMessage;

/**
 * Turns the runner's {@code firstRejection.body} (the start of what the server answered to a rejected probe request,
 * untrusted) into {@code firstRejection.message}: the server's own words, extracted from the common error shapes and
 * cleaned like every text from a target. The raw body is dropped before the summary is stored or served.
 */
public final class RejectionText {

    private RejectionText() {
    }

    public static void clean(JsonNode summary, UntrustedText text) {
        if (!(summary.path("firstRejection") instanceof ObjectNode first)) {
            return;
        }
        JsonNode body = first.remove("body");
        if (body != null && body.isTextual()) {
            String message = ServerMessage.of(body.asText());
            if (message != null && !message.isBlank()) {
                first.put("message", text.clean(message));
            }
        }
        JsonNode error = first.get("error");
        if (error != null && error.isTextual()) {
            first.put("error", text.clean(error.asText()));
        }
    }
}
