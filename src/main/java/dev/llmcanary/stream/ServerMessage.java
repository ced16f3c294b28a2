package dev.llmcanary.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Finds the server's own words in an error text (an HTTP error body or the data of an {@code event: error}), so a
 * failure says "request (2562 tokens) exceeds the available context size (256 tokens)" instead of "HTTP 400".
 *
 * <p>The shapes servers answer with, tried in this order within a JSON object:
 * <ul>
 *   <li>{@code {"error":{"message":"…"}}} (OpenAI, llama.cpp; {@code msg} or {@code detail} inside it also count)</li>
 *   <li>{@code {"error":"…"}} (TGI)</li>
 *   <li>{@code {"message":"…"}} (vLLM, SGLang)</li>
 *   <li>{@code {"detail":"…"}} or FastAPI's {@code {"detail":[{"msg":"…"}]}}</li>
 * </ul>
 * Anything else is read as plain text: an HTML page gives its {@code <title>} (a gateway's "502 Bad Gateway"), JSON
 * with none of those fields or cut off before them is shown as it is, and a body that is not text (NUL bytes, mostly
 * undecodable or control characters) gives no message at all.
 *
 * <p>The message is one line (whitespace runs become one space) of at most {@link #MAX_CHARS} characters. It is the
 * target's text, so it is untrusted: the run boundary masks it before it is logged, stored, traced or served.
 */
public final class ServerMessage {

    /**
     * The longest message kept; a longer one is cut and ends with {@code …}. More than a reason shows: the run
     * boundary masks first (an echoed prompt shrinks to a placeholder) and cuts the result to its own length.
     */
    public static final int MAX_CHARS = 1000;

    private ServerMessage() {
    }

    /** The message in the first {@code length} bytes of a UTF-8 body, or {@code null} when it has none. */
    public static String of(byte[] body, int length) {
        if (length <= 0) {
            return null;
        }
        String text = decode(body, length);
        return binary(text) ? null : of(text);
    }

    /** The message in an error text, or {@code null} when it is blank. */
    public static String of(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String trimmed = text.strip();
        String found = switch (trimmed.charAt(0)) {
            case '{' -> fromJsonObject(trimmed);
            case '"' -> fromJsonString(trimmed);
            case '<' -> fromHtml(trimmed);
            default -> null;
        };
        return line(found != null ? found : trimmed);
    }

    private static String fromJsonObject(String text) {
        // Filled as the fields go by, so a body cut off after the message still gives it.
        String[] found = new String[3]; // error, message, detail
        try (JsonParser parser = Json.FACTORY.createParser(text)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                switch (name) {
                    case "error" -> {
                        if (error(parser, found)) {
                            return found[0];
                        }
                    }
                    case "message" -> found[1] = orFirst(found[1], Json.text(parser));
                    case "detail" -> found[2] = orFirst(found[2], detail(parser));
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            // cut off (the body was longer than what we read) or not JSON after all: what was found so far counts
        }
        return found[0] != null ? found[0] : found[1] != null ? found[1] : found[2];
    }

    /**
     * An {@code error} value into {@code found[0]}: an object's message, or a string. Returns whether it settles the
     * message (an object without one says so; {@code null} lets {@code message} or {@code detail} speak).
     */
    private static boolean error(JsonParser parser, String[] found) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            found[0] = Json.text(parser);
            return found[0] != null;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "message", "msg" -> found[0] = orFirst(found[0], Json.text(parser));
                case "detail" -> found[0] = orFirst(found[0], detail(parser));
                default -> parser.skipChildren();
            }
        }
        if (found[0] == null) {
            found[0] = "error without message";
        }
        return true;
    }

    /** FastAPI's {@code detail}: a string, or a list of {@code {"msg": …}} objects of which the first is shown. */
    private static String detail(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_ARRAY) {
            String first = null;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        parser.nextToken();
                        if (("msg".equals(name) || "message".equals(name)) && first == null) {
                            first = Json.text(parser);
                        } else {
                            parser.skipChildren();
                        }
                    }
                } else if (first == null) {
                    first = Json.text(parser);
                } else {
                    parser.skipChildren();
                }
            }
            return first;
        }
        if (token == JsonToken.START_OBJECT) {
            String[] found = new String[1];
            error(parser, found);
            return found[0];
        }
        return Json.text(parser);
    }

    private static String fromJsonString(String text) {
        try (JsonParser parser = Json.FACTORY.createParser(text)) {
            if (parser.nextToken() == JsonToken.VALUE_STRING) {
                return parser.getText();
            }
        } catch (IOException e) {
            // not a JSON string: plain text
        }
        return null;
    }

    private static String fromHtml(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        int open = lower.indexOf("<title");
        int start = open < 0 ? -1 : lower.indexOf('>', open);
        int end = start < 0 ? -1 : lower.indexOf("</title", start);
        if (end > start) {
            String title = text.substring(start + 1, end);
            if (!title.isBlank()) {
                return title;
            }
        }
        String stripped = text.replaceAll("<[^>]{0,2000}>", " ");
        return stripped.isBlank() ? null : stripped;
    }

    private static String orFirst(String current, String candidate) {
        return current != null ? current : candidate;
    }

    /** One line: whitespace (line breaks included) collapsed, at most {@link #MAX_CHARS}. */
    private static String line(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_CHARS + 1));
        boolean space = false;
        for (int i = 0; i < text.length() && b.length() <= MAX_CHARS; i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                space = b.length() > 0;
            } else {
                if (space) {
                    b.append(' ');
                    space = false;
                }
                b.append(c);
            }
        }
        if (b.length() == 0) {
            return null;
        }
        return b.length() <= MAX_CHARS ? b.toString() : b.substring(0, MAX_CHARS) + "…";
    }

    private static String decode(byte[] body, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(body, 0, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("REPLACE never throws", e);
        }
    }

    /**
     * Whether decoded text is really binary (gzip, protobuf, an image): any NUL, or more than a tenth of it
     * undecodable bytes or control characters other than whitespace. A body cut mid-character only loses its end.
     */
    static boolean binary(String text) {
        int odd = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return true;
            }
            if (c == '\uFFFD' || (Character.isISOControl(c) && !Character.isWhitespace(c))) {
                odd++;
            }
        }
        return odd * 10 > text.length();
    }
}
