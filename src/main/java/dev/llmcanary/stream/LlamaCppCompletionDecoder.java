package dev.llmcanary.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.List;

/**
 * Decodes llama.cpp {@code /completion} events: {@code content} per event, {@code tokens_predicted} as order, and a
 * final {@code stop: true} event whose {@code stop_type} (or the older {@code stopped_*} flags) gives the finish
 * reason, whose {@code tokens_predicted}/{@code tokens_evaluated} give usage and whose {@code model} names the model.
 */
final class LlamaCppCompletionDecoder implements FlavorDecoder {
    @Override
    public List<StreamDelta> decode(String data) throws MalformedEventException {
        try (JsonParser parser = Json.openObject(data)) {
            String content = null;
            boolean stop = false;
            String stopType = null;
            String legacyStop = null;
            Integer predicted = null;
            Integer evaluated = null;
            String error = null;
            String model = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                switch (name) {
                    case "content" -> content = Json.text(parser);
                    case "stop" -> stop = parser.currentToken() == JsonToken.VALUE_TRUE;
                    case "stop_type" -> stopType = Json.text(parser);
                    case "stopped_eos" -> legacyStop = flag(parser, "eos", legacyStop);
                    case "stopped_word" -> legacyStop = flag(parser, "word", legacyStop);
                    case "stopped_limit" -> legacyStop = flag(parser, "limit", legacyStop);
                    case "tokens_predicted" -> predicted = Json.integer(parser);
                    case "tokens_evaluated" -> evaluated = Json.integer(parser);
                    case "model" -> model = Json.text(parser); // sent on the final event
                    case "error" -> error = parser.currentToken() == JsonToken.VALUE_NULL ? null : Json.error(parser);
                    default -> parser.skipChildren();
                }
            }
            Json.expectEnd(parser);
            if (error != null) {
                return List.of(StreamDelta.error(error));
            }
            Long sequence = predicted == null ? null : predicted.longValue();
            if (!stop) {
                return List.of(new StreamDelta(content, null, false, 0, sequence, null, null, null, null, null, false,
                        false, model));
            }
            String finish = stopType != null && !"none".equals(stopType) ? stopType
                    : legacyStop != null ? legacyStop : "stop";
            Usage usage = predicted == null && evaluated == null ? null : new Usage(evaluated, predicted);
            return List.of(new StreamDelta(content, null, false, 0, sequence, null, null, finish, usage, null, false,
                    true, model));
        } catch (IOException e) {
            throw new MalformedEventException("event data is not valid JSON");
        }
    }

    private static String flag(JsonParser parser, String name, String current) {
        return parser.currentToken() == JsonToken.VALUE_TRUE ? name : current;
    }
}
