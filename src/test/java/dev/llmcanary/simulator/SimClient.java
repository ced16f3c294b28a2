package dev.llmcanary.simulator;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A blocking test client that reads a whole (possibly cut) response body over a real socket. */
final class SimClient {

    /** Keeps tests fast: no waits unless a case asks for them. */
    static final String FAST = "ttft_ms=0;itl_ms=0;jitter_ms=0";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    SimClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Response send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean complete = true;
            try (InputStream in = r.body()) {
                in.transferTo(out);
            } catch (IOException e) {
                complete = false;
            }
            return new Response(r.statusCode(), r.headers(), out.toByteArray(), complete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response post(String path, String body, Map<String, String> headers) {
        return send("POST", path, body, headers);
    }

    Response get(String path) {
        return send("GET", path, null, Map.of());
    }

    static String chat(String model, String prompt) {
        return chatBody(model, prompt).encode();
    }

    static JsonObject chatBody(String model, String prompt) {
        return new JsonObject().put("model", model).put("stream", true)
                .put("messages", new io.vertx.core.json.JsonArray()
                        .add(new JsonObject().put("role", "system").put("content", "be brief"))
                        .add(new JsonObject().put("role", "user").put("content", prompt)));
    }

    /** A response: status, headers, the raw body bytes and whether the body ended cleanly. */
    record Response(int status, HttpHeaders headers, byte[] bytes, boolean complete) {

        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The payloads of {@code data:} lines, with or without the space. */
        List<String> data() {
            List<String> out = new ArrayList<>();
            for (String line : text().split("\r?\n")) {
                if (line.startsWith("data: ")) {
                    out.add(line.substring(6));
                } else if (line.startsWith("data:")) {
                    out.add(line.substring(5));
                }
            }
            return out;
        }

        /** The data payloads that parse as JSON objects. */
        List<JsonObject> events() {
            List<JsonObject> out = new ArrayList<>();
            for (String d : data()) {
                try {
                    out.add(new JsonObject(d));
                } catch (RuntimeException e) {
                    // [DONE] and deliberately malformed events are not JSON objects.
                }
            }
            return out;
        }

        /** The content of each OpenAI chunk that has a first choice with content or text, in order. */
        List<String> contents() {
            List<String> out = new ArrayList<>();
            for (JsonObject e : events()) {
                var choices = e.getJsonArray("choices");
                if (choices == null || choices.isEmpty()) {
                    continue;
                }
                JsonObject choice = choices.getJsonObject(0);
                JsonObject delta = choice.getJsonObject("delta");
                String c = delta != null ? delta.getString("content") : choice.getString("text");
                if (c != null && !c.isEmpty()) {
                    out.add(c);
                }
            }
            return out;
        }

        String joined() {
            return String.join("", contents());
        }

        List<JsonObject> finishes() {
            List<JsonObject> out = new ArrayList<>();
            for (JsonObject e : events()) {
                var choices = e.getJsonArray("choices");
                if (choices != null && !choices.isEmpty() && choices.getJsonObject(0).getValue("finish_reason") != null) {
                    out.add(e);
                }
            }
            return out;
        }
    }
}
