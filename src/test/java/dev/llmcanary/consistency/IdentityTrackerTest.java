package dev.llmcanary.consistency;

import dev.llmcanary.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The last identity change per pool × endpoint × model, stamped by the injected clock, for the status page. */
class IdentityTrackerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T08:00:00Z"));
    private final IdentityTracker tracker = new IdentityTracker(ConsistencySeries.NONE, clock);

    @Test
    void theFirstSightingIsNoChange() {
        tracker.observe("gpu", "e1", "m", "fp_a");
        tracker.observe("gpu", "e1", "m", "fp_a");

        assertThat(tracker.lastChange("gpu", "e1", "m")).isEmpty();
    }

    @Test
    void aChangeIsKeptWithItsTimeAndSourceUntilTheNextOne() {
        tracker.observe("gpu", "e1", "m", "fp_a");
        clock.advance(Duration.ofMinutes(5));
        tracker.observe("gpu", "e1", "m", "fp_b");
        Instant first = clock.instant();
        clock.advance(Duration.ofMinutes(5));
        tracker.observe("gpu", "e1", "m", "fp_b");

        assertThat(tracker.lastChange("gpu", "e1", "m")).contains(
                new IdentityTracker.Change("fp_a", "fp_b", IdentitySource.FINGERPRINT, first));

        tracker.observe("gpu", "e1", "m", "fp_c");
        assertThat(tracker.lastChange("gpu", "e1", "m").orElseThrow())
                .extracting(IdentityTracker.Change::from, IdentityTracker.Change::to, IdentityTracker.Change::at)
                .containsExactly("fp_b", "fp_c", clock.instant());
    }

    @Test
    void changesAreKeptPerPoolEndpointAndModel() {
        tracker.observe("gpu", "e1", "m", "fp_a");
        tracker.observe("gpu", "e1", "m", "fp_b");
        tracker.observe("gpu", "e2", "m", "fp_a");
        tracker.observe("gpu", "e1", "other", "fp_a");

        assertThat(tracker.lastChange("gpu", "e2", "m")).isEmpty();
        assertThat(tracker.lastChange("gpu", "e1", "other")).isEmpty();
        assertThat(tracker.lastChange("cpu", "e1", "m")).isEmpty();
    }

    @Test
    void aRemovedEndpointTakesItsLastChangeAlong() {
        tracker.observe("gpu", "e1", "m", "fp_a");
        tracker.observe("gpu", "e1", "m", "fp_b");

        tracker.retain(key -> !key.equals(List.of("gpu", "e1", "m")));

        assertThat(tracker.lastChange("gpu", "e1", "m")).isEmpty();
        // and the next sighting is a first sighting again, not a change
        tracker.observe("gpu", "e1", "m", "fp_c");
        assertThat(tracker.lastChange("gpu", "e1", "m")).isEmpty();
    }
}
