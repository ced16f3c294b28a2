package dev.llmcanary.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.llmcanary.stream.Streams.options;
import static dev.llmcanary.stream.Streams.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Healthy streams as real servers send them: each must decode correctly and give no violation. */
class FlavorDecodingTest {

    record Expect(String content, String reasoning, String finish, String rawFinish, Usage usage, int toolCallChunks,
                  int tokenChunks) {
    }

    static final String VLLM_CHAT = """
            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"reasoning_content":"Think"},"logprobs":null,"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":" world"},"logprobs":null,"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"stop","stop_reason":128009}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":10,"total_tokens":13,"completion_tokens":3}}

            data: [DONE]

            """;

    static final String TGI2_CHAT = """
            data:{"object":"text_completion","id":"","created":1,"model":"m","system_fingerprint":"2.0.4-sha-f426a33","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"logprobs":null,"finish_reason":null}]}

            data:{"object":"text_completion","id":"","created":1,"model":"m","system_fingerprint":"2.0.4-sha-f426a33","choices":[{"index":0,"delta":{"role":"assistant","content":" world"},"logprobs":null,"finish_reason":null}]}

            data:{"object":"text_completion","id":"","created":1,"model":"m","system_fingerprint":"2.0.4-sha-f426a33","choices":[{"index":0,"delta":{"role":"assistant","content":"</s>"},"logprobs":null,"finish_reason":"eos_token"}],"usage":{"prompt_tokens":8,"completion_tokens":3,"total_tokens":11}}

            """;

    static final String TGI3_CHAT = """
            data: {"object":"chat.completion.chunk","id":"","created":1,"model":"m","system_fingerprint":"3.0.1-native","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"object":"chat.completion.chunk","id":"","created":1,"model":"m","system_fingerprint":"3.0.1-native","choices":[{"index":0,"delta":{"role":"assistant","content":"!"},"logprobs":null,"finish_reason":"stop"}],"usage":null}

            data: {"object":"chat.completion.chunk","id":"","created":1,"model":"m","system_fingerprint":"3.0.1-native","choices":[],"usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10}}

            data: [DONE]

            """;

    static final String LLAMACPP_CHAT = """
            data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1,"id":"chatcmpl-x","model":"m","system_fingerprint":"b5000","object":"chat.completion.chunk"}

            data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Hello"}}],"created":1,"id":"chatcmpl-x","model":"m","system_fingerprint":"b5000","object":"chat.completion.chunk"}

            data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":""}}],"created":1,"id":"chatcmpl-x","model":"m","system_fingerprint":"b5000","object":"chat.completion.chunk"}

            data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":""}}],"created":1,"id":"chatcmpl-x","model":"m","system_fingerprint":"b5000","object":"chat.completion.chunk"}

            data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1,"id":"chatcmpl-x","model":"m","system_fingerprint":"b5000","object":"chat.completion.chunk","usage":{"completion_tokens":4,"prompt_tokens":9,"total_tokens":13},"timings":{"prompt_n":9,"predicted_n":4}}

            data: [DONE]

            """;

    static final String SGLANG_CHAT = """
            data: {"id":"a1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning_content":null,"tool_calls":null},"logprobs":null,"finish_reason":null,"matched_stop":null}],"usage":null}

            data: {"id":"a1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":null,"content":"Hi","reasoning_content":null,"tool_calls":null},"logprobs":null,"finish_reason":null,"matched_stop":null}],"usage":null}

            data: {"id":"a1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":null,"content":"","reasoning_content":null,"tool_calls":null},"logprobs":null,"finish_reason":"stop","matched_stop":128001}],"usage":null}

            data: {"id":"a1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"total_tokens":6,"completion_tokens":1,"prompt_tokens_details":null}}

            data: [DONE]

            """;

    static final String OLLAMA_CHAT = """
            data: {"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Hmm"},"finish_reason":null}]}

            data: {"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Yes"},"finish_reason":null}]}

            data: {"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}

            data: {"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":2,"total_tokens":13}}

            data: [DONE]

            """;

    static final String TOOL_CALL_FRAGMENTED = """
            data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":null},"finish_reason":null}]}

            data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}

            data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":"}}]},"finish_reason":null}]}

            data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\"Paris\\"}"}}]},"finish_reason":null}]}

            data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":null,"tool_calls":[]},"finish_reason":"tool_calls"}]}

            data: [DONE]

            """;

    static final String TOOL_CALL_WHOLE = """
            data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}

            data: [DONE]

            """;

    static final String CONTINUOUS_USAGE = """
            data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":{"prompt_tokens":4,"completion_tokens":0,"total_tokens":4}}

            data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"A"},"finish_reason":null}],"usage":{"prompt_tokens":4,"completion_tokens":1,"total_tokens":5}}

            data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"B"},"finish_reason":"length"}],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}

            data: [DONE]

            """;

    static final String VLLM_COMPLETIONS = """
            data: {"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":"Once","logprobs":null,"finish_reason":null,"stop_reason":null}],"usage":null}

            data: {"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":" upon","logprobs":null,"finish_reason":"length","stop_reason":null}],"usage":null}

            data: {"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"total_tokens":5,"completion_tokens":2}}

            data: [DONE]

            """;

    static final String TGI_GENERATE = """
            data:{"index":1,"token":{"id":22557,"text":"Hello","logprob":-0.1,"special":false},"generated_text":null,"details":null}

            data:{"index":2,"token":{"id":1526,"text":" world","logprob":-0.2,"special":false},"generated_text":null,"details":null}

            data:{"index":3,"token":{"id":2,"text":"</s>","logprob":-0.01,"special":true},"generated_text":"Hello world","details":{"finish_reason":"eos_token","generated_tokens":3,"seed":null}}

            """;

    static final String TRITON_DELTA = """
            data: {"model_name":"ensemble","model_version":"1","sequence_end":false,"sequence_id":0,"sequence_start":false,"text_output":"Hello"}

            data: {"model_name":"ensemble","model_version":"1","sequence_end":false,"sequence_id":0,"sequence_start":false,"text_output":" world"}

            data: {"model_name":"ensemble","model_version":"1","sequence_end":false,"sequence_id":0,"sequence_start":false,"text_output":"!"}

            """;

    /** A delta stream whose second text happens to start with the first (whitespace): must stay delta. */
    static final String TRITON_DELTA_WHITESPACE_START = """
            data: {"model_name":"ensemble","model_version":"1","text_output":"\\n"}

            data: {"model_name":"ensemble","model_version":"1","text_output":"\\nThe"}

            data: {"model_name":"ensemble","model_version":"1","text_output":" end"}

            """;

    static final String TRITON_CUMULATIVE = """
            data: {"model_name":"vllm_model","model_version":"1","sequence_index":0,"text_output":"Hello"}

            data: {"model_name":"vllm_model","model_version":"1","sequence_index":1,"text_output":"Hello world"}

            data: {"model_name":"vllm_model","model_version":"1","sequence_index":2,"text_output":"Hello world!"}

            """;

    static final String LLAMACPP_COMPLETION = """
            data: {"index":0,"content":"Hello","tokens":[15496],"stop":false,"id_slot":0,"tokens_predicted":1,"tokens_evaluated":5}

            data: {"index":0,"content":" world","tokens":[995],"stop":false,"id_slot":0,"tokens_predicted":2,"tokens_evaluated":5}

            data: {"index":0,"content":"","tokens":[],"id_slot":0,"stop":true,"model":"m","tokens_predicted":2,"tokens_evaluated":5,"generation_settings":{"n_predict":-1,"stop":[]},"prompt":"","has_new_line":false,"truncated":false,"stop_type":"eos","stopping_word":"","tokens_cached":7,"timings":{"prompt_n":5,"predicted_n":2}}

            """;

    static final String LLAMACPP_COMPLETION_LEGACY = """
            data: {"content":"Hi","stop":false,"id_slot":0,"multimodal":false}

            data: {"content":"","id_slot":0,"stop":true,"model":"m","tokens_predicted":1,"tokens_evaluated":4,"stopped_eos":false,"stopped_word":false,"stopped_limit":true,"stopping_word":"","timings":{}}

            """;

    static Stream<Arguments> healthy() {
        return Stream.of(
                arguments("vLLM chat: role chunk, reasoning_content, stop_reason int, usage chunk",
                        options(Flavor.OPENAI_CHAT), VLLM_CHAT,
                        new Expect("Hello world", "Think", "stop", "stop", new Usage(10, 3), 0, 3)),
                arguments("vLLM chat over CRLF line ends", options(Flavor.OPENAI_CHAT),
                        VLLM_CHAT.replace("\n", "\r\n"),
                        new Expect("Hello world", "Think", "stop", "stop", new Usage(10, 3), 0, 3)),
                arguments("TGI 2 chat: data: without space, empty id, text_completion, eos_token, no [DONE]",
                        options(Flavor.OPENAI_CHAT, false, Cumulative.AUTO), TGI2_CHAT,
                        new Expect("Hello world</s>", null, "stop", "eos_token", new Usage(8, 3), 0, 3)),
                arguments("TGI 3 chat: content and finish reason in one chunk", options(Flavor.OPENAI_CHAT), TGI3_CHAT,
                        new Expect("Hello!", null, "stop", "stop", new Usage(8, 2), 0, 2)),
                arguments("llama.cpp chat: null content role chunk, empty-content events, usage on finish",
                        options(Flavor.OPENAI_CHAT), LLAMACPP_CHAT,
                        new Expect("Hello", null, "stop", "stop", new Usage(9, 4), 0, 1)),
                arguments("SGLang chat: matched_stop, null fields, usage null", options(Flavor.OPENAI_CHAT),
                        SGLANG_CHAT, new Expect("Hi", null, "stop", "stop", new Usage(5, 1), 0, 1)),
                arguments("Ollama chat: role in every chunk, reasoning field", options(Flavor.OPENAI_CHAT),
                        OLLAMA_CHAT, new Expect("Yes", "Hmm", "stop", "stop", new Usage(11, 2), 0, 2)),
                arguments("tool call fragmented over chunks", options(Flavor.OPENAI_CHAT), TOOL_CALL_FRAGMENTED,
                        new Expect("", null, "tool_calls", "tool_calls", null, 3, 3)),
                arguments("tool call whole in one chunk", options(Flavor.OPENAI_CHAT), TOOL_CALL_WHOLE,
                        new Expect("", null, "tool_calls", "tool_calls", null, 1, 1)),
                arguments("continuous usage on every chunk: the last counts", options(Flavor.OPENAI_CHAT),
                        CONTINUOUS_USAGE, new Expect("AB", null, "length", "length", new Usage(4, 2), 0, 2)),
                arguments("vLLM completions: text, length, usage chunk", options(Flavor.OPENAI_COMPLETIONS),
                        VLLM_COMPLETIONS, new Expect("Once upon", null, "length", "length", new Usage(3, 2), 0, 2)),
                arguments("TGI generate_stream: special token, details, no [DONE]", options(Flavor.TGI_GENERATE),
                        TGI_GENERATE, new Expect("Hello world", null, "stop", "eos_token", new Usage(null, 3), 0, 2)),
                arguments("Triton delta text_output, no finish reason", options(Flavor.TRITON_GENERATE),
                        TRITON_DELTA, new Expect("Hello world!", null, null, null, null, 0, 3)),
                arguments("Triton delta starting with whitespace is not taken for cumulative (auto)",
                        options(Flavor.TRITON_GENERATE), TRITON_DELTA_WHITESPACE_START,
                        new Expect("\n\nThe end", null, null, null, null, 0, 3)),
                arguments("Triton cumulative text_output detected (auto)", options(Flavor.TRITON_GENERATE),
                        TRITON_CUMULATIVE, new Expect("Hello world!", null, null, null, null, 0, 3)),
                arguments("Triton cumulative text_output (configured)",
                        options(Flavor.TRITON_GENERATE, false, Cumulative.CUMULATIVE), TRITON_CUMULATIVE,
                        new Expect("Hello world!", null, null, null, null, 0, 3)),
                arguments("Triton delta text_output (configured)",
                        options(Flavor.TRITON_GENERATE, false, Cumulative.DELTA), TRITON_DELTA,
                        new Expect("Hello world!", null, null, null, null, 0, 3)),
                arguments("llama.cpp /completion: stop_type eos, tokens_predicted", options(Flavor.LLAMACPP_COMPLETION),
                        LLAMACPP_COMPLETION, new Expect("Hello world", null, "stop", "eos", new Usage(5, 2), 0, 2)),
                arguments("llama.cpp /completion, older stopped_limit flags", options(Flavor.LLAMACPP_COMPLETION),
                        LLAMACPP_COMPLETION_LEGACY, new Expect("Hi", null, "length", "limit", new Usage(4, 1), 0, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("healthy")
    void healthyStreamDecodesWithoutViolation(String name, StreamOptions options, String body, Expect expect) {
        StreamResult result = run(options, body);

        assertThat(result.violations()).isEmpty();
        assertThat(result.content()).isEqualTo(expect.content());
        assertThat(result.reasoning()).isEqualTo(expect.reasoning());
        assertThat(result.finishReason()).isEqualTo(expect.finish());
        assertThat(result.rawFinishReason()).isEqualTo(expect.rawFinish());
        assertThat(result.usage()).isEqualTo(expect.usage());
        assertThat(result.toolCallChunks()).isEqualTo(expect.toolCallChunks());
        assertThat(result.trace().tokenChunks()).isEqualTo(expect.tokenChunks());
        assertThat(result.aborted()).isFalse();
    }

    @Test
    void openAiResponseIdIsKept() {
        assertThat(run(options(Flavor.OPENAI_CHAT), VLLM_CHAT).responseId()).isEqualTo("chatcmpl-1");
        assertThat(run(options(Flavor.OPENAI_CHAT, false, Cumulative.AUTO), TGI2_CHAT).responseId()).isNull();
    }

    /** {@code gen_ai.response.model}: what each flavor's stream says about the model that answered. */
    static Stream<Arguments> responseModels() {
        String longName = "m".repeat(300);
        String longChunk = "data: {\"id\":\"x\",\"model\":\"" + longName + "\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        String changing = VLLM_CHAT.replaceFirst("\"model\":\"m\"", "\"model\":\"first\"");
        return Stream.of(
                arguments("vLLM chat: model on every chunk", options(Flavor.OPENAI_CHAT), VLLM_CHAT, "m"),
                arguments("vLLM completions: model on every chunk", options(Flavor.OPENAI_COMPLETIONS),
                        VLLM_COMPLETIONS, "m"),
                arguments("the first chunk's model is kept", options(Flavor.OPENAI_CHAT), changing, "first"),
                arguments("continuous usage without model: none", options(Flavor.OPENAI_CHAT), CONTINUOUS_USAGE,
                        null),
                arguments("Triton: model_name", options(Flavor.TRITON_GENERATE), TRITON_DELTA, "ensemble"),
                arguments("llama.cpp /completion: model on the final event", options(Flavor.LLAMACPP_COMPLETION),
                        LLAMACPP_COMPLETION, "m"),
                arguments("TGI generate_stream names no model", options(Flavor.TGI_GENERATE), TGI_GENERATE, null),
                arguments("a 300-character name is cut to 256", options(Flavor.OPENAI_CHAT), longChunk,
                        "m".repeat(StreamResult.MAX_MODEL_CHARS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responseModels")
    void theModelTheStreamNamesIsKeptBounded(String name, StreamOptions options, String body, String model) {
        assertThat(run(options, body).responseModel()).isEqualTo(model);
    }

    static Stream<Arguments> finishReasons() {
        return Stream.of(
                arguments("stop", "stop"), arguments("eos_token", "stop"), arguments("stop_sequence", "stop"),
                arguments("eos", "stop"), arguments("word", "stop"), arguments("length", "length"),
                arguments("max_tokens", "length"), arguments("limit", "length"), arguments("tool_calls", "tool_calls"),
                arguments("function_call", "tool_calls"), arguments("content_filter", "content_filter"),
                arguments("abort", "abort"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("finishReasons")
    void finishReasonsAreNormalised(String raw, String normalised) {
        assertThat(FinishReasons.normalise(raw)).isEqualTo(normalised);
    }
}
