package dev.llmcanary.client;

import dev.llmcanary.consistency.IdentitySource;
import dev.llmcanary.consistency.IdentityTracker;
import dev.llmcanary.stream.Flavor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Which pieces of its identity a server of each flavor reports, and where: read from responses the service already
 * gets (the stream's {@code system_fingerprint} and {@code Server} header, the {@code /v1/models} entry), or from a
 * flavor's native identity route. Every value leaves here {@link IdentityTracker#readable readable}: the target's text
 * is never kept as sent.
 *
 * <p>What is <em>not</em> identity: {@code /v1/models} {@code created} — vLLM and SGLang stamp it with the time the
 * list was asked for (vLLM: {@code int(time.time())} per request), so it changes at every check and would report a
 * change every 30 s; {@code max_model_len} and {@code permission} describe settings, not the weights.
 */
public final class ServedIdentity {

    private ServedIdentity() {
    }

    /** The sources a server of {@code flavor} can report: what {@code expected_identity:} may pin. */
    public static Set<IdentitySource> sources(Flavor flavor) {
        Set<IdentitySource> s = EnumSet.of(IdentitySource.SERVER);
        switch (flavor) {
            case OPENAI_CHAT, OPENAI_COMPLETIONS -> s.addAll(EnumSet.of(IdentitySource.FINGERPRINT,
                    IdentitySource.MODEL_ROOT, IdentitySource.OWNED_BY));
            case TGI_GENERATE -> s.addAll(EnumSet.of(IdentitySource.MODEL_ID, IdentitySource.MODEL_SHA,
                    IdentitySource.VERSION));
            case LLAMACPP_COMPLETION -> s.addAll(EnumSet.of(IdentitySource.MODEL_PATH, IdentitySource.VERSION));
            case TRITON_GENERATE -> s.addAll(EnumSet.of(IdentitySource.MODEL_VERSION, IdentitySource.PLATFORM));
        }
        return s;
    }

    /**
     * The flavor's native identity route for {@code model}, or {@code null} when it has none: TGI {@code /info},
     * llama.cpp server {@code /props}, Triton's model metadata {@code /v2/models/{model}} (one request per model).
     */
    public static String nativePath(Flavor flavor, String model) {
        return switch (flavor) {
            case TGI_GENERATE -> "/info";
            case LLAMACPP_COMPLETION -> "/props";
            case TRITON_GENERATE -> "/v2/models/" + model;
            default -> null;
        };
    }

    /** Whether one native answer speaks for every model of the endpoint (TGI and llama.cpp serve one model). */
    public static boolean nativePerEndpoint(Flavor flavor) {
        return flavor == Flavor.TGI_GENERATE || flavor == Flavor.LLAMACPP_COMPLETION;
    }

    /** {@code root} and {@code owned_by} of one {@code /v1/models} entry. */
    static Map<IdentitySource, String> fromModelEntry(JsonObject entry) {
        Map<IdentitySource, String> out = new EnumMap<>(IdentitySource.class);
        put(out, IdentitySource.MODEL_ROOT, entry.getValue("root"));
        put(out, IdentitySource.OWNED_BY, entry.getValue("owned_by"));
        return out;
    }

    /**
     * What a native identity route answered; empty when the body is not the JSON object the flavor's server sends.
     * llama.cpp names its model file in {@code model_path} (recent builds) or
     * {@code default_generation_settings.model} (older ones); Triton lists {@code versions} as an array.
     */
    static Map<IdentitySource, String> fromNative(Flavor flavor, Buffer body) {
        Map<IdentitySource, String> out = new EnumMap<>(IdentitySource.class);
        JsonObject o;
        try {
            o = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            return out;
        }
        switch (flavor) {
            case TGI_GENERATE -> {
                put(out, IdentitySource.MODEL_ID, o.getValue("model_id"));
                put(out, IdentitySource.MODEL_SHA, o.getValue("model_sha"));
                put(out, IdentitySource.VERSION, o.getValue("version"));
            }
            case LLAMACPP_COMPLETION -> {
                Object path = o.getValue("model_path");
                if (path == null && o.getValue("default_generation_settings") instanceof JsonObject d) {
                    path = d.getValue("model");
                }
                put(out, IdentitySource.MODEL_PATH, path);
                put(out, IdentitySource.VERSION, o.getValue("build_info"));
            }
            case TRITON_GENERATE -> {
                if (o.getValue("versions") instanceof JsonArray versions) {
                    // "+", not ",": a comma is no identifier character and would turn the list into a hash
                    StringJoiner j = new StringJoiner("+");
                    versions.forEach(v -> j.add(String.valueOf(v)));
                    put(out, IdentitySource.MODEL_VERSION, j.toString());
                }
                put(out, IdentitySource.PLATFORM, o.getValue("platform"));
            }
            default -> {
            }
        }
        return out;
    }

    /** Only strings count; each is made readable (an identifier, else a hash prefix). */
    private static void put(Map<IdentitySource, String> out, IdentitySource source, Object value) {
        if (value instanceof String s) {
            String r = IdentityTracker.readable(s);
            if (r != null) {
                out.put(source, r);
            }
        }
    }
}
