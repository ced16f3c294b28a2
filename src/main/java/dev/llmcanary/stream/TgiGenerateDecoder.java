package dev.llmcanary.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.List;

/**
 * Decodes TGI {@code /generate_stream} events: {@code token.text} per event, {@code index} as order, and on the last
 * event {@code details.finish_reason} and {@code details.generated_tokens}. Special tokens (e.g. {@code </s>}) are
 * not content; {@code generated_text} repeats the whole answer and is not appended.
 */
final class TgiGenerateDecoder implements FlavorDecoder {
    @Override
    public List<StreamDelta> decode(String data) throws MalformedEventException {
        Event e = new Event();
        Json.readObject(data, e);
        if (e.error != null) {
            return List.of(StreamDelta.error(e.error));
        }
        String content = e.special ? null : e.text;
        Usage usage = e.generated == null ? null : new Usage(null, e.generated);
        return List.of(new StreamDelta(content, null, false, 0, e.index, null, null, e.finish, usage, null, false,
                e.details));
    }

    /** The fields of one event, {@code token} and {@code details} flattened. */
    private static final class Event implements Json.FieldReader {
        Long index;
        String text;
        boolean special;
        String finish;
        Integer generated;
        boolean details;
        String error;

        @Override
        public void read(String name, JsonParser parser) throws IOException {
            switch (name) {
                case "index" -> index = Json.longValue(parser);
                case "error" -> error = Json.errorOrNull(parser);
                case "token" -> Json.fields(parser, this::token);
                case "details" -> {
                    details = parser.currentToken() == JsonToken.START_OBJECT;
                    Json.fields(parser, this::details);
                }
                default -> parser.skipChildren();
            }
        }

        private void token(String field, JsonParser parser) throws IOException {
            switch (field) {
                case "text" -> text = Json.text(parser);
                case "special" -> special = parser.currentToken() == JsonToken.VALUE_TRUE;
                default -> parser.skipChildren();
            }
        }

        private void details(String field, JsonParser parser) throws IOException {
            switch (field) {
                case "finish_reason" -> finish = Json.text(parser);
                case "generated_tokens" -> generated = Json.integer(parser);
                default -> parser.skipChildren();
            }
        }
    }
}
