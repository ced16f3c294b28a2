package dev.llmcanary.evidence;

import dev.llmcanary.testing.MutableClock;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

/** The collector's cache, rate limit and failure handling, with a scripted source and a clock moved by hand. */
class EvidenceCollectorTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final EvidenceSettings SETTINGS = new EvidenceSettings(
            new EvidenceSettings.ServerMetrics(MetricsDialect.VLLM, "/metrics", null, Map.of()), null,
            Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(2));
    private static final ScrapeTarget TARGET = new ScrapeTarget("pool", "ep-0", URI.create("http://127.0.0.1:1"));
    private static final Scrape SATURATED = new Scrape(Map.of("requests_waiting", 37.0, "kv_cache_usage_ratio",
            0.98), Map.of(), List.of());

    private final MutableClock clock = new MutableClock(T0);
    private final ScriptedSource source = new ScriptedSource();
    private final EvidenceCollector collector = new EvidenceCollector(source, clock);

    @Test
    void aPoolWithoutEvidenceSettingsGetsNoPending() {
        assertThat(collector.begin(null, TARGET, T0)).isNull();
    }

    @Test
    void beginMakesNoRequest() {
        collector.begin(SETTINGS, TARGET, T0);

        assertThat(source.calls).isZero();
    }

    @Test
    void aFailedRunGetsAnAfterScrapeAndAHint() {
        Evidence e = explain(collector.begin(SETTINGS, TARGET, T0), "TTFT over threshold");

        assertThat(source.calls).isEqualTo(1);
        assertThat(e.before()).isNull();
        assertThat(e.after().values()).containsEntry("requests_waiting", 37.0);
        assertThat(e.hint()).isEqualTo("TTFT over threshold while 37 requests waited in the queue and KV cache was"
                + " 98 % full: saturation, not a fault");
        assertThat(e.errors()).containsExactly("before: no scrape in the 60 s before the run");
        assertThat(e.source()).isEqualTo("vllm /metrics");
    }

    @Test
    void scrapesAreRateLimitedPerEndpoint() {
        collector.begin(SETTINGS, TARGET, T0).refresh();
        clock.advance(Duration.ofSeconds(9));
        collector.begin(SETTINGS, TARGET, clock.instant()).refresh();
        collector.begin(SETTINGS, new ScrapeTarget("pool", "ep-1", URI.create("http://127.0.0.1:2")),
                clock.instant()).refresh();

        assertThat(source.calls).as("ep-0 once within 10 s, ep-1 on its own budget").isEqualTo(2);

        clock.advance(Duration.ofSeconds(1));
        collector.begin(SETTINGS, TARGET, clock.instant()).refresh();

        assertThat(source.calls).isEqualTo(3);
    }

    @Test
    void theNewestFreshScrapeBeforeTheRunIsTheBeforeSide() {
        collector.begin(SETTINGS, TARGET, T0).refresh();
        clock.advance(Duration.ofSeconds(30));

        Evidence e = explain(collector.begin(SETTINGS, TARGET, clock.instant()), "stall");

        assertThat(e.before().at()).isEqualTo(T0);
        assertThat(e.before().values()).containsEntry("requests_waiting", 37.0);
        assertThat(e.after().at()).isEqualTo(T0.plusSeconds(30));
        assertThat(e.errors()).isEmpty();
    }

    @Test
    void aScrapeOlderThanMaxAgeIsNotBefore() {
        collector.begin(SETTINGS, TARGET, T0).refresh();
        clock.advance(Duration.ofSeconds(61));

        assertThat(explain(collector.begin(SETTINGS, TARGET, clock.instant()), "stall").before()).isNull();
    }

    @Test
    void whenTheLimitDeniesTheAfterScrapeANewerScrapeSinceTheRunStartedIsUsed() {
        Instant runStart = T0;
        EvidenceCollector.Pending run = collector.begin(SETTINGS, TARGET, runStart);
        clock.advance(Duration.ofSeconds(1));
        collector.begin(SETTINGS, TARGET, clock.instant()).refresh(); // another run's scrape during this run

        Evidence e = explain(run, "stall");

        assertThat(source.calls).isEqualTo(1);
        assertThat(e.after().at()).isEqualTo(T0.plusSeconds(1));
        assertThat(e.errors()).containsExactly("before: no scrape in the 60 s before the run");
    }

    @Test
    void whenTheLimitDeniesTheAfterScrapeAndNothingIsNewerTheReasonSaysSo() {
        collector.begin(SETTINGS, TARGET, T0).refresh();
        clock.advance(Duration.ofSeconds(2));

        Evidence e = explain(collector.begin(SETTINGS, TARGET, clock.instant()), "stall");

        assertThat(source.calls).isEqualTo(1);
        assertThat(e.before()).isNotNull();
        assertThat(e.after()).isNull();
        assertThat(e.errors()).containsExactly("after: skipped: rate limit (one scrape per 10 s per endpoint)");
    }

    @Test
    void aFailedScrapeMakesTheAfterSideUnavailableWithItsReason() {
        source.next = Scrape.failed("server metrics: unavailable: timeout after 2 s");

        Evidence e = explain(collector.begin(SETTINGS, TARGET, T0), "TTFT over threshold");

        assertThat(e.after()).isNull();
        assertThat(e.hint()).as("a dead server is called unreachable, never idle").startsWith("TTFT over threshold,"
                + " and the server's metrics could not be read after the run");
        assertThat(e.errors()).containsExactly("before: no scrape in the 60 s before the run",
                "after: server metrics: unavailable: timeout after 2 s");
    }

    @Test
    void aFailedScrapeDoesNotReplaceTheCachedOne() {
        collector.begin(SETTINGS, TARGET, T0).refresh();
        source.next = Scrape.failed("server metrics: unavailable: HTTP 503");
        clock.advance(Duration.ofSeconds(10));
        collector.begin(SETTINGS, TARGET, clock.instant()).refresh();
        clock.advance(Duration.ofSeconds(1));

        assertThat(explain(collector.begin(SETTINGS, TARGET, clock.instant()), "stall").before().at()).isEqualTo(T0);
    }

    @Test
    void aSourceThatThrowsOrFailsNeverBreaksTheRun() {
        source.throwing = true;

        Evidence e = explain(collector.begin(SETTINGS, TARGET, T0), "stall");

        assertThat(e.after()).isNull();
        assertThat(e.errors()).contains("after: unavailable: IllegalStateException");
    }

    @Test
    void unavailableEvidenceNamesTheTimeout() {
        Evidence e = collector.begin(SETTINGS, TARGET, T0).unavailable(new java.util.concurrent.TimeoutException());

        assertThat(e.errors()).containsExactly("before: no scrape in the 60 s before the run",
                "after: unavailable: timeout after 3 s");
    }

    private static Evidence explain(EvidenceCollector.Pending p, String symptom) {
        return p.explain(symptom).toCompletableFuture().join();
    }

    /** Answers every scrape at once with {@code next}. */
    private static final class ScriptedSource implements FigureSource {
        int calls;
        Scrape next = SATURATED;
        boolean throwing;

        @Override
        public CompletionStage<Scrape> scrape(EvidenceSettings s, ScrapeTarget t, Map<Figure, double[]> previous) {
            calls++;
            if (throwing) {
                throw new IllegalStateException("boom");
            }
            return CompletableFuture.completedFuture(next);
        }
    }

}
