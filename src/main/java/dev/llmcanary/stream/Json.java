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

    /** Reads one field's value; the parser stands on the value and the reader must consume all of it. */
    @FunctionalInterface
    interface FieldReader {
        void read(String name, JsonParser parser) throws IOException;
    }

    /**
     * Parses {@code data} as exactly one JSON object, handing each of its fields to {@code reader}: the loop every
     * decoder needs, with the one error every decoder reports for data that is not a JSON object.
     */
    static void readObject(String data, FieldReader reader) throws MalformedEventException {
        try (JsonParser parser = openObject(data)) {
            fields(parser, reader);
            expectEnd(parser);
        } catch (IOException e) {
            throw new MalformedEventException("event data is not valid JSON");
        }
    }

    /**
     * Hands each field of the object the parser stands on to {@code reader}; any other value (a string where an
     * object was expected) is skipped, so a server's odd shape is ignored rather than misread.
     */
    static void fields(JsonParser parser, FieldReader reader) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            reader.read(name, parser);
        }
    }

    /** An {@code error} field's message, or {@code null} for {@code "error": null} (some servers send it always). */
    static String errorOrNull(JsonParser parser) throws IOException {
        return parser.currentToken() == JsonToken.VALUE_NULL ? null : error(parser);
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
        Integer[] counts = new Integer[2];
        fields(parser, (name, p) -> {
            switch (name) {
                case "prompt_tokens" -> counts[0] = integer(p);
                case "completion_tokens" -> counts[1] = integer(p);
                default -> p.skipChildren();
            }
        });
        return counts[0] == null && counts[1] == null ? null : new Usage(counts[0], counts[1]);
    }

    /** Reads an {@code error} value: an object with a {@code message}, or a plain string. Never {@code null}. */
    static String error(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            String[] message = new String[1];
            fields(parser, (name, p) -> {
                if ("message".equals(name)) {
                    message[0] = text(p);
                } else {
                    p.skipChildren();
                }
            });
            return truncate(message[0] == null ? "error without message" : message[0]);
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
