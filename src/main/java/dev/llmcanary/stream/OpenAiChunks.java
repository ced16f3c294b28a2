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
        Chunk c = new Chunk(chat, wantModel);
        Json.readObject(data, c);
        String error = c.error;
        if (error == null && "error".equals(c.object)) {
            error = Json.truncate(c.message == null ? "error without message" : c.message); // vLLM's older error shape
        }
        if (error != null) {
            return List.of(StreamDelta.error(error));
        }
        if (c.choices == null || c.choices.isEmpty()) {
            return List.of(new StreamDelta(null, null, false, null, null, null, c.id, null, c.usage, null, false, false,
                    c.model, c.fingerprint));
        }
        return withChunkFields(c.choices, c.id, c.usage, c.model, c.fingerprint);
    }

    /** The top-level fields of one chunk. */
    private static final class Chunk implements Json.FieldReader {
        private final boolean chat;
        private final boolean wantModel;
        String id;
        String model;
        String fingerprint;
        String object;
        String message;
        String error;
        Usage usage;
        List<StreamDelta> choices;

        Chunk(boolean chat, boolean wantModel) {
            this.chat = chat;
            this.wantModel = wantModel;
        }

        @Override
        public void read(String name, JsonParser parser) throws IOException {
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
                case "error" -> error = Json.errorOrNull(parser);
                default -> parser.skipChildren();
            }
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
        Choice c = new Choice(chat);
        Json.fields(parser, c);
        return new StreamDelta(c.content, c.reasoning, c.toolCall, c.index == null ? 0 : c.index, null, c.role, null,
                c.finish, null, null, false, false);
    }

    /** The fields of one {@code choices[]} entry, its {@code delta} flattened. */
    private static final class Choice implements Json.FieldReader {
        private final boolean chat;
        Integer index;
        String finish;
        String content;
        String reasoning;
        String role;
        boolean toolCall;

        Choice(boolean chat) {
            this.chat = chat;
        }

        @Override
        public void read(String name, JsonParser parser) throws IOException {
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
                    if (chat) {
                        Json.fields(parser, this::delta);
                    } else {
                        parser.skipChildren();
                    }
                }
                default -> parser.skipChildren();
            }
        }

        private void delta(String field, JsonParser parser) throws IOException {
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
