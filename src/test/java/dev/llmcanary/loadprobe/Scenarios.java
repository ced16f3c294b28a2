package dev.llmcanary.loadprobe;

import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.loadprobe.scenario.Scenario;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.client.Endpoint;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Test scenarios and pools built directly (the loader has its own tests). */
final class Scenarios {

    private Scenarios() {
    }

    static Scenario constant(double rate, Duration duration, Scenario.Assertions assertions, Scenario.AbortGuards abort,
                             int minSamples) {
        return new Scenario("probe-test", "scenarios/probe-test.yaml", null, "sim", "sim-openai", Scenario.Api.CHAT,
                List.of(new Scenario.PromptShare("<=1k", 1)), new Scenario.MaxTokens(8, 8),
                new Scenario.Arrival(Scenario.Arrival.Kind.CONSTANT, rate, rate, rate, 0, 1, null, false), duration,
                assertions, null, abort, new Scenario.Tolerances(50, 30, 30, 1, 0, minSamples));
    }

    static Scenario stairs(Scenario.Assertions assertions) {
        return new Scenario("stairs-test", "scenarios/stairs-test.yaml", null, "sim", "sim-openai", Scenario.Api.CHAT,
                List.of(new Scenario.PromptShare("<=1k", 1)), new Scenario.MaxTokens(8, 8),
                new Scenario.Arrival(Scenario.Arrival.Kind.STAIRS, 8, 2, 8, 2, 4, Duration.ofSeconds(10), false), null,
                assertions, null, Scenario.AbortGuards.DEFAULT, new Scenario.Tolerances(20, 10, 15, 1, 0, 1));
    }

    static Pool pool(String url) {
        return new Pool("sim", "h100", Flavor.OPENAI_CHAT, List.of(new Endpoint("sim-0", URI.create(url))),
                List.of("sim-openai"), null, RequireDone.AUTO, Cumulative.AUTO, Map.of());
    }
}
