package dev.llmcanary.loadprobe.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.stopLoadGeneratorIf;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.sse;

/**
 * The one generic load-probe simulation: every virtual user opens one streaming request (an SSE POST) to the plan's
 * endpoint at the plan's open-model arrival rate. Gatling records three stats per stream — {@code stream} (until
 * response headers), {@code ttft} (until the first token-bearing event) and {@code rest} (first token to
 * {@code [DONE]}) — while {@link Recorder} measures TTFT, e2e and tokens per stream from its own timestamps and
 * writes {@code summary.json}. Run by hand: {@code ./mvnw -f gatling/pom.xml gatling:test -Dplan=plan.json}.
 */
public class StreamingProbeSimulation extends Simulation {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A token-bearing OpenAI event: non-empty delta content / text (Gatling embeds the event's JSON as "data"). */
    private static final String TOKEN_EVENT = "\"(?:content|text|reasoning_content)\":\"[^\"]";
    /** The usage event, sent last before [DONE] when the request asks for stream_options.include_usage. */
    private static final String USAGE_EVENT = "\"completion_tokens\":(\\d+)";

    private static final int WARM_UP_STREAMS = 5;

    private final Plan plan = readPlan();
    private final Recorder recorder = new Recorder(plan);
    private final java.util.Queue<String> streams = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Prompts prompts = new Prompts(plan.promptMix(), plan.maxPromptTokens(), plan.prompts());
    private final Rejections rejections = new Rejections(plan);
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "probe-progress");
        t.setDaemon(true);
        return t;
    });
    private final Duration timeout = Duration.ofMillis((long) (plan.timeoutSeconds() * 1000));

    /** The protocol: no base URL caching tricks, one connection per virtual user (as separate clients would). */
    private final HttpProtocolBuilder protocol = http.sseUnmatchedInboundMessageBufferSize(100_000).warmUp(plan.url().replaceAll("/v1/.*", "/health"));

    /**
     * One stream: connect and, in one check sequence (no gap in which an event could slip by unchecked), await the
     * first token, the usage event and {@code [DONE]}. Each check stamps the monotonic clock when its event arrives
     * (a transform runs as the event is checked), which is what {@link Recorder} measures from.
     */
    private final ChainBuilder stream = exec(stopLoadGeneratorIf(s -> recorder.abortReason(),
                    s -> recorder.abortReason() != null))
            .exec(s -> s.set("t0", System.nanoTime()).set("at", recorder.sinceProbeStart(s.contains("warmUp"))).set("body", body(s.userId()))
                    .set("rid", java.util.UUID.randomUUID().toString()))
            .exec(sse("stream").post(plan.url()).headers(plan.headers())
                    .header("content-type", "application/json")
                    .header("x-request-id", "#{rid}")
                    .body(StringBody("#{body}"))
                    .await(timeout).on(
                            sse.checkMessage("ttft").matching(regex(TOKEN_EVENT))
                                    .check(regex(TOKEN_EVENT).find().transform(x -> System.nanoTime()).saveAs("t1"),
                                            bodyString().transform(StreamingProbeSimulation::malformed)
                                                    .saveAs("malformedFirst")),
                            sse.checkMessage("usage").matching(regex(USAGE_EVENT))
                                    .check(regex(USAGE_EVENT).find().transform(Long::parseLong).saveAs("tokens"),
                                            regex(USAGE_EVENT).transform(x -> System.nanoTime()).saveAs("tUsage")),
                            sse.checkMessage("done").matching(substring("[DONE]"))
                                    .check(substring("[DONE]").find().transform(x -> System.nanoTime()).saveAs("t2"))))
            .exec(s -> s.set("tEnd", System.nanoTime()))
            // every event no check consumed (the tokens after the first, role chunks, error events): counted, and
            // each must carry JSON data, so a malformed event mid-stream is an error even if [DONE] follows
            .exec(sse.processUnmatchedMessages((messages, s) -> s.set("events", messages.size())
                    .set("malformed", messages.stream().anyMatch(m -> malformed(m.message())))))
            .exec(this::account)
            .exec(sse("close").close())
            .exec(Session::markAsSucceeded);

    private final ScenarioBuilder probe = scenario(plan.scenario() == null ? "probe" : plan.scenario()).exec(stream);

    /**
     * A few streams before the probe, one after the other and not recorded: the first streams of a fresh JVM run
     * through cold code (JIT, class loading) and would otherwise be the run's p95 on short probes.
     */
    private final ScenarioBuilder warmUp = scenario("warm-up").exec(s -> s.set("warmUp", true))
            .repeat(WARM_UP_STREAMS).on(exec(stream));

    {
        setUp(warmUp.injectOpen(atOnceUsers(1)).protocols(protocol)
                .andThen(probe.injectOpen(injection()).protocols(protocol)))
                .assertions(assertions())
                .maxDuration(Duration.ofMillis((long) ((plan.plannedSeconds() + plan.timeoutSeconds()) * 1000)));
    }

    @Override
    public void before() {
        ticker.scheduleAtFixedRate(() -> recorder.tick(System.out), 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void after() {
        ticker.shutdownNow();
        rejections.first(timeout).ifPresent(recorder::firstRejection);
        try {
            recorder.writeSummary(Path.of(plan.output() == null ? "target/probe" : plan.output(), "summary.json"));
            if (plan.streamsFile() != null) {
                java.nio.file.Files.write(Path.of(plan.streamsFile()), streams);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("{\"type\":\"done\",\"aborted\":" + (recorder.abortReason() == null ? "null"
                : "\"" + recorder.abortReason() + "\"") + "}");
    }

    private Session account(Session s) {
        if (s.contains("warmUp")) {
            return s;
        }
        double at = s.getDouble("at");
        long t0 = s.getLong("t0");
        double limit = timeout.toMillis() / 1000.0;
        double ended = (s.getLong("tEnd") - t0) / 1e9;
        boolean malformed = s.contains("malformed") && s.getBoolean("malformed")
                || s.contains("malformedFirst") && s.getBoolean("malformedFirst");
        int events = s.contains("events") ? s.getInt("events") : 0;
        if (!s.contains("t1")) {
            // Gatling's SSE connect exposes no HTTP status to the scenario (a non-200 status or a non-SSE content
            // type crashes the stream before any event; only Gatling's own report names the status): a stream
            // without any event is "no_event" (HTTP error status, wrong content type, refused or at once closed
            // connection); one with events but no token is "no_token" (e.g. only error events).
            String errorClass = ended >= limit ? "stall" : malformed ? "malformed" : events == 0 ? "no_event"
                    : "no_token";
            recorder.error(at, errorClass);
            if (errorClass.equals("no_event")) {
                // Gatling hides the status and body of a rejected stream: ask once, with the same request, for the
                // server's own words (one extra request per probe, never one per rejection)
                rejections.rejected(s.getString("body"));
            }
        } else if (malformed) {
            recorder.error(at, "malformed");
        } else if (!s.contains("tUsage")) {
            recorder.error(at, ended - (s.getLong("t1") - t0) / 1e9 >= limit - 0.05 ? "stall" : "truncated");
        } else if (!s.contains("t2")) {
            recorder.error(at, ended - (s.getLong("t1") - t0) / 1e9 >= limit - 0.05 ? "stall" : "missing_done");
        } else {
            double ttft = (s.getLong("t1") - t0) / 1e9;
            double e2e = (s.getLong("tUsage") - t0) / 1e9;
            long tokens = s.getLong("tokens");
            double span = e2e - ttft;
            recorder.ok(at, ttft, e2e, tokens, tokens > 1 && span > 0 ? (tokens - 1) / span : Double.NaN);
            if (plan.streamsFile() != null) {
                streams.add(s.getString("rid") + "," + t0 + "," + s.getLong("t1") + "," + s.getLong("tUsage"));
            }
        }
        return s;
    }

    /**
     * Whether an SSE event (as Gatling renders it: {@code {"event":..,"id":..,"data":..}}, JSON data embedded raw,
     * other data quoted) carries data that is not a JSON object; {@code [DONE]} is the one allowed non-JSON data.
     */
    static boolean malformed(String message) {
        if (message.contains("\"data\":[DONE]")) {
            return false;
        }
        try {
            JsonNode data = JSON.readTree(message).path("data");
            return data.isMissingNode() ? false : !data.isObject() && !"[DONE]".equals(data.asText());
        } catch (IOException e) {
            return true;
        }
    }

    private String body(long userId) {
        SplittableRandom random = new SplittableRandom(plan.seed() * 31 + userId);
        ObjectNode body = JSON.createObjectNode();
        body.put("model", plan.model());
        String prompt = prompts.next(random);
        if ("completions".equals(plan.api())) {
            body.put("prompt", prompt);
        } else {
            body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        }
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.put("max_tokens", plan.maxTokensMin() + random.nextInt(plan.maxTokensMax() - plan.maxTokensMin() + 1));
        return body.toString();
    }

    private List<OpenInjectionStep> injection() {
        Plan.Arrival a = plan.arrival();
        double share = plan.rateShare();
        List<OpenInjectionStep> steps = new ArrayList<>();
        switch (a.kind()) {
            case "constant" -> {
                var step = constantUsersPerSec(a.rate() * share).during(seconds(plan.durationSeconds()));
                steps.add(a.poisson() ? step.randomized() : step);
            }
            case "ramp" -> {
                var step = rampUsersPerSec(a.from() * share).to(a.to() * share).during(seconds(plan.durationSeconds()));
                steps.add(a.poisson() ? step.randomized() : step);
            }
            case "stairs" -> {
                for (int i = 0; i < a.steps(); i++) {
                    var step = constantUsersPerSec((a.from() + i * a.step()) * share).during(seconds(a.stepSeconds()));
                    steps.add(a.poisson() ? step.randomized() : step);
                }
            }
            default -> throw new IllegalArgumentException("unknown arrival kind " + a.kind());
        }
        return steps;
    }

    /** The SLO as Gatling assertions, so {@code gatling:test} fails the build when the probe misses it. */
    private List<Assertion> assertions() {
        List<Assertion> out = new ArrayList<>();
        Plan.Assertions a = plan.assertions();
        if (a == null) {
            return out;
        }
        if (a.ttftP95() != null) {
            out.add(details("ttft").responseTime().percentile(95).lte((int) Math.ceil(a.ttftP95() * 1000)));
        }
        if (a.ttftP99() != null) {
            out.add(details("ttft").responseTime().percentile(99).lte((int) Math.ceil(a.ttftP99() * 1000)));
        }
        if (a.maxErrorPercent() != null) {
            out.add(details("done").failedRequests().percent().lte(a.maxErrorPercent()));
        }
        return out;
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }

    private static Plan readPlan() {
        String file = System.getProperty("plan");
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("set -Dplan=<plan.json>");
        }
        try {
            return Plan.read(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read plan " + file, e);
        }
    }
}
