package dev.llmcanary.simulator;

import static dev.llmcanary.simulator.SimClient.FAST;
import static dev.llmcanary.simulator.SimClient.chat;
import static dev.llmcanary.simulator.SimClient.chatBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmcanary.simulator.SimClient.Response;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Drives the simulator over real sockets and checks each dialect, route and fault on the wire. */
class SimulatorServerTest {

    private static final String CHAT = "/v1/chat/completions";
    private static Vertx vertx;
    private static SimulatorServer server;
    private static SimClient client;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0));
        int port = server.start().toCompletionStage().toCompletableFuture().get();
        client = new SimClient(port);
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /** One request and what must hold on the wire. */
    record Case(String name, String path, String body, Map<String, String> headers, Consumer<Response> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case c(String name, String path, String body, String profile, String fault,
                          Consumer<Response> check) {
        Map<String, String> headers = new HashMap<>();
        headers.put("x-sim-profile", profile == null ? FAST : FAST + ";" + profile);
        if (fault != null) {
            headers.put("x-sim-fault", fault);
        }
        return new Case(name, path, body, headers, check);
    }

    private static String usageChat(String model) {
        return chatBody(model, "hello there").put("stream_options", new JsonObject().put("include_usage", true))
                .encode();
    }

    static Stream<Case> dialects() {
        return Stream.of(
                c("openai: role chunk, empty-delta finish, [DONE], no usage", CHAT, chat("sim-openai", "hi"), null,
                        null, r -> {
                            assertThat(r.status()).isEqualTo(200);
                            assertThat(r.header("content-type")).isEqualTo("text/event-stream");
                            assertThat(r.header("cache-control")).isEqualTo("no-cache");
                            assertThat(r.data().get(0)).contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}");
                            assertThat(r.text()).contains("\"object\":\"chat.completion.chunk\"")
                                    .contains("\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"")
                                    .doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");
                            assertThat(r.events()).allSatisfy(e -> assertThat(e.getString("id"))
                                    .startsWith("chatcmpl-").isEqualTo(r.events().get(0).getString("id")));
                            assertThat(r.contents()).hasSize(24);
                        }),
                c("openai: include_usage gives a usage chunk with empty choices", CHAT, usageChat("sim-openai"),
                        null, null, r -> {
                            assertThat(r.text()).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":2,"
                                    + "\"completion_tokens\":24,\"total_tokens\":26}");
                            assertThat(r.data().get(r.data().size() - 1)).isEqualTo("[DONE]");
                        }),
                c("openai: usage=final puts usage on the finish chunk", CHAT, chat("sim-openai", "hi"),
                        "usage=final;reply=a b", null, r -> {
                            assertThat(r.finishes().get(0).getJsonObject("usage").getInteger("completion_tokens"))
                                    .isEqualTo(2);
                            assertThat(r.text()).doesNotContain("\"choices\":[]");
                        }),
                c("openai: role_chunk=false drops the role chunk", CHAT, chat("sim-openai", "hi"),
                        "role_chunk=false", null,
                        r -> assertThat(r.text()).doesNotContain("\"role\":\"assistant\"")),
                c("openai completions: text choices, no role chunk", "/v1/completions",
                        new JsonObject().put("model", "sim-openai").put("prompt", "hi").put("stream", true).encode(),
                        null, null, r -> {
                            assertThat(r.text()).contains("\"object\":\"text_completion\"").contains("\"id\":\"cmpl-")
                                    .doesNotContain("\"role\"").endsWith("data: [DONE]\n\n");
                            assertThat(r.contents()).hasSize(24);
                        }),
                c("vllm: usage null, stop_reason, reasoning_content first", CHAT, chat("sim-vllm", "hi"), null, null,
                        r -> {
                            assertThat(r.text()).contains("\"usage\":null").contains("\"stop_reason\":null");
                            assertThat(r.data().get(1)).contains("\"reasoning_content\":");
                            assertThat(r.text().split("reasoning_content", -1)).hasSize(4);
                        }),
                c("vllm: continuous usage is cumulative on every chunk", CHAT, usageChat("sim-vllm"),
                        "usage=continuous;reasoning_tokens=0", null, r -> {
                            List<JsonObject> withChoices = r.events().stream()
                                    .filter(e -> !e.getJsonArray("choices").isEmpty()).toList();
                            assertThat(withChoices).allSatisfy(e -> assertThat(e.getJsonObject("usage")).isNotNull());
                            assertThat(withChoices.get(3).getJsonObject("usage").getInteger("completion_tokens"))
                                    .isEqualTo(3);
                        }),
                c("vllm: stop string reported as stop_reason", CHAT,
                        chatBody("sim-vllm", "hi").put("stop", "world").encode(), "reply=hello big world;reasoning_tokens=0",
                        null, r -> {
                            assertThat(r.joined()).isEqualTo("hello big ");
                            assertThat(r.text()).contains("\"finish_reason\":\"stop\",\"stop_reason\":\"world\"");
                        }),
                c("tgi-2: data: without space, empty id, eos_token on last token, no [DONE]", CHAT,
                        chat("sim-tgi2", "hi"), null, null, r -> {
                            assertThat(r.text()).startsWith("data:{").doesNotContain("data: ").doesNotContain("[DONE]")
                                    .contains("\"object\":\"text_completion\"").contains("\"id\":\"\"")
                                    .doesNotContain("\"content\":\"\"");
                            JsonObject last = r.events().get(r.events().size() - 1);
                            assertThat(last.getJsonArray("choices").getJsonObject(0).getString("finish_reason"))
                                    .isEqualTo("eos_token");
                            assertThat(r.contents()).hasSize(24);
                        }),
                c("tgi-3: content and finish in the last chunk, [DONE]", CHAT, chat("sim-tgi3", "hi"), null, null,
                        r -> {
                            assertThat(r.text()).startsWith("data: {").endsWith("data: [DONE]\n\n")
                                    .contains("\"id\":\"\"");
                            JsonObject last = r.events().get(r.events().size() - 1).getJsonArray("choices")
                                    .getJsonObject(0);
                            assertThat(last.getString("finish_reason")).isEqualTo("stop");
                            assertThat(last.getJsonObject("delta").getString("content")).isNotEmpty();
                            assertThat(r.contents()).hasSize(24);
                        }),
                c("llamacpp: role chunk, an empty-content event every 5th chunk, [DONE]", CHAT,
                        chat("sim-llamacpp", "hi"), null, null, r -> {
                            assertThat(r.data().get(0)).contains("\"role\":\"assistant\"");
                            assertThat(r.text().split("\"delta\":\\{\"content\":\"\"}", -1)).hasSize(5);
                            assertThat(r.text()).endsWith("data: [DONE]\n\n");
                        }),
                c("sglang: matched_stop on finish, reasoning_content", CHAT, chat("sim-sglang", "hi"),
                        "reasoning_tokens=2", null, r -> {
                            assertThat(r.text()).contains("\"finish_reason\":\"stop\",\"matched_stop\":128009")
                                    .contains("\"reasoning_content\":").endsWith("data: [DONE]\n\n");
                        }),
                c("ollama: role in every chunk, reasoning field, usage in final chunk", CHAT, usageChat("sim-ollama"),
                        "reasoning_tokens=2", null, r -> {
                            assertThat(r.events()).allSatisfy(e -> assertThat(e.encode())
                                    .contains("\"role\":\"assistant\""));
                            assertThat(r.text()).contains("\"reasoning\":").doesNotContain("\"choices\":[]")
                                    .endsWith("data: [DONE]\n\n");
                            JsonObject finish = r.finishes().get(0);
                            assertThat(finish.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(26);
                        }),
                c("crlf: events end with CRLF CRLF", CHAT, chat("sim-openai", "hi"), "crlf=true", null,
                        r -> assertThat(r.text()).contains("}\r\n\r\ndata: ").endsWith("[DONE]\r\n\r\n")),
                c("keepalive: comment lines between chunks", CHAT, chat("sim-openai", "hi"), "keepalive=true", null,
                        r -> assertThat(r.text()).contains("\n\n: keep-alive\n\ndata: ")),
                c("tokens_per_chunk: several tokens per chunk", CHAT, chat("sim-openai", "hi"),
                        "tokens_per_chunk=2;reply=a b c d", null,
                        r -> assertThat(r.contents()).containsExactly("a b", " c d")),
                c("reply: count from 1 to N", CHAT, chat("sim-openai", "Please COUNT from 1 to 5."), null, null,
                        r -> assertThat(r.contents()).containsExactly("1,", " 2,", " 3,", " 4,", " 5")),
                c("reply: JSON prompt", CHAT, chat("sim-openai", "answer in json"), null, null,
                        r -> assertThat(r.joined()).isEqualTo("{\"status\": \"ok\", \"model\": \"sim-openai\"}")),
                c("reply: max_tokens truncates with finish length", CHAT,
                        chatBody("sim-openai", "hi").put("max_tokens", 3).encode(), null, null, r -> {
                            assertThat(r.contents()).hasSize(3);
                            assertThat(r.text()).contains("\"finish_reason\":\"length\"");
                        }),
                c("non-streaming: a plain chat completion", CHAT,
                        chatBody("sim-openai", "count from 1 to 3").put("stream", false).encode(), null, null, r -> {
                            assertThat(r.header("content-type")).isEqualTo("application/json");
                            JsonObject body = new JsonObject(r.text());
                            assertThat(body.getString("object")).isEqualTo("chat.completion");
                            assertThat(body.getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                                    .getString("content")).isEqualTo("1, 2, 3");
                        }),
                c("tgi native: token events, details on the last, no [DONE]", "/generate_stream",
                        new JsonObject().put("inputs", "hi").put("parameters", new JsonObject()
                                .put("max_new_tokens", 3)).encode(), null, null, r -> {
                            assertThat(r.text()).startsWith("data:{\"index\":1,\"token\":{\"id\":")
                                    .doesNotContain("[DONE]");
                            assertThat(r.events()).hasSize(3);
                            JsonObject last = r.events().get(2);
                            assertThat(last.getString("generated_text")).isNotEmpty();
                            assertThat(last.getJsonObject("details").getString("finish_reason")).isEqualTo("length");
                            assertThat(last.getJsonObject("details").getInteger("generated_tokens")).isEqualTo(3);
                            assertThat(r.events().get(0).getValue("details")).isNull();
                        }),
                c("tgi native tgi-3: data with space, eos_token", "/generate_stream",
                        new JsonObject().put("model", "sim-tgi3").put("inputs", "hi").encode(), "reply=a b", null,
                        r -> {
                            assertThat(r.text()).startsWith("data: {\"index\":1");
                            JsonObject last = r.events().get(1);
                            assertThat(last.getString("generated_text")).isEqualTo("a b");
                            assertThat(last.getJsonObject("details").getString("finish_reason"))
                                    .isEqualTo("eos_token");
                        }),
                c("triton: delta text_output, no finish, no [DONE]", "/v2/models/sim-triton/generate_stream",
                        new JsonObject().put("text_input", "hi").put("max_tokens", 8).encode(), "reply=a b c", null,
                        r -> {
                            assertThat(r.data().get(0)).isEqualTo("{\"model_name\":\"sim-triton\","
                                    + "\"model_version\":\"1\",\"sequence_index\":1,\"text_output\":\"a\"}");
                            assertThat(r.events()).extracting(e -> e.getString("text_output"))
                                    .containsExactly("a", " b", " c");
                            assertThat(r.text()).doesNotContain("[DONE]").doesNotContain("finish");
                        }),
                c("triton-cumulative: text_output carries the whole text so far",
                        "/v2/models/sim-triton-cumulative/generate_stream",
                        new JsonObject().put("text_input", "hi").encode(), "reply=a b c", null,
                        r -> assertThat(r.events()).extracting(e -> e.getString("text_output"))
                                .containsExactly("a", "a b", "a b c")),
                c("llama.cpp native: content events then stop event, no [DONE]", "/completion",
                        new JsonObject().put("prompt", "hi there").put("n_predict", 2).put("stream", true).encode(),
                        "reply=a b c", null, r -> {
                            assertThat(r.data().get(0))
                                    .startsWith("{\"content\":\"a\",\"stop\":false,\"id_slot\":0,\"tokens_predicted\":1");
                            JsonObject last = r.events().get(2);
                            assertThat(last.getBoolean("stop")).isTrue();
                            assertThat(last.getString("stop_type")).isEqualTo("limit");
                            assertThat(last.getInteger("tokens_predicted")).isEqualTo(2);
                            assertThat(last.getInteger("tokens_evaluated")).isEqualTo(2);
                            assertThat(last.getJsonObject("timings")).isNotNull();
                            assertThat(r.text()).doesNotContain("[DONE]");
                        }));
    }

    static Stream<Case> faults() {
        String hi = chat("sim-openai", "hi");
        String abc = "reply=a b c d";
        return Stream.of(
                c("status:429 with Retry-After", CHAT, hi, null, "status:429", r -> {
                    assertThat(r.status()).isEqualTo(429);
                    assertThat(r.header("retry-after")).isEqualTo("2");
                    assertThat(new JsonObject(r.text()).getJsonObject("error").getString("type"))
                            .isEqualTo("rate_limit_exceeded");
                }),
                c("status:500", CHAT, hi, null, "status:500", r -> assertThat(r.status()).isEqualTo(500)),
                c("status:503", CHAT, hi, null, "status:503", r -> assertThat(r.status()).isEqualTo(503)),
                c("content_type:text/plain still streams", CHAT, hi, null, "content_type:text/plain", r -> {
                    assertThat(r.header("content-type")).isEqualTo("text/plain");
                    assertThat(r.text()).endsWith("data: [DONE]\n\n");
                }),
                c("malformed@2 breaks one event's JSON", CHAT, hi, abc, "malformed@2", r -> {
                    assertThat(r.data()).hasSize(7);
                    assertThat(r.events()).hasSize(5);
                    assertThat(r.contents()).containsExactly("a", " c", " d");
                }),
                c("no_done drops [DONE]", CHAT, hi, abc, "no_done", r -> {
                    assertThat(r.text()).doesNotContain("[DONE]");
                    assertThat(r.finishes()).hasSize(1);
                }),
                c("no_finish drops the finish chunk", CHAT, hi, abc, "no_finish", r -> {
                    assertThat(r.finishes()).isEmpty();
                    assertThat(r.text()).endsWith("data: [DONE]\n\n");
                }),
                c("no_finish on tgi-2 leaves the last token without finish", CHAT, chat("sim-tgi2", "hi"), abc,
                        "no_finish", r -> assertThat(r.finishes()).isEmpty()),
                c("content_after_finish sends content after the finish chunk", CHAT, hi, abc,
                        "content_after_finish", r -> {
                            List<String> data = r.data();
                            int finishAt = -1;
                            for (int i = 0; i < data.size(); i++) {
                                if (data.get(i).contains("\"finish_reason\":\"stop\"")) {
                                    finishAt = i;
                                }
                            }
                            assertThat(data.get(finishAt + 1)).contains("\"content\":\" extra\"");
                        }),
                c("bare_done sends only [DONE]", CHAT, hi, null, "bare_done",
                        r -> assertThat(r.text()).isEqualTo("data: [DONE]\n\n")),
                c("invalid_utf8@1 puts raw invalid bytes in the content", CHAT, hi, abc, "invalid_utf8@1",
                        r -> assertThat(indexOf(r.bytes(), new byte[] {(byte) 0xC3, (byte) 0x28})).isPositive()),
                c("split_utf8 keeps the text intact across split writes", CHAT, hi, abc, "split_utf8", r -> {
                    assertThat(r.joined()).isEqualTo("a b c d café");
                    assertThat(r.text()).endsWith("data: [DONE]\n\n");
                }),
                c("close@3 ends the body early", CHAT, hi, abc + ";itl_ms=100", "close@3", r -> {
                    assertThat(r.complete()).isFalse();
                    assertThat(r.contents()).containsExactly("a", " b");
                    assertThat(r.text()).doesNotContain("[DONE]");
                }),
                c("reorder@1 swaps the content of chunks 1 and 2", CHAT, hi, abc, "reorder@1",
                        r -> assertThat(r.contents()).containsExactly(" b", "a", " c", " d")),
                c("reorder@2 on tgi native shows in the indices", "/generate_stream",
                        new JsonObject().put("inputs", "hi").encode(), abc, "reorder@2",
                        r -> assertThat(r.events()).extracting(e -> e.getInteger("index")).containsExactly(1, 3, 2, 4)),
                c("duplicate_index@2 on openai uses choice index 1", CHAT, hi, abc, "duplicate_index@2",
                        r -> assertThat(r.events()).extracting(e -> e.getJsonArray("choices").getJsonObject(0)
                                .getInteger("index")).containsExactly(0, 0, 1, 0, 0, 0)),
                c("duplicate_index@2 on triton repeats the sequence index", "/v2/models/sim-triton/generate_stream",
                        new JsonObject().put("text_input", "hi").encode(), abc, "duplicate_index@2",
                        r -> assertThat(r.events()).extracting(e -> e.getInteger("sequence_index"))
                                .containsExactly(1, 1, 3, 4)),
                c("id_change@2 changes the id from chunk 2", CHAT, hi, abc, "id_change@2", r -> {
                    List<String> ids = r.events().stream().map(e -> e.getString("id")).toList();
                    assertThat(ids.get(0)).isEqualTo(ids.get(1));
                    assertThat(ids.get(2)).isNotEqualTo(ids.get(1)).isEqualTo(ids.get(ids.size() - 1));
                }),
                c("oversize@1 carries a content of the given size", CHAT, hi, abc, "oversize@1:100000",
                        r -> assertThat(r.contents().get(0)).hasSize(100_000)),
                c("error@2 sends an error payload and ends without finish", CHAT, hi, abc, "error@2", r -> {
                    assertThat(r.data().get(r.data().size() - 1)).isEqualTo(SseFrames.ERROR_JSON);
                    assertThat(r.finishes()).isEmpty();
                    assertThat(r.text()).doesNotContain("[DONE]");
                    assertThat(r.complete()).isTrue();
                }),
                c("error_event@2 sends an SSE error event", CHAT, hi, abc, "error_event@2",
                        r -> assertThat(r.text()).endsWith("event: error\ndata: " + SseFrames.ERROR_JSON + "\n\n")),
                c("usage_low reports one completion token", CHAT, usageChat("sim-openai"), abc, "usage_low",
                        r -> assertThat(r.text()).contains("\"completion_tokens\":1,")),
                c("refusal replies with a refusal", CHAT, hi, null, "refusal",
                        r -> assertThat(r.joined()).isEqualTo(dev.llmcanary.simulator.Reply.REFUSAL)),
                c("pii replies with personal data", CHAT, hi, null, "pii",
                        r -> assertThat(r.joined()).contains("jane.doe@example.com").contains("123-45-6789")
                                .contains("4111 1111 1111 1111").contains("555-867-5309")),
                c("faults from the profile header", CHAT, hi, "faults=no_done", null,
                        r -> assertThat(r.text()).doesNotContain("[DONE]")),
                c("unknown fault is a 400 naming the fault", CHAT, hi, null, "explode@2", r -> {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.text()).contains("unknown fault 'explode@2'");
                }),
                c("unknown profile key is a 400 naming the key", CHAT, hi, "speed=9", null, r -> {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.text()).contains("unknown profile key 'speed'");
                }),
                c("wrongly typed field is a 400", CHAT,
                        new JsonObject().put("model", "sim-openai").put("messages", "hi").encode(), null, null,
                        r -> assertThat(r.status()).isEqualTo(400)),
                c("unknown model is a 404 with an OpenAI error", CHAT, chat("gpt-nope", "hi"), null, null, r -> {
                    assertThat(r.status()).isEqualTo(404);
                    assertThat(new JsonObject(r.text()).getJsonObject("error").getString("code"))
                            .isEqualTo("model_not_found");
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dialects")
    void dialectShape(Case c) {
        c.check().accept(client.post(c.path(), c.body(), c.headers()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void faultOnTheWire(Case c) {
        c.check().accept(client.post(c.path(), c.body(), c.headers()));
    }

    @Test
    void sameSeedGivesTheSameBodyAndAnotherSeedAnother() {
        Map<String, String> headers = Map.of("x-sim-profile", "ttft_ms=0;itl_ms=0");
        String a = client.post(CHAT, chat("sim-vllm", "hi"), headers).text();
        String b = client.post(CHAT, chat("sim-vllm", "hi"), headers).text();
        String other = client.post(CHAT, chatBody("sim-vllm", "hi").put("seed", 99).encode(), headers).text();
        assertThat(a).isEqualTo(b).isNotEqualTo(other);
    }

    @Test
    void modelsListsTheDefaultModels() {
        Response r = client.get("/v1/models");
        JsonObject body = new JsonObject(r.text());
        assertThat(body.getString("object")).isEqualTo("list");
        assertThat(body.getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("id")))
                .containsExactly("sim-openai", "sim-vllm", "sim-tgi2", "sim-tgi3", "sim-llamacpp", "sim-sglang",
                        "sim-ollama", "sim-triton", "sim-triton-cumulative");
        assertThat(body.getJsonArray("data").getJsonObject(0).getString("owned_by"))
                .isEqualTo("llm-canary-simulator");
    }

    @Test
    void healthRoutesAnswer() {
        Response health = client.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(new JsonObject(health.text()).getString("status")).isEqualTo("ok");
        assertThat(client.get("/v2/health/ready").status()).isEqualTo(200);
    }

    @Test
    void recorderBracketsEveryWriteAndTheFirstTokenComesAfterTtft() {
        Map<String, String> headers = Map.of("x-request-id", "rec-ttft",
                "x-sim-profile", "ttft_ms=60;itl_ms=2;jitter_ms=0;reply=a b c");
        Response response = client.post(CHAT, chat("sim-openai", "hi"), headers);
        assertThat(response.header("x-request-id")).isEqualTo("rec-ttft");
        RecordedRequest r = awaitWritesDone("rec-ttft");
        assertThat(r.model()).isEqualTo("sim-openai");
        assertThat(r.route()).isEqualTo(CHAT);
        assertThat(r.chunks()).extracting(RecordedChunk::kind).containsExactly(ChunkKind.ROLE, ChunkKind.TOKEN,
                ChunkKind.TOKEN, ChunkKind.TOKEN, ChunkKind.FINISH, ChunkKind.DONE);
        assertThat(r.chunks()).allSatisfy(c -> assertThat(c.writeStartNanos())
                .isGreaterThanOrEqualTo(r.headersWrittenNanos()).isLessThanOrEqualTo(c.writeDoneNanos()));
        assertThat(r.headersWrittenNanos()).isGreaterThanOrEqualTo(r.receivedNanos());
        assertThat(r.firstToken()).get().satisfies(c -> assertThat(c.writeStartNanos() - r.receivedNanos())
                .isGreaterThanOrEqualTo(Duration.ofMillis(60).toNanos()));
        assertThat(r.chunks().get(0).writeStartNanos() - r.receivedNanos())
                .isLessThan(Duration.ofMillis(60).toNanos());
    }

    @Test
    void stallDelaysTheGivenTokenChunk() {
        client.post(CHAT, chat("sim-openai", "hi"), Map.of("x-request-id", "rec-stall",
                "x-sim-profile", FAST + ";reply=a b c", "x-sim-fault", "stall@2:150"));
        RecordedRequest r = awaitWritesDone("rec-stall");
        List<RecordedChunk> tokens = r.chunks().stream().filter(c -> c.kind() == ChunkKind.TOKEN).toList();
        // The schedule is absolute from receipt, so the stall shows against the received time.
        assertThat(tokens.get(0).writeStartNanos() - r.receivedNanos())
                .isLessThan(Duration.ofMillis(150).toNanos());
        assertThat(tokens.get(1).writeStartNanos() - r.receivedNanos())
                .isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
    }

    @Test
    void idleChunksKeepWritingWithoutATokenUntilTheGivenTokenChunk() {
        client.post(CHAT, chat("sim-openai", "hi"), Map.of("x-request-id", "rec-idle",
                "x-sim-profile", FAST + ";reply=a b c", "x-sim-fault", "idle_chunks@2:100"));
        RecordedRequest r = awaitWritesDone("rec-idle");
        List<RecordedChunk> tokens = r.chunks().stream().filter(c -> c.kind() == ChunkKind.TOKEN).toList();
        List<RecordedChunk> idle = r.chunks().stream().filter(c -> c.kind() == ChunkKind.EMPTY).toList();
        // One token-less chunk every 10 ms in the 100 ms before token 2, all between token 1 and token 2.
        assertThat(idle).hasSize(9);
        assertThat(idle).allSatisfy(c -> assertThat(c.writeStartNanos())
                .isGreaterThan(tokens.get(0).writeStartNanos()).isLessThan(tokens.get(1).writeStartNanos()));
        // The schedule is absolute from receipt, so the pause shows against the received time.
        assertThat(tokens.get(1).writeStartNanos() - r.receivedNanos())
                .isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(client.post(CHAT, chat("sim-openai", "hi"), Map.of("x-sim-profile", FAST + ";reply=a b c",
                "x-sim-fault", "idle_chunks@2:30")).text()).contains("\"delta\":{\"content\":\"\"}");
    }

    @Test
    void slowHeadersDelaysTheHeaders() {
        client.post(CHAT, chat("sim-openai", "hi"), Map.of("x-request-id", "rec-headers",
                "x-sim-profile", FAST, "x-sim-fault", "slow_headers:100"));
        RecordedRequest r = awaitWritesDone("rec-headers");
        assertThat(r.headersWrittenNanos() - r.receivedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(r.firstToken().orElseThrow().writeStartNanos()).isGreaterThanOrEqualTo(r.headersWrittenNanos());
    }

    @Test
    void requestWithoutIdGetsAGeneratedOne() {
        Response response = client.post(CHAT, chat("sim-openai", "hi"), Map.of("x-sim-profile", FAST));
        String id = response.header("x-request-id");
        assertThat(id).startsWith("sim-");
        assertThat(server.recorder().get(id)).isPresent();
    }

    @Test
    void recordingsAreServedOverHttpAndCleared() {
        client.post(CHAT, chat("sim-openai", "hi"), Map.of("x-request-id", "rec-http", "x-sim-profile", FAST));
        awaitWritesDone("rec-http");
        Response found = client.get("/sim/requests/rec-http");
        assertThat(found.status()).isEqualTo(200);
        JsonObject body = new JsonObject(found.text());
        assertThat(body.getString("requestId")).isEqualTo("rec-http");
        assertThat(body.getJsonArray("chunks").getJsonObject(1).getString("kind")).isEqualTo("TOKEN");
        assertThat(client.get("/sim/requests/nope").status()).isEqualTo(404);
        assertThat(client.send("DELETE", "/sim/requests", null, Map.of()).status()).isEqualTo(204);
        assertThat(client.get("/sim/requests/rec-http").status()).isEqualTo(404);
    }

    private static RecordedRequest awaitWritesDone(String id) {
        await().atMost(Duration.ofSeconds(5)).until(() -> server.recorder().get(id)
                .map(r -> !r.chunks().isEmpty() && r.chunks().stream().allMatch(c -> c.writeDoneNanos() > 0))
                .orElse(false));
        return server.recorder().get(id).orElseThrow();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
