package dev.llmcanary.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Message;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.ThresholdOverrides;
import dev.llmcanary.consistency.Consistency;
import dev.llmcanary.guardrail.Guardrail;
import dev.llmcanary.guardrail.Guardrails;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds canary definitions and targets for tests that drive the real runner against the simulator. */
public final class Canaries {

    private static final YAMLMapper YAML = new YAMLMapper();

    private final String id;
    private String sloClass = "streaming";
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final List<Guardrail> guardrails = new ArrayList<>();
    private ThresholdOverrides thresholds;
    private String prompt = "Say hello.";
    private int maxTokens = 64;
    private Double topP;
    private List<String> stop = List.of();
    private Consistency consistency;
    private dev.llmcanary.consistency.Golden golden;
    private List<String> pools = List.of("*");
    private List<String> models = List.of("*");

    private Canaries(String id) {
        this.id = id;
    }

    public static Canaries canary(String id) {
        return new Canaries(id);
    }

    public Canaries sloClass(String c) {
        this.sloClass = c;
        return this;
    }

    /** Simulator faults, comma-separated, e.g. {@code stall@3:600}. */
    public Canaries fault(String faults) {
        headers.put("x-sim-fault", faults);
        return this;
    }

    /** Simulator profile overrides, e.g. {@code ttft_ms=0;itl_ms=1}. */
    public Canaries profile(String profile) {
        headers.put("x-sim-profile", profile);
        return this;
    }

    public Canaries prompt(String p) {
        this.prompt = p;
        return this;
    }

    public Canaries maxTokens(int n) {
        this.maxTokens = n;
        return this;
    }

    public Canaries topP(Double p) {
        this.topP = p;
        return this;
    }

    /** Compares the canary's answers across its pool's endpoints. */
    public Canaries consistency(Consistency c) {
        this.consistency = c;
        return this;
    }

    /** Holds every answer to a pinned golden answer. */
    public Canaries golden(dev.llmcanary.consistency.Golden g) {
        this.golden = g;
        return this;
    }

    /** Only these pools and models (default every one, {@code *}): a canary put in a running catalog stays put. */
    public Canaries targets(List<String> pools, List<String> models) {
        this.pools = List.copyOf(pools);
        this.models = List.copyOf(models);
        return this;
    }

    public Canaries stop(String... sequences) {
        this.stop = List.of(sequences);
        return this;
    }

    public Canaries thresholds(ThresholdOverrides t) {
        this.thresholds = t;
        return this;
    }

    /** A guardrail from its YAML form, e.g. {@code guardrail("contains", "Paris")}. */
    public Canaries guardrail(String kind, String yamlSpec) {
        try {
            JsonNode spec = YAML.readTree(yamlSpec);
            guardrails.add(Guardrails.create(kind, spec));
        } catch (Exception e) {
            throw new IllegalArgumentException(kind + ": " + e.getMessage(), e);
        }
        return this;
    }

    public CanaryDefinition build(Api api) {
        List<Message> messages = api == Api.CHAT ? List.of(new Message("user", prompt)) : List.of();
        return new CanaryDefinition(id, "test canary", models, pools, sloClass, api, messages,
                api == Api.COMPLETION ? prompt : null, maxTokens, 0.0, 7L, stop, null, Duration.ofSeconds(60),
                Map.copyOf(headers), thresholds, List.copyOf(guardrails), true, "test",
                CanaryDefinition.Priority.NORMAL, topP, consistency, golden);
    }

    /** The target on {@code pool}'s first endpoint for {@code model}, with an API that fits the pool's flavor. */
    public Target on(Catalog catalog, String pool, String model) {
        Pool p = catalog.pool(pool).orElseThrow(() -> new IllegalArgumentException("no pool " + pool));
        CanaryDefinition d = build(p.flavor().chat() ? Api.CHAT : Api.COMPLETION);
        return new Target(d, p, p.endpoints().get(0), model);
    }
}
