package dev.llmcanary.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.List;

/**
 * Decodes Triton {@code generate_stream} events ({@code text_output}, optional {@code sequence_index} and
 * {@code finish_reason}). Backends differ in whether {@code text_output} is a delta or the whole text so far; this
 * decoder always hands out deltas. In {@link Cumulative#AUTO} the stream switches to cumulative for good once a
 * {@code text_output} starts with everything received so far and is longer.
 */
final class TritonGenerateDecoder implements FlavorDecoder {
    private final StringBuilder soFar = new StringBuilder();
    private boolean cumulative;
    private final boolean detect;
    private boolean modelSeen;

    TritonGenerateDecoder(Cumulative mode) {
        this.cumulative = mode == Cumulative.CUMULATIVE;
        this.detect = mode == Cumulative.AUTO;
    }

    @Override
    public List<StreamDelta> decode(String data) throws MalformedEventException {
        try (JsonParser parser = Json.openObject(data)) {
            String text = null;
            Long sequence = null;
            String finish = null;
            String error = null;
            String model = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                switch (name) {
                    case "text_output" -> text = Json.text(parser);
                    case "sequence_index" -> sequence = Json.longValue(parser);
                    case "finish_reason" -> finish = Json.text(parser);
                    case "model_name" -> {
                        // every event repeats it; the stream needs it once
                        if (modelSeen) {
                            parser.skipChildren();
                        } else {
                            model = Json.text(parser);
                        }
                    }
                    case "error" -> error = parser.currentToken() == JsonToken.VALUE_NULL ? null : Json.error(parser);
                    default -> parser.skipChildren();
                }
            }
            Json.expectEnd(parser);
            if (error != null) {
                return List.of(StreamDelta.error(error));
            }
            String delta = text == null ? null : delta(text);
            modelSeen = modelSeen || model != null;
            return List.of(new StreamDelta(delta, null, false, 0, sequence, null, null, finish, null, null, false,
                    false, model));
        } catch (IOException e) {
            throw new MalformedEventException("event data is not valid JSON");
        }
    }

    private String delta(String text) {
        // Whitespace-only text so far proves nothing: a delta stream often starts "\n" then "\n\n" or "\nThe".
        if (!cumulative && detect && hasVisible(soFar) && text.length() > soFar.length() && startsWithSoFar(text)) {
            cumulative = true;
        }
        if (!cumulative) {
            soFar.append(text);
            return text;
        }
        // a cumulative text that rewrote earlier characters cannot be expressed as a delta: keep only what is new
        int common = Math.min(soFar.length(), text.length());
        String delta = startsWithSoFar(text) ? text.substring(common) : text.substring(commonPrefix(text));
        soFar.setLength(0);
        soFar.append(text);
        return delta;
    }

    private static boolean hasVisible(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private boolean startsWithSoFar(String text) {
        int n = soFar.length();
        if (text.length() < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) != soFar.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int commonPrefix(String text) {
        int n = Math.min(soFar.length(), text.length());
        int i = 0;
        while (i < n && text.charAt(i) == soFar.charAt(i)) {
            i++;
        }
        return i;
    }
}
