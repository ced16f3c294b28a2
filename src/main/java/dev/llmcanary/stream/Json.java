package dev.llmcanary.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Pull-parsing helpers the decoders share: events are read with Jackson's streaming parser, taking only the fields
 * needed, so no tree is built per event.
 */
final class Json {
    /** Thread-safe once built; shared so its buffer recycling works across streams. */
    static final JsonFactory FACTORY = JsonFactory.builder().build();

    static final int MAX_ERROR_CHARS = 200;

    private Json() {
    }

    /** Opens {@code data}, which must be a JSON object; the parser stands on its {@code START_OBJECT}. */
    static JsonParser openObject(String data) throws IOException, MalformedEventException {
        JsonParser parser = FACTORY.createParser(data);
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            parser.close();
            throw new MalformedEventException("event data is not a JSON object");
        }
        return parser;
    }

    /** After the root object: anything but the end of input means the data was not one JSON value. */
    static void expectEnd(JsonParser parser) throws IOException, MalformedEventException {
        if (parser.nextToken() != null) {
            throw new MalformedEventException("event data has trailing content after the JSON object");
        }
    }

    /** The current value as text ({@code null} for JSON null; numbers and booleans as their text; containers skipped). */
    static String text(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token != null && token.isScalarValue() && token != JsonToken.VALUE_NULL) {
            return parser.getText();
        }
        parser.skipChildren();
        return null;
    }

    /** The current value as an int, or {@code null} when it is not an integer. */
    static Integer integer(JsonParser parser) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            return parser.getIntValue();
        }
        parser.skipChildren();
        return null;
    }

    /** The current value as a long, or {@code null} when it is not an integer. */
    static Long longValue(JsonParser parser) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            return parser.getLongValue();
        }
        parser.skipChildren();
        return null;
    }

    /** Reads an OpenAI {@code usage} object ({@code null} stays null). */
    static Usage usage(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return null;
        }
        Integer prompt = null;
        Integer completion = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = integer(parser);
                case "completion_tokens" -> completion = integer(parser);
                default -> parser.skipChildren();
            }
        }
        return prompt == null && completion == null ? null : new Usage(prompt, completion);
    }

    /** Reads an {@code error} value: an object with a {@code message}, or a plain string. Never {@code null}. */
    static String error(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            String message = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if ("message".equals(name)) {
                    message = text(parser);
                } else {
                    parser.skipChildren();
                }
            }
            return truncate(message == null ? "error without message" : message);
        }
        String text = text(parser);
        return truncate(text == null ? "error without message" : text);
    }

    /** Error text for a {@code event: error} event, whose data may be JSON or plain text. */
    static String errorEventMessage(String data) {
        String message = ServerMessage.of(data);
        return message == null ? "error event without message" : message;
    }

    static String truncate(String message) {
        return message.length() <= MAX_ERROR_CHARS ? message : message.substring(0, MAX_ERROR_CHARS) + "…";
    }
}
