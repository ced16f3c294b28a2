package dev.llmcanary.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an inference request body the simulator acts on, normalised over the route's field names.
 *
 * @param model     null when the body names none (native routes)
 * @param maxTokens null means no limit
 * @param seed      null means the profile's seed
 */
record SimRequest(Route route, String model, String prompt, Integer maxTokens, Long seed, boolean stream,
                  boolean includeUsage, List<String> stop) {

    /** Reads the body of {@code route}; {@code pathModel} is the Triton model from the URL, else null. */
    static SimRequest parse(Route route, JsonObject body, String pathModel) {
        String model = pathModel != null ? pathModel : body.getString("model");
        List<String> stop = stops(body.getValue("stop"));
        return switch (route) {
            case CHAT -> new SimRequest(route, model, lastUserMessage(body.getJsonArray("messages")),
                    firstInt(body, "max_completion_tokens", "max_tokens"), seed(body),
                    body.getBoolean("stream", false), includeUsage(body), stop);
            case COMPLETIONS -> new SimRequest(route, model, text(body.getValue("prompt")),
                    firstInt(body, "max_tokens"), seed(body), body.getBoolean("stream", false),
                    includeUsage(body), stop);
            case TGI -> {
                JsonObject params = body.getJsonObject("parameters", new JsonObject());
                yield new SimRequest(route, model, text(body.getValue("inputs")),
                        firstInt(params, "max_new_tokens"), seed(params), true, false,
                        stops(params.getValue("stop")));
            }
            case TRITON -> new SimRequest(route, model, text(body.getValue("text_input")),
                    firstInt(body, "max_tokens"), seed(body), true, false, stop);
            case LLAMACPP -> {
                Integer n = firstInt(body, "n_predict");
                yield new SimRequest(route, model, text(body.getValue("prompt")), n != null && n < 0 ? null : n,
                        seed(body), body.getBoolean("stream", false), false, stop);
            }
        };
    }

    /** A whitespace word count, the simulator's stand-in for prompt tokens. */
    int promptTokens() {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < prompt.length(); i++) {
            boolean space = Character.isWhitespace(prompt.charAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return Math.max(1, words);
    }

    private static String lastUserMessage(JsonArray messages) {
        if (messages == null) {
            return "";
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            Object m = messages.getValue(i);
            if (m instanceof JsonObject msg && "user".equals(msg.getString("role"))) {
                return text(msg.getValue("content"));
            }
        }
        return "";
    }

    /** A string, or the text parts of an array (chat content parts, batched prompts). */
    private static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof JsonArray array) {
            StringBuilder sb = new StringBuilder();
            for (Object part : array) {
                if (part instanceof String s) {
                    sb.append(s);
                } else if (part instanceof JsonObject obj && obj.getValue("text") instanceof String s) {
                    sb.append(s);
                }
            }
            return sb.toString();
        }
        return "";
    }

    private static Integer firstInt(JsonObject obj, String... keys) {
        for (String key : keys) {
            if (obj.getValue(key) instanceof Number n) {
                return n.intValue();
            }
        }
        return null;
    }

    private static Long seed(JsonObject obj) {
        return obj.getValue("seed") instanceof Number n ? n.longValue() : null;
    }

    private static boolean includeUsage(JsonObject body) {
        JsonObject options = body.getJsonObject("stream_options");
        return options != null && options.getBoolean("include_usage", false);
    }

    private static List<String> stops(Object value) {
        List<String> stops = new ArrayList<>();
        if (value instanceof String s && !s.isEmpty()) {
            stops.add(s);
        } else if (value instanceof JsonArray array) {
            for (Object o : array) {
                if (o instanceof String s && !s.isEmpty()) {
                    stops.add(s);
                }
            }
        }
        return List.copyOf(stops);
    }
}
