package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.loadprobe.scenario.Scenario;
import dev.llmcanary.client.Endpoint;

import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves a validated scenario (plus on-demand overrides) into the runner's plan JSON: the endpoint URL, headers,
 * request shape, arrival profile, assertions and guards. The probe targets the pool's first endpoint: one probe
 * measures one server's capacity, which is what a baseline can be compared with.
 */
public final class PlanWriter {

    private final ObjectMapper json;

    public PlanWriter(ObjectMapper json) {
        this.json = json;
    }

    /**
     * @param extraHeaders headers added to every request (the API key, simulator profiles in tests)
     * @param rateShare    share of the rate this runner injects (1 locally, 1/N per pod of a sharded Job)
     */
    public ObjectNode plan(Scenario s, Pool pool, Overrides o, Map<String, String> extraHeaders, Path output,
                           double rateShare, double timeoutSeconds) {
        Endpoint endpoint = pool.endpoints().get(0);
        String base = endpoint.baseUrl().toString().replaceAll("/+$", "");
        ObjectNode plan = json.createObjectNode();
        plan.put("scenario", s.id());
        plan.put("pool", s.pool());
        plan.put("url", base + pool.flavor().path(s.model()));
        ObjectNode headers = plan.putObject("headers");
        extraHeaders.forEach(headers::put);
        plan.put("api", s.api() == Scenario.Api.CHAT ? "chat" : "completions");
        plan.put("model", s.model());
        ArrayNode mix = plan.putArray("promptMix");
        s.promptMix().forEach(p -> mix.addObject().put("bucket", p.bucket()).put("weight", p.weight()));
        if (s.maxPromptTokens() != null) {
            plan.put("maxPromptTokens", s.maxPromptTokens());
        }
        if (!s.prompts().isEmpty()) {
            ArrayNode prompts = plan.putArray("prompts");
            s.prompts().forEach(prompts::add);
        }
        plan.put("maxTokensMin", s.maxTokens().min());
        plan.put("maxTokensMax", s.maxTokens().max());
        Scenario.Arrival a = s.arrival();
        ObjectNode arrival = plan.putObject("arrival");
        arrival.put("kind", a.kind().name().toLowerCase(java.util.Locale.ROOT));
        double rate = o.rate() != null ? o.rate() : a.rate();
        arrival.put("rate", rate);
        arrival.put("from", a.from());
        arrival.put("to", a.kind() == Scenario.Arrival.Kind.RAMP ? rate : a.to());
        arrival.put("step", a.step());
        arrival.put("steps", a.steps());
        arrival.put("stepSeconds", a.stepDuration() == null ? 0 : a.stepDuration().toMillis() / 1000.0);
        arrival.put("poisson", a.poisson());
        plan.put("durationSeconds", seconds(s, o));
        ObjectNode asserts = plan.putObject("assertions");
        Scenario.Assertions as = s.assertions();
        putIf(asserts, "ttftP95", as.ttftP95());
        putIf(asserts, "ttftP99", as.ttftP99());
        putIf(asserts, "e2eP95", as.e2eP95());
        putIf(asserts, "maxErrorPercent", as.maxErrorPercent());
        putIf(asserts, "minOutputTokensPerSecond", as.minOutputTokensPerSecond());
        ObjectNode abort = plan.putObject("abort");
        abort.put("maxErrorPercent", s.abort().maxErrorPercent());
        putIf(abort, "maxTtftSeconds", s.abort().maxTtftSeconds());
        abort.put("minRequests", s.abort().minRequests());
        plan.put("timeoutSeconds", timeoutSeconds);
        plan.put("rateShare", rateShare);
        plan.put("output", output.toAbsolutePath().toString());
        plan.put("seed", s.id().hashCode());
        return plan;
    }

    /**
     * The mean arrival rate the run was asked for (new streams per second, overrides applied): the rate of a constant
     * profile, the middle of a ramp; {@code null} for stairs, whose steps carry their own rates.
     */
    public static Double targetRate(Scenario s, Overrides o) {
        Scenario.Arrival a = s.arrival();
        double rate = o.rate() != null ? o.rate() : a.rate();
        return switch (a.kind()) {
            case CONSTANT -> rate;
            case RAMP -> (a.from() + rate) / 2;
            case STAIRS -> null;
        };
    }

    /** The run's planned length with overrides applied. */
    public static double seconds(Scenario s, Overrides o) {
        if (s.arrival().kind() == Scenario.Arrival.Kind.STAIRS) {
            return s.plannedDuration().toMillis() / 1000.0;
        }
        return (o.duration() != null ? o.duration() : s.duration()).toMillis() / 1000.0;
    }

    private static void putIf(ObjectNode n, String key, Double v) {
        if (v != null) {
            n.put(key, v);
        }
    }
}
