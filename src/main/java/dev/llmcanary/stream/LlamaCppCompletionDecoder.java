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
        Event e = new Event();
        Json.readObject(data, e);
        if (e.error != null) {
            return List.of(StreamDelta.error(e.error));
        }
        Long sequence = e.predicted == null ? null : e.predicted.longValue();
        if (!e.stop) {
            return List.of(new StreamDelta(e.content, null, false, 0, sequence, null, null, null, null, null, false,
                    false, e.model));
        }
        String finish = e.stopType != null && !"none".equals(e.stopType) ? e.stopType
                : e.legacyStop != null ? e.legacyStop : "stop";
        Usage usage = e.predicted == null && e.evaluated == null ? null : new Usage(e.evaluated, e.predicted);
        return List.of(new StreamDelta(e.content, null, false, 0, sequence, null, null, finish, usage, null, false,
                true, e.model));
    }

    /** The fields of one event. */
    private static final class Event implements Json.FieldReader {
        String content;
        boolean stop;
        String stopType;
        String legacyStop;
        Integer predicted;
        Integer evaluated;
        String error;
        String model;

        @Override
        public void read(String name, JsonParser parser) throws IOException {
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
                case "error" -> error = Json.errorOrNull(parser);
                default -> parser.skipChildren();
            }
        }

        private static String flag(JsonParser parser, String name, String current) {
            return parser.currentToken() == JsonToken.VALUE_TRUE ? name : current;
        }
    }
}
