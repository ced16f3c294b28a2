package dev.llmcanary.canary.config;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Message;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.ThresholdOverrides;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.client.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@link Catalog}: target expansion over pools, endpoints and models, and the thresholds a canary is judged by. */
class CatalogTest {

    private static final SloClass FAST = new SloClass("fast", new Thresholds(1.0, 2.0, null, 2, 10, 120), 0.99, 0.95);
    private static final Pool CHAT_A = pool("chat-a", Flavor.OPENAI_CHAT, List.of("e0", "e1"), List.of("m1", "m2"));
    private static final Pool CHAT_B = pool("chat-b", Flavor.OPENAI_CHAT, List.of("e0"), List.of("m2", "m3"));
    private static final Pool TGI = pool("tgi", Flavor.TGI_GENERATE, List.of("e0"), List.of("m1"));
    private static final Pool COMPLETIONS = pool("completions", Flavor.OPENAI_COMPLETIONS, List.of("e0"), List.of("m1"));
    private static final Catalog CATALOG = new Catalog(Map.of("fast", FAST), List.of(CHAT_A, CHAT_B, TGI, COMPLETIONS),
            List.of(), Instant.EPOCH);

    static Stream<Arguments> targetCases() {
        return Stream.of(
                arguments("chat on every pool and model reaches every chat endpoint and model",
                        canary(Api.CHAT, List.of("*"), List.of("*")),
                        List.of("chat-a/e0/m1", "chat-a/e0/m2", "chat-a/e1/m1", "chat-a/e1/m2", "chat-b/e0/m2",
                                "chat-b/e0/m3")),
                arguments("completion on every pool skips chat flavors",
                        canary(Api.COMPLETION, List.of("*"), List.of("*")),
                        List.of("tgi/e0/m1", "completions/e0/m1")),
                arguments("listed models filter each pool's models",
                        canary(Api.CHAT, List.of("m2"), List.of("*")),
                        List.of("chat-a/e0/m2", "chat-a/e1/m2", "chat-b/e0/m2")),
                arguments("listed pools filter the pools",
                        canary(Api.CHAT, List.of("*"), List.of("chat-b")),
                        List.of("chat-b/e0/m2", "chat-b/e0/m3")),
                arguments("a listed pool whose flavor does not fit the api gives nothing",
                        canary(Api.CHAT, List.of("*"), List.of("tgi")),
                        List.of()),
                arguments("a model no selected pool serves gives nothing",
                        canary(Api.CHAT, List.of("m9"), List.of("*")),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targetCases")
    void expandsTargets(String name, CanaryDefinition canary, List<String> expected) {
        assertThat(CATALOG.targets(canary)).map(t -> t.pool().name() + "/" + t.endpoint().name() + "/" + t.model())
                .containsExactlyElementsOf(expected);
    }

    @Test
    void thresholdsOfTightensTheClass() {
        CanaryDefinition c = canary(Api.CHAT, List.of("*"), List.of("*"));
        Catalog catalog = new Catalog(Map.of("fast", FAST), List.of(), List.of(c), Instant.EPOCH);

        assertThat(catalog.sloClassOf(c)).isEqualTo(FAST);
        assertThat(catalog.thresholdsOf(c)).isEqualTo(new Thresholds(0.5, 2.0, null, 2, 10, 120));
        assertThat(catalog.canary("c")).contains(c);
        assertThat(catalog.pool("nope")).isEmpty();
    }

    @Test
    void rejectsACanaryWithAnUnknownClass() {
        CanaryDefinition c = canary(Api.CHAT, List.of("*"), List.of("*"));

        assertThatThrownBy(() -> new Catalog(Map.of(), List.of(), List.of(c), Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "require_done {0} on {1} → {2}")
    @MethodSource("requireDoneCases")
    void resolvesRequireDone(RequireDone requireDone, Flavor flavor, boolean expected) {
        Pool p = new Pool("p", "gpu", flavor, List.of(), List.of("m"), null, requireDone, Cumulative.AUTO, Map.of());
        assertThat(p.requiresDone()).isEqualTo(expected);
    }

    static Stream<Arguments> requireDoneCases() {
        return Stream.of(
                arguments(RequireDone.AUTO, Flavor.OPENAI_CHAT, true),
                arguments(RequireDone.AUTO, Flavor.TGI_GENERATE, false),
                arguments(RequireDone.FALSE, Flavor.OPENAI_CHAT, false),
                arguments(RequireDone.TRUE, Flavor.TRITON_GENERATE, true));
    }

    private static Pool pool(String name, Flavor flavor, List<String> endpoints, List<String> models) {
        return new Pool(name, "gpu", flavor,
                endpoints.stream().map(e -> new Endpoint(e, URI.create("http://" + e + ":8000"))).toList(), models,
                null, RequireDone.AUTO, Cumulative.AUTO, Map.of());
    }

    private static CanaryDefinition canary(Api api, List<String> models, List<String> pools) {
        return new CanaryDefinition("c", null, models, pools, "fast", api,
                api == Api.CHAT ? List.of(new Message("user", "hi")) : List.of(), api == Api.CHAT ? null : "hi", 16,
                null, null, List.of(), null, Duration.ofSeconds(60), Map.of(),
                new ThresholdOverrides(0.5, null, null, null, null, null), List.of(), true, "canaries/c.yaml");
    }
}
