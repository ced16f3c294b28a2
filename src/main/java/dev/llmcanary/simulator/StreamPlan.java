package dev.llmcanary.simulator;

import java.util.List;

/** Everything a streamed response will do, built before the first byte so the playback only writes. */
record StreamPlan(long headersDueNanos, List<SimEvent> events) {

    StreamPlan {
        events = List.copyOf(events);
    }
}
