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
        try (JsonParser parser = Json.openObject(data)) {
            Long index = null;
            String text = null;
            boolean special = false;
            String finish = null;
            Integer generated = null;
            boolean details = false;
            String error = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                switch (name) {
                    case "index" -> index = Json.longValue(parser);
                    case "error" -> error = parser.currentToken() == JsonToken.VALUE_NULL ? null : Json.error(parser);
                    case "token" -> {
                        if (parser.currentToken() == JsonToken.START_OBJECT) {
                            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                                String field = parser.currentName();
                                parser.nextToken();
                                switch (field) {
                                    case "text" -> text = Json.text(parser);
                                    case "special" -> special = parser.currentToken() == JsonToken.VALUE_TRUE;
                                    default -> parser.skipChildren();
                                }
                            }
                        } else {
                            parser.skipChildren();
                        }
                    }
                    case "details" -> {
                        if (parser.currentToken() == JsonToken.START_OBJECT) {
                            details = true;
                            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                                String field = parser.currentName();
                                parser.nextToken();
                                switch (field) {
                                    case "finish_reason" -> finish = Json.text(parser);
                                    case "generated_tokens" -> generated = Json.integer(parser);
                                    default -> parser.skipChildren();
                                }
                            }
                        } else {
                            parser.skipChildren();
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            Json.expectEnd(parser);
            if (error != null) {
                return List.of(StreamDelta.error(error));
            }
            String content = special ? null : text;
            Usage usage = generated == null ? null : new Usage(null, generated);
            return List.of(new StreamDelta(content, null, false, 0, index, null, null, finish, usage, null, false,
                    details));
        } catch (IOException e) {
            throw new MalformedEventException("event data is not valid JSON");
        }
    }
}
