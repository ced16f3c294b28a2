package dev.llmcanary.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads OpenAI-style streaming chunks ({@code chat.completion.chunk} and {@code text_completion}), the shape shared by
 * vLLM, TGI's Messages API, llama.cpp, SGLang, Ollama and Triton's OpenAI frontend. Fields a server adds of its own
 * ({@code stop_reason}, {@code matched_stop}, {@code timings}, {@code logprobs}) are skipped, never an error.
 */
final class OpenAiChunks {
    private OpenAiChunks() {
    }

    /**
     * @param chat      {@code true} to read {@code choices[].delta}, {@code false} to read {@code choices[].text}
     * @param wantModel whether to read {@code model}: every chunk repeats it, the stream needs it once
     */
    static List<StreamDelta> decode(String data, boolean chat, boolean wantModel) throws MalformedEventException {
        try (JsonParser parser = Json.openObject(data)) {
            String id = null;
            String model = null;
            String fingerprint = null;
            String object = null;
            String message = null;
            String error = null;
            Usage usage = null;
            List<StreamDelta> choices = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                switch (name) {
                    case "id" -> id = Json.text(parser);
                    case "object" -> object = Json.text(parser);
                    case "model" -> {
                        if (wantModel) {
                            model = Json.text(parser);
                        } else {
                            parser.skipChildren();
                        }
                    }
                    case "system_fingerprint" -> {
                        // what the server says it runs (OpenAI, llama.cpp, TGI); read with the model, once a stream
                        if (wantModel && parser.currentToken() == JsonToken.VALUE_STRING) {
                            fingerprint = Json.text(parser);
                        } else {
                            parser.skipChildren();
                        }
                    }
                    case "message" -> message = Json.text(parser);
                    case "choices" -> choices = choices(parser, chat);
                    case "usage" -> usage = Json.usage(parser);
                    case "error" -> error = parser.currentToken() == JsonToken.VALUE_NULL ? null : Json.error(parser);
                    default -> parser.skipChildren();
                }
            }
            Json.expectEnd(parser);
            if (error == null && "error".equals(object)) {
                error = Json.truncate(message == null ? "error without message" : message); // vLLM's older error shape
            }
            if (error != null) {
                return List.of(StreamDelta.error(error));
            }
            if (choices == null || choices.isEmpty()) {
                return List.of(new StreamDelta(null, null, false, null, null, null, id, null, usage, null, false, false,
                        model, fingerprint));
            }
            return withChunkFields(choices, id, usage, model, fingerprint);
        } catch (IOException e) {
            throw new MalformedEventException("event data is not valid JSON");
        }
    }

    private static List<StreamDelta> withChunkFields(List<StreamDelta> choices, String id, Usage usage,
                                                     String model, String fingerprint) {
        int last = choices.size() - 1;
        for (int i = 0; i <= last; i++) {
            StreamDelta c = choices.get(i);
            choices.set(i, new StreamDelta(c.content(), c.reasoning(), c.toolCall(), c.choiceIndex(), null, c.role(),
                    id, c.finishReason(), i == last ? usage : null, null, false, false, model, fingerprint));
        }
        return choices;
    }

    private static List<StreamDelta> choices(JsonParser parser, boolean chat) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return null;
        }
        List<StreamDelta> result = new ArrayList<>(1);
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            result.add(choice(parser, chat));
        }
        return result;
    }

    private static StreamDelta choice(JsonParser parser, boolean chat) throws IOException {
        Integer index = null;
        String finish = null;
        String content = null;
        String reasoning = null;
        String role = null;
        boolean toolCall = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "index" -> index = Json.integer(parser);
                case "finish_reason" -> finish = Json.text(parser);
                case "text" -> {
                    String text = Json.text(parser);
                    if (!chat) {
                        content = text;
                    }
                }
                case "delta" -> {
                    if (chat && parser.currentToken() == JsonToken.START_OBJECT) {
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String field = parser.currentName();
                            parser.nextToken();
                            switch (field) {
                                case "content" -> content = Json.text(parser);
                                case "reasoning_content", "reasoning" -> {
                                    String r = Json.text(parser);
                                    if (r != null) {
                                        reasoning = r;
                                    }
                                }
                                case "role" -> role = Json.text(parser);
                                case "tool_calls" -> toolCall |= nonEmptyArray(parser);
                                case "function_call" -> {
                                    toolCall |= parser.currentToken() == JsonToken.START_OBJECT;
                                    parser.skipChildren();
                                }
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
        return new StreamDelta(content, reasoning, toolCall, index == null ? 0 : index, null, role, null, finish,
                null, null, false, false);
    }

    /** Some servers send {@code tool_calls: []} on every delta; only a non-empty list is a tool call. */
    private static boolean nonEmptyArray(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return false;
        }
        boolean any = false;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            any = true;
            parser.skipChildren();
        }
        return any;
    }
}
